#pragma once
// The admin API under /admin/v1 (every route needs the admin key; the router checks it).
#include "hsoauth/http/router.hpp"

namespace hsoauth::http {

// POST /admin/v1/apps, /hubs, /users: create or update (201 created, 200 updated)
void post_app(services& s, const request& req, const route_params& params, responder respond);
void post_hub(services& s, const request& req, const route_params& params, responder respond);
void post_user(services& s, const request& req, const route_params& params, responder respond);
// GET /admin/v1/apps, /hubs, /users, /installs: {"results": [...]}
void list_apps(services& s, const request& req, const route_params& params, responder respond);
void list_hubs(services& s, const request& req, const route_params& params, responder respond);
void list_users(services& s, const request& req, const route_params& params, responder respond);
void list_installs(services& s, const request& req, const route_params& params, responder respond);
// GET /admin/v1/apps/{id}, /hubs/{id}, /users/{id}
void get_app(services& s, const request& req, const route_params& params, responder respond);
void get_hub(services& s, const request& req, const route_params& params, responder respond);
void get_user(services& s, const request& req, const route_params& params, responder respond);
// DELETE /admin/v1/apps/{id}, /hubs/{id}, /users/{id}: 204; everything they take part in is uninstalled
void delete_app(services& s, const request& req, const route_params& params, responder respond);
void delete_hub(services& s, const request& req, const route_params& params, responder respond);
void delete_user(services& s, const request& req, const route_params& params, responder respond);
// DELETE /admin/v1/installs/{hubId}/{appId}: uninstall; every token of the install dies
void delete_install(services& s, const request& req, const route_params& params, responder respond);
// POST /admin/v1/seed: a whole seed document, all or nothing
void post_seed(services& s, const request& req, const route_params& params, responder respond);
// POST /admin/v1/authorization-codes: the headless consent screen
void post_authorization_code(services& s, const request& req, const route_params& params, responder respond);
// GET /admin/v1/clock and POST /admin/v1/clock {"advance_seconds": N}
void get_clock(services& s, const request& req, const route_params& params, responder respond);
void post_clock(services& s, const request& req, const route_params& params, responder respond);
// GET and PUT /admin/v1/storage-faults {"read_only": bool, "max_page_count": int}: make writes
// fail (503) on purpose, and recover
void get_storage_faults(services& s, const request& req, const route_params& params, responder respond);
void put_storage_faults(services& s, const request& req, const route_params& params, responder respond);

}  // namespace hsoauth::http
