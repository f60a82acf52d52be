#include "hsoauth/gateway/scope_set.hpp"

#include <algorithm>

namespace hsoauth::gateway {

scope_set::scope_set(std::vector<std::string> scopes) : sorted_(std::move(scopes)) {
    std::sort(sorted_.begin(), sorted_.end());
    sorted_.erase(std::unique(sorted_.begin(), sorted_.end()), sorted_.end());
}

scope_set::scope_set(std::initializer_list<std::string_view> scopes)
    : scope_set(std::vector<std::string>(scopes.begin(), scopes.end())) {}

bool scope_set::contains(std::string_view scope) const {
    const auto it =
        std::lower_bound(sorted_.begin(), sorted_.end(), scope,
                         [](const std::string& a, std::string_view b) { return a < b; });
    return it != sorted_.end() && *it == scope;
}

}  // namespace hsoauth::gateway
