#pragma once
// One operation of HubSpot's API, as the gateway checks it: a method, a path template, and the
// OAuth scopes a call needs.
#include <span>
#include <string>
#include <vector>

namespace hsoauth::gateway {

// One way to be allowed a call: every scope in it granted.
using scope_alternative = std::vector<std::string>;

struct operation {
    std::string method;  // upper case, as on the wire: "GET"
    std::string path;    // the template as listed: "/crm/v3/objects/0-3/{dealId}"
    // Any one alternative suffices. Empty when the definition named no scope: any valid token is
    // allowed. The alternatives belong to the operation_table the operation came from.
    std::span<const scope_alternative> scopes_any_of;
};

}  // namespace hsoauth::gateway
