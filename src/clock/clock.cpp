#include "hsoauth/clock/clock.hpp"

#include <chrono>

namespace hsoauth {

std::int64_t sandbox_clock::now() const {
    if (fixed_epoch_ != 0) return fixed_epoch_ + offset_.load();
    const auto since_epoch = std::chrono::system_clock::now().time_since_epoch();
    return std::chrono::duration_cast<std::chrono::seconds>(since_epoch).count() + offset_.load();
}

std::int64_t sandbox_clock::now_ms() const {
    if (fixed_epoch_ != 0) return (fixed_epoch_ + offset_.load()) * 1000;
    const auto since_epoch = std::chrono::system_clock::now().time_since_epoch();
    return std::chrono::duration_cast<std::chrono::milliseconds>(since_epoch).count() + offset_.load() * 1000;
}

}  // namespace hsoauth
