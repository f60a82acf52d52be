#pragma once
// The authorize step as HubSpot serves it at app.hubspot.com/oauth/authorize: HTML views over
// service::authorization_service. Errors are pages, never redirects: a bad client_id or
// redirect_uri must not turn hsoauth into an open redirector.
#include "hsoauth/http/router.hpp"

namespace hsoauth::http::wire::consent {

// GET /oauth/authorize?client_id=…&redirect_uri=…&scope=…[&optional_scope=…][&state=…]
//     [&code_challenge=…&code_challenge_method=S256]: the consent page (or, with auto-approve,
//     a 302 to the app with a code)
void get_authorize(const endpoints& e, const request& req, route_params& params, responder respond);
// GET /oauth/{hubId}/authorize?…: the same with the account preselected
void get_authorize_for_hub(const endpoints& e, const request& req, route_params& params,
                           responder respond);
// POST /oauth/authorize (the consent form): approve → 303 to the app with a code; decline → the
// "not connected" page (or a redirect with error=access_denied, by configuration)
void post_authorize(const endpoints& e, const request& req, route_params& params,
                    responder respond);

}  // namespace hsoauth::http::wire::consent
