#pragma once
// What the route handlers work with: the services of the sandbox a request is for, and the log.
// Built once at start-up (main.cpp); the references stay valid for the server's whole life.
namespace hsoauth::service {
class token_service;
class authorization_service;
class admin_service;
}  // namespace hsoauth::service

namespace hsoauth::http {

class log_writer;
class request_observer;
class operations;

struct endpoints {
    service::token_service& tokens;
    service::authorization_service& authorization;
    service::admin_service& admin;
    log_writer& log;
    // Told of every answered request (log line, metrics); null: the server logs requests itself.
    request_observer* observer = nullptr;
    // GET /metrics and GET /openapi.json; null: those routes answer 404.
    const operations* ops = nullptr;
};

}  // namespace hsoauth::http
