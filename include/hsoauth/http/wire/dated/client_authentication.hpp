#pragma once
// How a request to the v3 and dated endpoints authenticates its client, read from the request:
// client_id and client_secret in the form body (what HubSpot documents), HTTP Basic (RFC 6749
// §2.3.1, what generic OAuth libraries send), or a client_assertion (RFC 7523 §2.2, on the token
// endpoint of versions that declare it, with client_id in the body). One method per request.
#include <optional>
#include <string>
#include <vector>

#include "hsoauth/http/message.hpp"
#include "hsoauth/http/wire/dated/dated_form.hpp"
#include "hsoauth/http/wire/dated/version_profile.hpp"
#include "hsoauth/oauth/result.hpp"
#include "hsoauth/service/token_service.hpp"

namespace hsoauth::http::wire::dated {

struct client_reading {
    service::client_credentials client;
    std::vector<std::string> missing;  // required fields absent or empty, in request order
};

// Reads the client of `req` into `out` (where the caller keeps it: nothing is moved after), or
// returns the error refusing it. `token_endpoint`: assertions are taken when `version` declares them.
// malformed_request when two methods are mixed (Basic and a body client_secret, or an assertion
// and a secret), when Basic and the body name two clients, when the Basic header cannot be read,
// and for a client_assertion where none is taken; invalid_field for a client_assertion_type
// other than RFC 7523's. An assertion's accepted audiences are this endpoint's URL and this
// server's, as reached (http and https with the request's Host, under `prefix`: the sandbox's
// path prefix, "" at the root) and as HubSpot's (https://api.hubapi.com).
std::optional<oauth::error> read_client(const version_profile& version, const request& req,
                                        std::string_view prefix, const dated_form& form,
                                        bool token_endpoint, client_reading& out);

}  // namespace hsoauth::http::wire::dated
