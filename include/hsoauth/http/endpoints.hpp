#pragma once
// What the route handlers work with: the services of the sandbox a request is for, and the log.
// Built once at start-up (main.cpp); the references stay valid for the server's whole life.
namespace hsoauth::service {
class token_service;
class authorization_service;
class admin_service;
class gateway_service;
}  // namespace hsoauth::service

namespace hsoauth::http {

class log_writer;
class upstream_client;

struct endpoints {
    service::token_service& tokens;
    service::authorization_service& authorization;
    service::admin_service& admin;
    log_writer& log;
    // The API gateway's checks; nullptr: API calls and the built-in API endpoints get 404.
    service::gateway_service* gateway = nullptr;
    // Where allowed API calls go (gateway_upstream); nullptr: they get HubSpot's 404.
    const upstream_client* upstream = nullptr;
};

}  // namespace hsoauth::http
