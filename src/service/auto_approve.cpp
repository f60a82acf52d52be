#include "hsoauth/service/auto_approve.hpp"

namespace hsoauth::service {

std::optional<auto_approve::target> auto_approve::get() const {
    std::lock_guard lock(mutex_);
    return target_;
}

void auto_approve::set(std::optional<target> value) {
    std::lock_guard lock(mutex_);
    target_ = value;
}

}  // namespace hsoauth::service
