#pragma once
// The gateway's HTTP/1.1 client to the server behind hsoauth (gateway_upstream): one request at
// a time per connection, keep-alive connections reused, all of it on the calling network
// thread's io_context (Beast's client, in upstream_client.cpp), never a blocking call there.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "hsoauth/http/message.hpp"

namespace hsoauth::http {

struct upstream_options {
    std::string host;  // an IP address or a name, resolved once when the client is made
    std::uint16_t port = 0;
    std::int64_t timeout_ms = 10000;          // connect, send and the whole answer
    std::size_t max_response_bytes = 8 << 20; // body of an answer
    std::size_t max_header_bytes = 64 << 10;  // header block of an answer
    std::size_t max_idle_per_thread = 64;     // kept-alive connections each network thread keeps
};

// Why an exchange produced no answer to relay.
enum class upstream_failure {
    none,
    unreachable,  // refused, reset, closed before a whole answer, or no network thread: 502
    timed_out,    // nothing whole within timeout_ms: 504
    too_large,    // the answer's header or body is over its limit: 502
    malformed,    // the answer is not HTTP/1.1: 502
};

struct upstream_answer {
    upstream_failure failed = upstream_failure::none;
    // The upstream's answer when not failed: its status, its headers less those of the hop
    // (Connection and the headers it names, Keep-Alive, Transfer-Encoding, Content-Length, TE,
    // Trailer, Upgrade, Proxy-*) and less Server, X-HubSpot-Correlation-Id and
    // X-HubSpot-RateLimit-*, which hsoauth sets itself; and its whole body.
    response relayed;
};

class upstream_client {
  public:
    // Resolves the host now (call at start-up, not on a network thread). Throws
    // std::runtime_error naming the host when it cannot be resolved.
    explicit upstream_client(upstream_options options);
    ~upstream_client();
    upstream_client(const upstream_client&) = delete;
    upstream_client& operator=(const upstream_client&) = delete;

    // Sends `request_bytes`, a whole HTTP/1.1 request with Content-Length framing (`head`: its
    // method is HEAD, so the answer has no body), and reads the answer. `done` runs once, on the
    // calling thread, which must be a network thread of http::server (elsewhere: unreachable).
    // A kept-alive connection found closed by the upstream is not used; one that fails before
    // any byte of the answer came is retried once on a new connection when `idempotent`.
    void exchange(std::string request_bytes, bool head, bool idempotent,
                  std::function<void(upstream_answer)> done) const;

    const upstream_options& options() const;

    struct impl;  // the options and resolved endpoints, inside upstream_client.cpp

  private:
    std::shared_ptr<impl> impl_;
};

}  // namespace hsoauth::http
