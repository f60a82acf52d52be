#pragma once
// The HTTP/1.1 server: one io_context per network thread, an acceptor handing connections out
// round-robin, one session per connection. Beast and Asio stay inside server.cpp.
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "hsoauth/http/endpoints.hpp"

namespace hsoauth::http {

struct server_limits {
    std::size_t max_body_bytes = 16384;
    std::size_t max_header_bytes = 8192;
    std::size_t max_connections = 1024;
    std::size_t max_requests_per_connection = 1000;
    std::int64_t header_timeout_ms = 10000;
    std::int64_t body_timeout_ms = 10000;
    std::int64_t idle_timeout_ms = 5000;
    std::int64_t write_timeout_ms = 10000;
    std::int64_t drain_timeout_ms = 10000;  // SIGTERM: longest wait for requests in flight
    bool log_requests = true;
};

class server {
public:
    // `e` must outlive the server.
    server(const endpoints& e, server_limits limits, std::size_t threads);
    ~server();
    server(const server&) = delete;
    server& operator=(const server&) = delete;

    // Binds and listens; returns the bound port. Throws std::system_error.
    std::uint16_t listen(const std::string& host, std::uint16_t port);

    // Serves until SIGTERM or SIGINT (or stop()), then drains: stops accepting, lets requests
    // in flight finish, closes idle connections, and returns.
    void run();
    // Starts the drain from any thread.
    void stop();

    // Runs `work` every `interval_seconds` on a network thread (housekeeping).
    void every(std::int64_t interval_seconds, std::function<void()> work);

private:
    struct impl;
    std::unique_ptr<impl> impl_;
};

}  // namespace hsoauth::http
