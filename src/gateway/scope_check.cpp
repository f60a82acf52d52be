#include "hsoauth/gateway/scope_check.hpp"

#include <algorithm>
#include <cstddef>

namespace hsoauth::gateway {

std::string_view scope_verdict::message() const {
    return rule == scope_rule::all_of ? "All of the following scopes are required."
                                      : "One or more of the following scopes are required.";
}

scope_verdict check_scopes(const operation& op, const scope_set& granted) {
    return check_scopes(op, [&granted](std::string_view scope) { return granted.contains(scope); });
}

scope_verdict check_scopes(const operation& op, function_ref<bool(std::string_view)> is_granted) {
    if (op.scopes_any_of.empty()) return {};
    const scope_alternative* closest = nullptr;
    std::size_t closest_missing = 0;
    for (const auto& alternative : op.scopes_any_of) {
        std::size_t missing = 0;
        for (const auto& scope : alternative) missing += is_granted(scope) ? 0 : 1;
        if (missing == 0) return {};
        if (!closest || missing < closest_missing ||
            (missing == closest_missing && alternative.size() < closest->size())) {
            closest = &alternative;
            closest_missing = missing;
        }
    }
    scope_verdict refused;
    refused.allowed = false;
    if (closest->size() == 1) {
        refused.rule = scope_rule::any_of;
        for (const auto& alternative : op.scopes_any_of) {
            if (alternative.size() == 1) refused.required.push_back(alternative.front());
        }
    } else {
        refused.rule = scope_rule::all_of;
        refused.required = *closest;
    }
    return refused;
}

}  // namespace hsoauth::gateway
