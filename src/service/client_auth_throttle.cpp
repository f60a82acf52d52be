#include "hsoauth/service/client_auth_throttle.hpp"

namespace hsoauth::service {

client_auth_throttle::client_auth_throttle(std::int64_t limit, std::int64_t window_seconds,
                                           std::size_t capacity)
    : limit_(limit), window_(window_seconds), capacity_(capacity == 0 ? 1 : capacity) {}

std::string_view client_auth_throttle::key_of(std::string_view subject, std::string_view source) {
    thread_local std::string scratch;
    scratch.assign(subject);
    scratch += '\0';
    scratch += source;
    return scratch;
}

std::int64_t client_auth_throttle::retry_after(std::string_view subject, std::string_view source,
                                               std::int64_t now) {
    if (limit_ <= 0 || size_.load(std::memory_order_relaxed) == 0) return 0;
    const auto key = key_of(subject, source);
    std::lock_guard lock(mutex_);
    const auto found = index_.find(key);
    if (found == index_.end()) return 0;
    const pair_count& count = *found->second;
    const std::int64_t elapsed = now - count.started;
    // A clock moved back (a sandbox reset) ends the window too.
    if (elapsed >= window_ || elapsed < 0 || count.failures < limit_) return 0;
    // Still being refused: this pair is in use, so it is the last to be forgotten.
    order_.splice(order_.begin(), order_, found->second);
    return window_ - elapsed;
}

void client_auth_throttle::record_failure(std::string_view subject, std::string_view source,
                                          std::int64_t now) {
    if (limit_ <= 0) return;
    const auto key = key_of(subject, source);
    std::lock_guard lock(mutex_);
    auto found = index_.find(key);
    if (found == index_.end()) {
        if (index_.size() >= capacity_) {
            index_.erase(order_.back().key);
            order_.pop_back();
        }
        order_.push_front(pair_count{std::string(key), now, 0});
        found = index_.emplace(order_.front().key, order_.begin()).first;
        size_.store(index_.size(), std::memory_order_relaxed);
    } else {
        order_.splice(order_.begin(), order_, found->second);
    }
    pair_count& count = *found->second;
    if (now - count.started >= window_ || now < count.started) {
        count.started = now;
        count.failures = 0;
    }
    ++count.failures;
}

std::size_t client_auth_throttle::tracked() const {
    std::lock_guard lock(mutex_);
    return index_.size();
}

}  // namespace hsoauth::service
