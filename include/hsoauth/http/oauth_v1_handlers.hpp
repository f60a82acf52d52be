#pragma once
// HubSpot's v1 OAuth endpoints: thin wire-format shells over oauth::authority.
#include "hsoauth/http/router.hpp"

namespace hsoauth::http {

// POST /oauth/v1/token (form-encoded): authorization_code and refresh_token grants.
void post_token(services& s, const request& req, const route_params& params, responder respond);
// GET /oauth/v1/access-tokens/{token}
void get_access_token(services& s, const request& req, const route_params& params, responder respond);
// GET /oauth/v1/refresh-tokens/{token}
void get_refresh_token(services& s, const request& req, const route_params& params, responder respond);
// DELETE /oauth/v1/refresh-tokens/{token}
void delete_refresh_token(services& s, const request& req, const route_params& params, responder respond);
// GET /healthz
void get_healthz(services& s, const request& req, const route_params& params, responder respond);

}  // namespace hsoauth::http
