#include "hsoauth/controls/fault_counters.hpp"

namespace hsoauth::controls {

void fault_counters::fired(fault_kind kind, std::string_view route) {
    std::pair<fault_kind, std::string> key{kind, std::string(route)};
    std::lock_guard lock(mutex_);
    auto it = counts_.find(key);
    if (it == counts_.end()) {
        if (counts_.size() >= max_keys) key.second = "other";
        it = counts_.emplace(std::move(key), 0).first;
    }
    ++it->second;
}

std::vector<fault_counters::count> fault_counters::snapshot() const {
    std::vector<count> out;
    std::lock_guard lock(mutex_);
    out.reserve(counts_.size());
    for (const auto& [key, value] : counts_) out.push_back({key.first, key.second, value});
    return out;
}

}  // namespace hsoauth::controls
