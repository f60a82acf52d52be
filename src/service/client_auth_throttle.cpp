#include "hsoauth/service/client_auth_throttle.hpp"

namespace hsoauth::service {

std::int64_t client_auth_throttle::retry_after(std::string_view client_id, std::int64_t now) {
    if (limit_ <= 0) return 0;
    std::lock_guard lock(mutex_);
    const auto it = counts_.find(std::string(client_id));
    if (it == counts_.end()) return 0;
    const auto& count = it->second;
    if (now - count.started >= window_) return 0;
    if (count.failures < limit_) return 0;
    return window_ - (now - count.started);
}

void client_auth_throttle::record_failure(std::string_view client_id, std::int64_t now) {
    if (limit_ <= 0) return;
    std::lock_guard lock(mutex_);
    if (counts_.size() >= max_tracked) {
        // Forget windows that are over; if all are live, start afresh rather than grow unbounded.
        for (auto it = counts_.begin(); it != counts_.end();) {
            it = now - it->second.started >= window_ ? counts_.erase(it) : std::next(it);
        }
        if (counts_.size() >= max_tracked) counts_.clear();
    }
    auto& count = counts_[std::string(client_id)];
    if (now - count.started >= window_) count = window_count{now, 0};
    ++count.failures;
}

}  // namespace hsoauth::service
