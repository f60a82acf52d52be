#pragma once
// The operations routes: what a person or a tool running hsoauth reads about it, beside the
// OAuth and admin APIs. Both answer 404 when the server was built without operations
// (endpoints::ops null: the fuzzers, some tests).
#include "hsoauth/http/router.hpp"

namespace hsoauth::http::wire::ops {

// GET /metrics: Prometheus text (version 0.0.4). Open, behind the admin key (401 with HubSpot's
// error body and WWW-Authenticate: Bearer without it), or 404, as configured (metrics_access).
void get_metrics(const endpoints& e, const request& req, route_params& params, responder respond);

// GET /openapi.json: the OpenAPI 3.1 document of everything this server serves.
void get_openapi(const endpoints& e, const request& req, route_params& params, responder respond);

// The OpenAPI document from the fragments embedded at build time (src/http/wire/ops/openapi/*.json, one per area):
// base.json's top level with every fragment's paths, components and tags merged in. Throws
// std::runtime_error naming the fragment when one is not JSON, holds another top-level member,
// or defines a path, operation or component that another fragment defines differently.
std::string openapi_document();

}  // namespace hsoauth::http::wire::ops
