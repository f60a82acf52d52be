#pragma once
// The authorize step HubSpot serves at app.hubspot.com/oauth/authorize: validation, the consent
// page, approve and decline. Every page here is HTML and cannot be framed.
#include "hsoauth/http/router.hpp"

namespace hsoauth::http {

// GET /oauth/authorize and GET /oauth/{hubId}/authorize (account preselected)
void get_authorize(services& s, const request& req, const route_params& params, responder respond);
void get_authorize_for_hub(services& s, const request& req, const route_params& params, responder respond);
// POST /oauth/authorize: the consent form's Approve or Decline
void post_authorize(services& s, const request& req, const route_params& params, responder respond);
// GET, PUT and DELETE /admin/v1/auto-approve: {"user_id", "hub_id"} or off
void get_auto_approve(services& s, const request& req, const route_params& params, responder respond);
void put_auto_approve(services& s, const request& req, const route_params& params, responder respond);
void delete_auto_approve(services& s, const request& req, const route_params& params, responder respond);

}  // namespace hsoauth::http
