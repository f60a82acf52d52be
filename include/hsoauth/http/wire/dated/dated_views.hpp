#pragma once
// The token, introspection and revocation endpoints of HubSpot's v3 and dated OAuth APIs
// (POST /oauth/{version}/token, …/token/introspect, …/token/revoke): thin views that read a
// form-encoded request and its client authentication (client_id and client_secret in the body,
// HTTP Basic, or, where the version declares it, a client_assertion), call the version-neutral
// token service, and shape its answer and errors as `version` publishes them. A route names
// one instantiation, e.g. dated::post_token<dated::v2026_03>.
#include "hsoauth/http/router.hpp"
#include "hsoauth/http/wire/dated/version_profile.hpp"

namespace hsoauth::http::wire::dated {

// POST /oauth/{version}/token: authorization_code, refresh_token, and client_credentials where
// the version offers it. 200 with AccessTokenResponse or ClientCredentialsTokenResponse.
void post_token(const version_profile& version, const endpoints& e, const request& req,
                route_params& params, responder respond);
// POST /oauth/{version}/token/introspect (RFC 7662): 200 with the token's info, or
// {"active":false} for anything that is not a live token of the asking client.
void post_introspect(const version_profile& version, const endpoints& e, const request& req,
                     route_params& params, responder respond);
// POST /oauth/{version}/token/revoke (RFC 7009): 200 with an empty body, whatever the token was.
void post_revoke(const version_profile& version, const endpoints& e, const request& req,
                 route_params& params, responder respond);

template <const version_profile& Version>
void post_token(const endpoints& e, const request& req, route_params& params, responder respond) {
    post_token(Version, e, req, params, std::move(respond));
}
template <const version_profile& Version>
void post_introspect(const endpoints& e, const request& req, route_params& params,
                     responder respond) {
    post_introspect(Version, e, req, params, std::move(respond));
}
template <const version_profile& Version>
void post_revoke(const endpoints& e, const request& req, route_params& params, responder respond) {
    post_revoke(Version, e, req, params, std::move(respond));
}

}  // namespace hsoauth::http::wire::dated
