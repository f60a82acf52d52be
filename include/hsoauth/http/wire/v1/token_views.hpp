#pragma once
// HubSpot's v1 OAuth API (tests/contract/hubspot-oauth-api-openapi.json): thin views that parse
// the request into a service call and shape the answer and its error body.
#include <string>

#include "hsoauth/http/router.hpp"
#include "hsoauth/oauth/authority.hpp"

namespace hsoauth::http::wire::v1 {

// The `signed_access_token` object of an access token's metadata, as JSON text (its 17 members
// in alphabetical order). Later versions' introspection answers carry the same object.
std::string signed_access_token_json(const oauth::signed_access_token& t);

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
