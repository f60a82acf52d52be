#include "hsoauth/service/controls_keeper.hpp"

namespace hsoauth::service {

std::shared_ptr<controls_memory> controls_keeper::of(const std::string& sandbox_id,
                                                     const controls_settings& settings) {
    std::lock_guard lock(mutex_);
    auto& kept = kept_[sandbox_id];
    if (!kept) kept = std::make_shared<controls_memory>(settings);
    return kept;
}

void controls_keeper::forget(const std::string& sandbox_id) {
    std::shared_ptr<controls_memory> dropped;
    {
        std::lock_guard lock(mutex_);
        const auto it = kept_.find(sandbox_id);
        if (it == kept_.end()) return;
        dropped = std::move(it->second);
        kept_.erase(it);
    }
    // `dropped` goes here, outside the lock.
}

std::size_t controls_keeper::size() const {
    std::lock_guard lock(mutex_);
    return kept_.size();
}

}  // namespace hsoauth::service
