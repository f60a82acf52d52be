#pragma once

// A raw TCP connection to 127.0.0.1 for abuse tests: send arbitrary bytes, observe what comes
// back and whether the server closes. Plain, or TLS (the same bytes inside a TLS session). Not
// thread-safe.

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "support/http_response.hpp"
#include "support/tls_client.hpp"
#include "support/unique_fd.hpp"

namespace hsoauth::e2e {

class raw_connection {
  public:
    // Connects to 127.0.0.1:port; throws std::runtime_error on failure.
    explicit raw_connection(std::uint16_t port);
    // Connects and completes a TLS handshake; throws std::runtime_error when it fails.
    raw_connection(std::uint16_t port, const tls_client_options& tls);
    ~raw_connection();
    raw_connection(raw_connection&&) noexcept;
    raw_connection& operator=(raw_connection&&) noexcept;

    // Sends all bytes; throws if the peer closed/reset the connection or on a 10 s stall.
    void send(std::string_view bytes);
    // Like send, but returns false instead of throwing when the peer closed/reset the connection.
    bool try_send(std::string_view bytes);
    // Half-closes: the server sees EOF on its read side (over TLS: close_notify first); reading
    // here still works.
    void shutdown_write();

    // Returns buffered bytes if any, else waits up to `timeout` for the next bytes.
    // Returns "" on EOF (or reset); throws std::runtime_error on timeout.
    std::string receive_some(std::chrono::milliseconds timeout);

    // Everything (buffered first) until the peer closes. Throws on timeout, quoting what arrived.
    std::string receive_until_closed(std::chrono::milliseconds timeout);

    // True if the peer closes (or resets) within `timeout`. Bytes arriving meanwhile are kept
    // for read_response/receive_some.
    bool closed_by_peer(std::chrono::milliseconds timeout);

    // Parses the next response off the stream; bytes after it stay buffered for the next call.
    // Returns nullopt if nothing at all arrives before EOF or `timeout`. Throws on a malformed
    // response, or if the stream ends or times out partway through one.
    std::optional<http_response> read_response(std::chrono::milliseconds timeout,
                                               bool head_request = false);

  private:
    // One read into buffer_, waiting until `deadline`. Returns false on timeout.
    bool fill(std::chrono::steady_clock::time_point deadline);

    unique_fd fd_;
    std::unique_ptr<tls_session> tls_;  // null for plain TCP
    std::string buffer_;
    bool peer_closed_ = false;
};

}  // namespace hsoauth::e2e
