#pragma once
// The HTTP/1.1 server: one io_context per network thread, acceptors (plain HTTP, HTTPS or both)
// handing connections out round-robin, one session per connection. Plain and TLS connections
// run the same session code (a template over the stream). Beast, Asio and the TLS set-up stay
// inside src/http/server*.{hpp,cpp}.
#include <cstdint>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "hsoauth/http/endpoints.hpp"

namespace hsoauth::http {

struct server_limits {
    std::size_t max_body_bytes = 16384;
    std::size_t max_header_bytes = 8192;
    std::size_t max_connections = 1024;  // plain and TLS together, counted from accept
    std::size_t max_requests_per_connection = 1000;
    std::int64_t header_timeout_ms = 10000;
    std::int64_t body_timeout_ms = 10000;
    std::int64_t idle_timeout_ms = 5000;
    std::int64_t write_timeout_ms = 10000;
    std::int64_t tls_handshake_timeout_ms = 10000;
    std::int64_t drain_timeout_ms = 10000;  // SIGTERM: longest wait for requests in flight
    bool log_requests = true;
};

// A chunked body may take at most this many bytes on the wire (chunk-size lines, extensions
// and trailers included); beyond it the request gets 413 and the connection is closed.
inline std::size_t chunked_wire_limit(std::size_t max_body_bytes) { return 2 * max_body_bytes + 4096; }

// A certificate chain and its private key, loaded for HTTPS (load_tls). Cheap to copy.
class tls_credentials {
public:
    // The names the certificate is for: its subjectAltName DNS names, lower-cased, and IP
    // addresses, IPv6 in brackets (wildcard names left out).
    const std::vector<std::string>& names() const;

    struct impl;  // the OpenSSL context, in src/http/server_tls.hpp

private:
    friend class server;
    friend tls_credentials load_tls(const std::string& cert_file, const std::string& key_file);
    std::shared_ptr<impl> impl_;
};

// Loads the certificate chain and the private key (PEM files) for HTTPS: TLS 1.2 and 1.3 only,
// Mozilla's "intermediate" ciphers for TLS 1.2, no compression, no renegotiation, the client's
// cipher order. The key file is read once, here, and its bytes wiped after use; an encrypted key
// is refused, never prompted for. Throws std::runtime_error with one sentence naming the file at
// fault; never quotes the key.
tls_credentials load_tls(const std::string& cert_file, const std::string& key_file);

// Why listen or listen_tls could not serve an address: one plain sentence naming it
// ("127.0.0.1:8080 is already in use").
class listen_error : public std::runtime_error {
public:
    listen_error(const std::string& what, bool in_use) : std::runtime_error(what), in_use_(in_use) {}
    // Another socket holds the address (EADDRINUSE).
    bool address_in_use() const { return in_use_; }

private:
    bool in_use_;
};

class server {
public:
    // `e` must outlive the server.
    server(const endpoints& e, server_limits limits, std::size_t threads);
    // A server that binds before it knows what it serves, so that a port in use is found before
    // anything else is made: listen first, then serve(e) before run().
    server(server_limits limits, std::size_t threads);
    ~server();
    server(const server&) = delete;
    server& operator=(const server&) = delete;

    // Binds and listens for plain HTTP; returns the bound port. Throws listen_error.
    std::uint16_t listen(const std::string& host, std::uint16_t port);

    // Binds and listens for HTTPS with `credentials`; returns the bound port. Throws listen_error.
    std::uint16_t listen_tls(const std::string& host, std::uint16_t port, const tls_credentials& credentials);

    // What requests reach, for a server made without it; `e` must outlive the server. Call
    // before run().
    void serve(const endpoints& e);

    // The Host names (port left out, compared without regard to case) the server answers for;
    // any other gets 421, and an HTTP/1.1 request without Host 400. "*" in the list, or no call
    // at all, accepts any host. Call before run().
    void allow_hosts(std::vector<std::string> hosts);

    // Serves until SIGTERM or SIGINT (or stop()), then drains: stops accepting, lets requests
    // in flight finish, closes idle connections, and returns.
    void run();
    // Starts the drain from any thread.
    void stop();

    // Reproducible runs: correlation ids from one source seeded with `seed`, drawn in the order
    // requests begin (the same requests in the same order get the same ids). Call before run().
    void seed_correlation_ids(std::uint64_t seed);

    // Connections open now, plain and TLS (from accept to close); any thread.
    std::size_t open_connections() const;

    // Runs `work` every `interval_seconds` on a network thread (housekeeping).
    void every(std::int64_t interval_seconds, std::function<void()> work);

private:
    struct impl;
    std::unique_ptr<impl> impl_;
};

}  // namespace hsoauth::http
