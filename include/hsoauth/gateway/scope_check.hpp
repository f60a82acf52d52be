#pragma once
// Whether a token's scopes allow an operation, and what a 403 MISSING_SCOPES answer reports when
// they do not.
#include <string>
#include <string_view>
#include <vector>

#include "hsoauth/gateway/operation.hpp"
#include "hsoauth/gateway/scope_set.hpp"
#include "hsoauth/util/function_ref.hpp"

namespace hsoauth::gateway {

// How the scopes of a refusal are to be read.
enum class scope_rule {
    any_of,  // one of them would do: "One or more of the following scopes are required."
    all_of,  // they are needed together: "All of the following scopes are required."
};

struct scope_verdict {
    bool allowed = true;
    // When refused: how to read `required`, and the scopes for requiredGranularScopes (in the
    // table's order). Both unset when allowed.
    scope_rule rule = scope_rule::any_of;
    std::vector<std::string> required;

    // The errors[0].message of HubSpot's 403 body for `rule`.
    std::string_view message() const;
};

// Allowed when every scope of at least one alternative of `op` is in `granted` (always, when `op`
// lists no alternative). When refused, the report names the alternative closest to `granted`: the
// one with the fewest scopes missing, ties going to the one with fewer scopes, then to the first
// listed. If that alternative is a single scope, every single-scope alternative is equally close
// (each misses its one scope), so all of them are reported as any_of, in the table's order; this
// is HubSpot's "One or more of the following scopes are required." with the list. Otherwise that
// alternative's scopes, all of them and not only the missing ones, are reported as all_of.
// Pure; thread-safe.
scope_verdict check_scopes(const operation& op, const scope_set& granted);
// The same with `is_granted` telling whether a scope was granted (a token's scopes as stored,
// asked without building a scope_set).
scope_verdict check_scopes(const operation& op, function_ref<bool(std::string_view)> is_granted);

}  // namespace hsoauth::gateway
