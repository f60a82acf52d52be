#include "support/socket_io.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace hsoauth::e2e {
namespace {

[[noreturn]] void throw_errno(std::string_view what, int error) {
    throw std::runtime_error(std::string(what) + ": " + std::strerror(error));
}

void set_timeout_option(int fd, int option, std::chrono::milliseconds timeout) {
    timeval tv{};
    tv.tv_sec = static_cast<time_t>(timeout.count() / 1000);
    tv.tv_usec = static_cast<suseconds_t>((timeout.count() % 1000) * 1000);
    if (::setsockopt(fd, SOL_SOCKET, option, &tv, sizeof tv) != 0) {
        throw_errno("setsockopt timeout", errno);
    }
}

// The address connections of this thread come from ("" = the kernel's choice).
thread_local std::string current_source;

}  // namespace

source_address::source_address(std::string address) { current_source = std::move(address); }

source_address::~source_address() { current_source.clear(); }

unique_fd connect_loopback(std::uint16_t port, std::chrono::milliseconds io_timeout) {
    unique_fd fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
    if (!fd) {
        throw_errno("socket", errno);
    }
    set_timeout_option(fd.get(), SO_RCVTIMEO, io_timeout);
    set_timeout_option(fd.get(), SO_SNDTIMEO, io_timeout);
    if (!current_source.empty()) {
        sockaddr_in from{};
        from.sin_family = AF_INET;
        if (::inet_pton(AF_INET, current_source.c_str(), &from.sin_addr) != 1) {
            throw std::runtime_error("not an IPv4 address: " + current_source);
        }
        if (::bind(fd.get(), reinterpret_cast<const sockaddr*>(&from), sizeof from) != 0) {
            throw_errno("bind to " + current_source, errno);
        }
    }

    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int rc;
    do {
        rc = ::connect(fd.get(), reinterpret_cast<const sockaddr*>(&addr), sizeof addr);
    } while (rc != 0 && errno == EINTR);
    if (rc != 0) {
        const int error = errno;
        if (error == EINPROGRESS || error == EAGAIN) {
            throw std::runtime_error("connect to 127.0.0.1:" + std::to_string(port) +
                                     ": timed out");
        }
        throw_errno("connect to 127.0.0.1:" + std::to_string(port), error);
    }
    return fd;
}

bool try_send_all(int fd, std::string_view bytes) {
    while (!bytes.empty()) {
        const ssize_t n = ::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
        if (n < 0) {
            const int error = errno;
            if (error == EINTR) {
                continue;
            }
            if (error == EPIPE || error == ECONNRESET) {
                return false;
            }
            if (error == EAGAIN || error == EWOULDBLOCK) {
                throw std::runtime_error("send: timed out");
            }
            throw_errno("send", error);
        }
        bytes.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
}

void send_all(int fd, std::string_view bytes) {
    if (!try_send_all(fd, bytes)) {
        throw std::runtime_error("send: connection closed by peer");
    }
}

recv_status recv_some(int fd, std::string& out) {
    char buffer[65536];
    for (;;) {
        const ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
        if (n > 0) {
            out.append(buffer, static_cast<std::size_t>(n));
            return recv_status::data;
        }
        if (n == 0) {
            return recv_status::eof;
        }
        const int error = errno;
        if (error == EINTR) {
            continue;
        }
        if (error == ECONNRESET) {
            return recv_status::eof;
        }
        if (error == EAGAIN || error == EWOULDBLOCK) {
            return recv_status::timeout;
        }
        throw_errno("recv", error);
    }
}

bool wait_readable(int fd, std::chrono::steady_clock::time_point deadline) {
    for (;;) {
        const auto remaining = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        pollfd pfd{fd, POLLIN, 0};
        const int rc =
            ::poll(&pfd, 1, remaining.count() > 0 ? static_cast<int>(remaining.count()) : 0);
        if (rc > 0) {
            return true;
        }
        if (rc == 0) {
            return false;
        }
        if (errno != EINTR) {
            throw_errno("poll", errno);
        }
    }
}

}  // namespace hsoauth::e2e
