#pragma once
// What the route handlers work with: the services of the sandbox a request is for, and the log.
// Built once at start-up (main.cpp), and once per opened sandbox (http::hosted_sandbox); the
// references stay valid while the world they serve is open.
#include <string_view>

namespace hsoauth::service {
class token_service;
class authorization_service;
class admin_service;
class controls_service;
class sandbox_service;
class gateway_service;
}  // namespace hsoauth::service

namespace hsoauth::http {

class log_writer;
class sandbox_front;
class upstream_client;
class request_observer;
class operations;
class gateway_metrics;

struct endpoints {
    service::token_service& tokens;
    service::authorization_service& authorization;
    service::admin_service& admin;
    log_writer& log;
    // The API gateway's checks; nullptr: API calls and the built-in API endpoints get 404.
    service::gateway_service* gateway = nullptr;
    // Where allowed API calls go (gateway_upstream); nullptr: they get HubSpot's 404.
    const upstream_client* upstream = nullptr;
    // The path prefix this world is served under: "" at the root, "/sandboxes/{id}" in a
    // sandbox. Every URL of hsoauth's own that a view writes (form actions) starts with it.
    std::string_view prefix{};
    // At the root only: the sandboxes' admin use cases and the router of /sandboxes/{id}/….
    service::sandbox_service* sandboxes = nullptr;
    const sandbox_front* sandbox_routes = nullptr;
    // The world's fault rules, journal and report (null: the controls' routes answer 404).
    service::controls_service* controls = nullptr;
    // Told of every answered request (log line, metrics); null: the server logs requests itself.
    request_observer* observer = nullptr;
    // GET /metrics and GET /openapi.json; null: those routes answer 404.
    const operations* ops = nullptr;
    // Counts the API gateway's decisions (shared by every world); null: not counted.
    gateway_metrics* gateway_counts = nullptr;
};

}  // namespace hsoauth::http
