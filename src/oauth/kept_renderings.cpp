#include "hsoauth/oauth/kept_renderings.hpp"

namespace hsoauth::oauth {

void kept_renderings::drop() noexcept {
    for (auto& slot : slots_) delete slot.exchange(nullptr, std::memory_order_acq_rel);
}

const kept_rendering& kept_renderings::keep(std::size_t slot, std::unique_ptr<kept_rendering> made) const {
    kept_rendering* expected = nullptr;
    // Release: whoever finds it sees the text written. On failure `expected` is the kept one.
    if (slots_[slot].compare_exchange_strong(expected, made.get(), std::memory_order_acq_rel,
                                             std::memory_order_acquire)) {
        return *made.release();
    }
    return *expected;
}

}  // namespace hsoauth::oauth
