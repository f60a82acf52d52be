#pragma once
// The bridge from a service's reply to the connection: a view hands the service a reply made
// here, which shapes the outcome into a response and sends it from the connection's thread.
#include <exception>
#include <string_view>
#include <utility>

#include "hsoauth/http/failure.hpp"
#include "hsoauth/http/fault_response.hpp"
#include "hsoauth/http/log_writer.hpp"
#include "hsoauth/http/message.hpp"
#include "hsoauth/http/responder.hpp"
#include "hsoauth/service/call.hpp"
#include "hsoauth/service/outcome.hpp"

namespace hsoauth::http {

// The service's view of `req`, answered through `respond`: its correlation id, route, version,
// the caller's address, method, routed path (after a sandbox's prefix) and query and the
// connection's thread. Valid while the
// request is (until its response is sent).
inline service::call call_of(const request& req, const responder& respond) {
    return service::call{req.correlation_id, &respond.origin(), req.route, req.version,
                         req.remote_address, &req.notes, req.method, req.routed_path(), req.query};
}

// The response for `out`: a value through `on_value(T&) -> response`, a domain error through
// `on_error(const oauth::error&) -> response`, a failure as 503 or 500 (an injected fault as
// HubSpot's answer for it). A shaping function that throws answers 500 rather than escaping. An
// outcome a fault rule breaks on its way (reset, truncate) is shaped, then marked so.
template <class T, class OnValue, class OnError>
response shape_answer(service::outcome<T>& out, OnValue& on_value, OnError& on_error,
                      std::string_view correlation_id, log_writer& log) {
    response r;
    try {
        if (out.ok()) {
            r = on_value(out.value());
        } else if (const auto* e = out.error()) {
            r = on_error(*e);
        } else {
            r = failure_response(*out.failed(), correlation_id, log);
        }
    } catch (...) {
        r = failure_response(service::failure{std::current_exception()}, correlation_id, log);
    }
    if (const auto* fault = out.broken_delivery()) break_delivery(r, *fault);
    return r;
}

// A reply for a service operation. It may run on any thread (at once for reads; for writes, on
// the request's thread once the write is durable and handed back, see origin::hand_back): it
// shapes the answer where it runs and sends it from there. `on_value` and `on_error` must touch
// only what they captured and thread-safe state. `correlation_id` views the request, which
// stays valid until its response is sent (message.hpp).
template <class T, class OnValue, class OnError>
service::reply<T> answer(responder respond, std::string_view correlation_id, log_writer& log,
                         OnValue on_value, OnError on_error) {
    return [respond = std::move(respond), correlation_id, &log, on_value = std::move(on_value),
            on_error = std::move(on_error)](service::outcome<T>&& out) mutable {
        std::move(respond).finish(shape_answer(out, on_value, on_error, correlation_id, log));
    };
}

}  // namespace hsoauth::http
