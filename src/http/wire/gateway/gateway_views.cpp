#include "hsoauth/http/wire/gateway/gateway_views.hpp"

#include <nlohmann/json.hpp>

#include "hsoauth/http/answer.hpp"
#include "hsoauth/http/bearer_auth.hpp"
#include "hsoauth/http/error_body.hpp"
#include "hsoauth/http/failure.hpp"
#include "hsoauth/http/fault_response.hpp"
#include "hsoauth/http/gateway_metrics.hpp"
#include "hsoauth/http/upstream_client.hpp"
#include "hsoauth/http/upstream_request.hpp"
#include "hsoauth/http/wire/gateway/gateway_answers.hpp"
#include "hsoauth/service/gateway_service.hpp"

namespace hsoauth::http::wire::gateway {
namespace {

using service::api_decision;
using service::api_verdict;

void count(const endpoints& e, gateway_outcome outcome) {
    if (e.gateway_counts != nullptr) e.gateway_counts->count(outcome);
}

// Asks the gateway about `call`; a refusal or a failure is answered here, an allowed call is
// handed to `on_allowed(decision, respond, how)`, on whichever thread the service answers. `how`
// is how its answer must go (a truncate or reset fault rule breaks it on its way, as on the
// OAuth routes); refusals and failures are counted here, allowed calls by `on_allowed`.
template <class OnAllowed>
void decide_then(const endpoints& e, const request& req, responder respond, service::api_call call,
                 OnAllowed on_allowed) {
    if (!e.gateway) return respond(not_found(req.correlation_id));
    const service::call asked = call_of(req, respond);  // before `respond` is moved below
    e.gateway->decide(asked, std::move(call),
                      [respond, &req, &e, on_allowed = std::move(on_allowed)](service::outcome<api_decision> out) mutable {
                          if (!out.ok()) {
                              const service::failure* f = out.failed();
                              count(e, f && f->injected ? gateway_outcome::fault : gateway_outcome::failure);
                              return std::move(respond).finish(
                                  f ? failure_response(*f, req.correlation_id, e.log)
                                    : internal_error_response(req.correlation_id));
                          }
                          api_decision& d = out.value();
                          const delivery how = delivery_of(out.broken_delivery());
                          if (d.verdict != api_verdict::allowed) {
                              count(e, outcome_of(d.verdict));
                              response r = refusal(d, req.correlation_id);
                              r.how = how;
                              return std::move(respond).finish(std::move(r));
                          }
                          on_allowed(d, respond, how);
                      });
}

// "-05:00" in milliseconds (-18000000); the form is checked when the hub is stored.
std::int64_t offset_ms(std::string_view offset) {
    if (offset.size() != 6) return 0;
    const std::int64_t hours = (offset[1] - '0') * 10 + (offset[2] - '0');
    const std::int64_t minutes = (offset[4] - '0') * 10 + (offset[5] - '0');
    const std::int64_t ms = (hours * 3600 + minutes * 60) * 1000;
    return offset[0] == '-' ? -ms : ms;
}

// Where the account's users sign in: app.hubspot.com for na1, app-<hublet>.hubspot.com elsewhere.
std::string ui_domain(const std::string& hublet) {
    return hublet == "na1" ? "app.hubspot.com" : "app-" + hublet + ".hubspot.com";
}

// Answers with a body made from the account of an allowed call (nullopt: an app-level token,
// or a hub deleted since: 404).
template <class Shape>
void answer_account(const endpoints& e, const request& req, responder respond, Shape shape) {
    service::api_call call{req.method, std::string(req.routed_target()), bearer_token(req.header("authorization")), true};
    decide_then(e, req, std::move(respond), std::move(call),
                [&e, &req, shape](const api_decision& d, responder& connection, delivery how) {
        count(e, gateway_outcome::allowed);
        response r = d.account ? json_response(200, shape(*d.account).dump()) : not_found(req.correlation_id);
        add_rate_headers(r, d);
        r.how = how;
        std::move(connection).finish(std::move(r));
    });
}

bool idempotent(std::string_view method) {
    return method == "GET" || method == "HEAD" || method == "PUT" || method == "DELETE" || method == "OPTIONS" ||
           method == "TRACE";
}

// Shapes what the upstream answered, or why it did not.
response relayed(upstream_answer& a, std::string_view correlation_id) {
    switch (a.failed) {
        case upstream_failure::none: return std::move(a.relayed);
        case upstream_failure::timed_out: return gateway_timeout(correlation_id);
        case upstream_failure::too_large:
            return bad_gateway("the API server behind hsoauth answered more than the gateway relays", correlation_id);
        case upstream_failure::malformed:
            return bad_gateway("the API server behind hsoauth did not answer in HTTP/1.1", correlation_id);
        case upstream_failure::unreachable: break;
    }
    return bad_gateway("the API server behind hsoauth cannot be reached", correlation_id);
}

}  // namespace

void get_account_details(const endpoints& e, const request& req, route_params&, responder respond) {
    answer_account(e, req, std::move(respond), [](const storage::hub_record& hub) {
        return nlohmann::json{{"portalId", hub.hub_id},
                              {"accountType", hub.account_type},
                              {"timeZone", hub.time_zone},
                              {"companyCurrency", hub.currency},
                              {"additionalCurrencies", hub.additional_currencies},
                              {"utcOffset", hub.utc_offset},
                              {"utcOffsetMilliseconds", offset_ms(hub.utc_offset)},
                              {"uiDomain", ui_domain(hub.hublet)},
                              {"dataHostingLocation", hub.hublet}};
    });
}

void get_integrations_me(const endpoints& e, const request& req, route_params&, responder respond) {
    answer_account(e, req, std::move(respond), [](const storage::hub_record& hub) {
        return nlohmann::json{{"portalId", hub.hub_id},
                              {"timeZone", hub.time_zone},
                              {"currency", hub.currency},
                              {"utcOffsetMilliseconds", offset_ms(hub.utc_offset)},
                              {"utcOffset", hub.utc_offset}};
    });
}

void get_check(const endpoints& e, const request& req, route_params&, responder respond) {
    std::string_view uri = req.header("x-forwarded-uri");
    std::string_view method = req.header("x-forwarded-method");
    if (uri.empty()) {
        uri = req.header("x-original-uri");
        method = req.header("x-original-method");
    }
    if (method.empty()) method = "GET";
    if (uri.empty() || uri.front() != '/') {
        return respond(bad_request("name the call to check in X-Forwarded-Uri (with X-Forwarded-Method) or "
                                   "X-Original-URI (with X-Original-Method), as a path",
                                   req.correlation_id));
    }
    if (has_ambiguous_segments(uri.substr(0, uri.find('?')))) {
        return respond(bad_request("the path has a . or .. segment or an encoded slash", req.correlation_id));
    }
    service::api_call call{std::string(method), std::string(uri), bearer_token(req.header("authorization")), false};
    decide_then(e, req, std::move(respond), std::move(call),
                [&e](const api_decision& d, responder& connection, delivery how) {
        count(e, gateway_outcome::allowed);
        response r = empty_response(200);
        r.headers = identity_headers(d.identity);
        add_rate_headers(r, d);
        r.how = how;
        std::move(connection).finish(std::move(r));
    });
}

void forward(const endpoints& e, const request& req, route_params&, responder respond) {
    if (!e.upstream || !e.gateway) return respond(not_found(req.correlation_id));
    if (has_ambiguous_segments(req.routed_path())) {
        return respond(bad_request("the path has a . or .. segment or an encoded slash", req.correlation_id));
    }
    service::api_call call{req.method, std::string(req.routed_target()), bearer_token(req.header("authorization")), false};
    decide_then(e, req, std::move(respond), std::move(call),
                [&e, &req](const api_decision& d, responder& connection, delivery how) {
        std::optional<hsoauth::gateway::rate_decision> rate = d.rate;
        std::string bytes = upstream_request_bytes(req, identity_headers(d.identity));
        // The exchange runs on the connection's own thread, whose io_context it uses.
        connection.post([&e, &req, connection, rate, how, bytes = std::move(bytes)]() mutable {
            e.upstream->exchange(std::move(bytes), req.method == "HEAD", idempotent(req.method),
                                 [&e, &req, connection, rate, how](upstream_answer a) mutable {
                                     count(e, a.failed == upstream_failure::none        ? gateway_outcome::forwarded
                                              : a.failed == upstream_failure::timed_out ? gateway_outcome::upstream_timeout
                                                                                        : gateway_outcome::upstream_error);
                                     response r = relayed(a, req.correlation_id);
                                     api_decision window;
                                     window.rate = rate;
                                     add_rate_headers(r, window);
                                     r.how = how;
                                     std::move(connection).finish(std::move(r));
                                 });
        });
    });
}

}  // namespace hsoauth::http::wire::gateway
