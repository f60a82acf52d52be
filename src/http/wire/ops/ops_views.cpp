#include "hsoauth/http/wire/ops/ops_views.hpp"

#include "hsoauth/http/answer.hpp"
#include "hsoauth/http/bearer_auth.hpp"
#include "hsoauth/http/operations.hpp"
#include "hsoauth/http/transport_error.hpp"
#include "hsoauth/http/wire/admin/admin_views.hpp"
#include "hsoauth/service/admin_service.hpp"

namespace hsoauth::http::wire::ops {

void get_metrics(const endpoints& e, const request& req, route_params&, responder respond) {
    if (e.ops == nullptr || e.ops->access() == metrics_access::off) {
        return respond(transport_error_response(transport_errc::route_not_found, req.correlation_id, "no such endpoint"));
    }
    if (e.ops->access() == metrics_access::admin_key) {
        const std::string_view presented = bearer_credentials(req.header("authorization"));
        // A wrong key counts against the caller's address, as on the admin routes.
        if (const auto refused = e.admin.authenticate(call_of(req, respond), presented)) {
            auto answer = admin_api::error_response(*refused, req.correlation_id);
            if (answer.status == 401) answer.with_header("WWW-Authenticate", "Bearer");
            return respond(std::move(answer));
        }
    }
    response r;
    r.status = 200;
    r.body = e.ops->metrics().render();
    r.with_header("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
    respond(std::move(r));
}

void get_openapi(const endpoints& e, const request& req, route_params&, responder respond) {
    if (e.ops == nullptr) {
        return respond(transport_error_response(transport_errc::route_not_found, req.correlation_id, "no such endpoint"));
    }
    respond(json_response(200, e.ops->openapi_json()));
}

}  // namespace hsoauth::http::wire::ops
