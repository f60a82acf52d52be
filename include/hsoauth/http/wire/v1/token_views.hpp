#pragma once
// HubSpot's v1 OAuth API (tests/contract/hubspot-oauth-api-openapi.json): thin views that parse
// the request into a service call and shape the answer and its error body.
#include <string>

#include "hsoauth/http/router.hpp"
#include "hsoauth/oauth/authority.hpp"

namespace hsoauth::http::wire::v1 {

// POST /oauth/v1/token: authorization_code or refresh_token grant, form-encoded
void post_token(const endpoints& e, const request& req, route_params& params, responder respond);
// GET /oauth/v1/access-tokens/{token}: the access token's metadata
void get_access_token(const endpoints& e, const request& req, route_params& params,
                      responder respond);
// GET /oauth/v1/refresh-tokens/{token}: the refresh token's metadata
void get_refresh_token(const endpoints& e, const request& req, route_params& params,
                       responder respond);
// DELETE /oauth/v1/refresh-tokens/{token}: revoke (204)
void delete_refresh_token(const endpoints& e, const request& req, route_params& params,
                          responder respond);

}  // namespace hsoauth::http::wire::v1
