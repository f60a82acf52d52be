#pragma once
// hsoauth's admin API for sandboxes, at the root only (inside a sandbox these routes answer 404):
//   POST   /admin/v1/sandboxes {"name"?, "seed"?, "from"?, "ttl_seconds"?}  201 {id, base_url, admin_key, …}
//   GET    /admin/v1/sandboxes                                              {"results": [...]}
//   GET    /admin/v1/sandboxes/{id}, DELETE /admin/v1/sandboxes/{id}        one sandbox; 204
//   POST   /admin/v1/sandboxes/{id}/snapshots                               201 {snapshot_id, …}
//   POST   /admin/v1/sandboxes/{id}/restore {"snapshot_id"}                 200 the sandbox
// Creating and listing need the server's admin key (the router checks it); the routes naming a
// sandbox accept the server's key or that sandbox's own key (checked here). Errors take the
// admin API's shapes; the sandbox cap is 429 with HubSpot's rate-limit body.
#include "hsoauth/http/router.hpp"

namespace hsoauth::http::wire::admin_api {

void post_sandbox(const endpoints& e, const request& req, route_params& params, responder respond);
void list_sandboxes(const endpoints& e, const request& req, route_params& params, responder respond);
void get_sandbox(const endpoints& e, const request& req, route_params& params, responder respond);
void delete_sandbox(const endpoints& e, const request& req, route_params& params, responder respond);
void post_sandbox_snapshot(const endpoints& e, const request& req, route_params& params, responder respond);
void post_sandbox_restore(const endpoints& e, const request& req, route_params& params, responder respond);

}  // namespace hsoauth::http::wire::admin_api
