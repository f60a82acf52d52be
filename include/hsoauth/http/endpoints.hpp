#pragma once
// What the route handlers work with: the services of the sandbox a request is for, and the log.
// Built once at start-up (main.cpp); the references stay valid for the server's whole life.
namespace hsoauth::service {
class token_service;
class authorization_service;
class admin_service;
class controls_service;
}  // namespace hsoauth::service

namespace hsoauth::http {

class log_writer;

struct endpoints {
    service::token_service& tokens;
    service::authorization_service& authorization;
    service::admin_service& admin;
    log_writer& log;
    // The world's fault rules, journal and report (null: the controls' routes answer 404).
    service::controls_service* controls = nullptr;
};

}  // namespace hsoauth::http
