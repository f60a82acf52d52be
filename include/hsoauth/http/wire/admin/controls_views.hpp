#pragma once
// The controls' admin API under /admin/v1: fault rules, the event journal and the integration
// report, thin views over service::controls_service. Every route needs the admin key (the
// router checks it); errors take HubSpot's v1 shapes.
#include "hsoauth/http/router.hpp"

namespace hsoauth::http::wire::admin_api {

// POST /admin/v1/faults: one rule (201 with the rule and its id), or a list of them (201
// {"results": [...]}, all or nothing)
void post_fault(const endpoints& e, const request& req, route_params& params, responder respond);
// GET /admin/v1/faults: {"results": [rule with matched, fired, spent]}
void list_faults(const endpoints& e, const request& req, route_params& params, responder respond);
// DELETE /admin/v1/faults/{faultId}: 204, 404 when there is no such rule
void delete_fault(const endpoints& e, const request& req, route_params& params, responder respond);
// DELETE /admin/v1/faults: every rule (204)
void delete_faults(const endpoints& e, const request& req, route_params& params, responder respond);
// GET /admin/v1/events?since=&kind=&client_id=&hub_id=&app_id=&route=&limit=&follow=: a page
// {"results": [...], "paging": {"next": {"since": N}}}; with Accept: application/x-ndjson (or
// follow=true) one event per line, streamed, and with follow=true kept open for new events
void get_events(const endpoints& e, const request& req, route_params& params, responder respond);
// GET /admin/v1/apps/{appId}/report: the integration report, JSON, or HTML with
// Accept: text/html or ?format=html
void get_report(const endpoints& e, const request& req, route_params& params, responder respond);

}  // namespace hsoauth::http::wire::admin_api
