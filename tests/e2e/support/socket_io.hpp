#pragma once

// Thin blocking-socket helpers over IPv4 loopback. Every failure is reported as
// std::runtime_error with errno text; nothing here raises SIGPIPE.

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "support/unique_fd.hpp"

namespace hsoauth::e2e {

// Opens a TCP connection to 127.0.0.1:port with SO_RCVTIMEO/SO_SNDTIMEO set to `io_timeout`
// (which also bounds connect), from the address a source_address of this thread names, if any.
// Throws on failure.
unique_fd connect_loopback(std::uint16_t port, std::chrono::milliseconds io_timeout);

// While it lives, every connection this thread opens (connect_loopback, and so every helper of
// the harness) comes from `address`, e.g. "127.0.0.2": the whole of 127.0.0.0/8 reaches a server
// on 127.0.0.1, so one test can be several callers. Not nestable.
class source_address {
  public:
    explicit source_address(std::string address);
    ~source_address();
    source_address(const source_address&) = delete;
    source_address& operator=(const source_address&) = delete;
};

// Writes all of `bytes`. Returns false if the peer closed or reset the connection; throws on
// timeout (per the socket's SO_SNDTIMEO) and on any other error.
bool try_send_all(int fd, std::string_view bytes);

// Like try_send_all, but a closed or reset connection also throws.
void send_all(int fd, std::string_view bytes);

enum class recv_status { data, eof, timeout };

// Performs one recv and appends what arrived to `out`. A connection reset counts as eof.
// `timeout` means the socket's SO_RCVTIMEO elapsed (or, for a non-timed socket, EAGAIN).
// Throws on any other error.
recv_status recv_some(int fd, std::string& out);

// Waits until `fd` is readable (data, EOF or error pending) or `deadline` passes.
// Returns false on timeout.
bool wait_readable(int fd, std::chrono::steady_clock::time_point deadline);

}  // namespace hsoauth::e2e
