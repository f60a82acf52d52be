#include "support/raw_connection.hpp"

#include <sys/socket.h>

#include <stdexcept>
#include <utility>

#include "support/response_parser.hpp"
#include "support/socket_io.hpp"

namespace hsoauth::e2e {
namespace {

constexpr std::chrono::milliseconds send_timeout{10'000};

std::chrono::steady_clock::time_point deadline_after(std::chrono::milliseconds timeout) {
    return std::chrono::steady_clock::now() + timeout;
}

}  // namespace

raw_connection::raw_connection(std::uint16_t port) : fd_(connect_loopback(port, send_timeout)) {}

raw_connection::raw_connection(std::uint16_t port, const tls_client_options& tls)
    : fd_(connect_loopback(port, send_timeout)), tls_(std::make_unique<tls_session>(fd_.get(), tls)) {}

raw_connection::~raw_connection() = default;
raw_connection::raw_connection(raw_connection&&) noexcept = default;
raw_connection& raw_connection::operator=(raw_connection&&) noexcept = default;

void raw_connection::send(std::string_view bytes) {
    if (!try_send(bytes)) throw std::runtime_error("send: connection closed by peer");
}

bool raw_connection::try_send(std::string_view bytes) {
    if (tls_) return tls_->write_all(bytes);
    return try_send_all(fd_.get(), bytes);
}

void raw_connection::shutdown_write() {
    if (tls_) tls_->close_notify();
    if (::shutdown(fd_.get(), SHUT_WR) != 0) {
        throw std::runtime_error("shutdown(SHUT_WR) failed");
    }
}

bool raw_connection::fill(std::chrono::steady_clock::time_point deadline) {
    if (peer_closed_) {
        return true;
    }
    if (!(tls_ && tls_->has_buffered()) && !wait_readable(fd_.get(), deadline)) {
        return false;
    }
    if ((tls_ ? tls_->read_some(buffer_) : recv_some(fd_.get(), buffer_)) == recv_status::eof) {
        peer_closed_ = true;
    }
    // recv_status::timeout after poll said readable is a spurious wakeup; the caller loops.
    return true;
}

std::string raw_connection::receive_some(std::chrono::milliseconds timeout) {
    const auto deadline = deadline_after(timeout);
    while (buffer_.empty() && !peer_closed_) {
        if (!fill(deadline)) {
            throw std::runtime_error("raw_connection: no bytes within " +
                                     std::to_string(timeout.count()) + " ms");
        }
    }
    return std::exchange(buffer_, {});
}

std::string raw_connection::receive_until_closed(std::chrono::milliseconds timeout) {
    const auto deadline = deadline_after(timeout);
    while (!peer_closed_) {
        if (!fill(deadline)) {
            throw std::runtime_error("raw_connection: peer did not close within " +
                                     std::to_string(timeout.count()) + " ms; received \"" +
                                     buffer_.substr(0, 500) + "\"");
        }
    }
    return std::exchange(buffer_, {});
}

bool raw_connection::closed_by_peer(std::chrono::milliseconds timeout) {
    const auto deadline = deadline_after(timeout);
    while (!peer_closed_) {
        if (!fill(deadline)) {
            return false;
        }
    }
    return true;
}

std::optional<http_response> raw_connection::read_response(std::chrono::milliseconds timeout,
                                                           bool head_request) {
    const auto deadline = deadline_after(timeout);
    for (;;) {
        if (auto parsed = parse_response(buffer_, peer_closed_, head_request)) {
            buffer_.erase(0, parsed->consumed);
            return std::move(parsed->response);
        }
        if (peer_closed_) {
            return std::nullopt;  // parse_response threw if a partial response was buffered
        }
        if (!fill(deadline)) {
            if (buffer_.empty()) {
                return std::nullopt;
            }
            throw std::runtime_error("raw_connection: response incomplete after " +
                                     std::to_string(timeout.count()) + " ms: \"" +
                                     buffer_.substr(0, 500) + "\"");
        }
    }
}

}  // namespace hsoauth::e2e
