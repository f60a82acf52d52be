#include "hsoauth/http/body_buffers.hpp"

#include <array>
#include <cstddef>
#include <utility>

namespace hsoauth::http {
namespace {

constexpr std::size_t kept_per_thread = 4;
constexpr std::size_t smallest_kept = 1024;
constexpr std::size_t largest_kept = 64 * 1024;

struct spare_buffers {
    std::array<std::string, kept_per_thread> strings;
    std::size_t count = 0;
    ~spare_buffers();
};

// Whether this thread's spares are gone (the thread is ending): trivially destructible, so it
// can still be read from another thread_local's destructor.
bool& spares_ended() {
    thread_local bool ended = false;
    return ended;
}

spare_buffers& spares() {
    thread_local spare_buffers mine;
    return mine;
}

spare_buffers::~spare_buffers() { spares_ended() = true; }

}  // namespace

std::string take_body_buffer() {
    if (!spares_ended()) {
        spare_buffers& s = spares();
        if (s.count > 0) return std::move(s.strings[--s.count]);
    }
    std::string fresh;
    fresh.reserve(smallest_kept);
    return fresh;
}

void give_back_body_buffer(std::string&& used) noexcept {
    if (used.capacity() < smallest_kept || used.capacity() > largest_kept || spares_ended()) return;
    spare_buffers& s = spares();
    if (s.count == kept_per_thread) return;
    used.clear();
    s.strings[s.count++] = std::move(used);
}

}  // namespace hsoauth::http
