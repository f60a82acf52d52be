#pragma once
// The API gateway's views: HubSpot's API answered as HubSpot's gateway answers it, for calls
// made with hsoauth's access tokens (docs/gateway.md).
#include "hsoauth/http/router.hpp"

namespace hsoauth::http::wire::gateway {

// GET /account-info/v3/details and GET /account-info/2026-03/details: the token's account, from
// hsoauth's own hub (scope oauth).
void get_account_details(const endpoints& e, const request& req, route_params& params, responder respond);
// GET /integrations/v1/me: the legacy account summary (scope oauth).
void get_integrations_me(const endpoints& e, const request& req, route_params& params, responder respond);
// GET /gateway/v1/check: forward-auth for a proxy in front. The call checked is named by
// X-Forwarded-Method and X-Forwarded-Uri (Traefik, Envoy) or X-Original-Method and
// X-Original-URI (nginx auth_request; the method defaults to GET); its token is this request's
// Authorization. 200 with the identity and rate-limit headers, else the gateway's refusal.
void get_check(const endpoints& e, const request& req, route_params& params, responder respond);
// Every request no route of hsoauth's serves: with an upstream, checked and forwarded (method,
// target and body unchanged, hop-by-hop headers dropped, the identity headers added) and its
// answer relayed with the rate-limit headers; without one, 404.
void forward(const endpoints& e, const request& req, route_params& params, responder respond);

}  // namespace hsoauth::http::wire::gateway
