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
// (which also bounds connect). Throws on failure.
unique_fd connect_loopback(std::uint16_t port, std::chrono::milliseconds io_timeout);

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
