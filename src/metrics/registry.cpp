#include "hsoauth/metrics/registry.hpp"

namespace hsoauth::metrics {

void registry::add(collector collect) {
    std::lock_guard lock(mutex_);
    collectors_.push_back(std::move(collect));
}

std::string registry::render() const {
    exposition out;
    std::lock_guard lock(mutex_);
    for (const auto& collect : collectors_) collect(out);
    return out.text();
}

}  // namespace hsoauth::metrics
