#include "hsoauth/cli/http_client.hpp"

#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <charconv>
#include <cstring>

namespace hsoauth::cli {
namespace {

class socket_fd {
  public:
    explicit socket_fd(int fd) : fd_(fd) {}
    ~socket_fd() {
        if (fd_ >= 0) ::close(fd_);
    }
    socket_fd(const socket_fd&) = delete;
    socket_fd& operator=(const socket_fd&) = delete;
    int get() const { return fd_; }

  private:
    int fd_;
};

// Waits until `fd` is ready for `events`; throws connection_error on timeout.
void wait_for(int fd, short events, std::chrono::milliseconds timeout, const std::string& what) {
    pollfd p{fd, events, 0};
    for (;;) {
        const int rc = ::poll(&p, 1, static_cast<int>(timeout.count()));
        if (rc > 0) return;
        if (rc == 0) throw connection_error("timed out " + what);
        if (errno != EINTR) throw connection_error(what + ": " + std::strerror(errno));
    }
}

int connect_to(const base_url& to, std::chrono::milliseconds timeout) {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* found = nullptr;
    const std::string port = std::to_string(to.port);
    if (const int rc = ::getaddrinfo(to.host.c_str(), port.c_str(), &hints, &found); rc != 0) {
        throw connection_error("cannot resolve " + to.host + ": " + ::gai_strerror(rc));
    }
    std::string last_error = "no address";
    for (addrinfo* a = found; a != nullptr; a = a->ai_next) {
        const int fd = ::socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, a->ai_protocol);
        if (fd < 0) continue;
        if (::connect(fd, a->ai_addr, a->ai_addrlen) == 0 || errno == EINPROGRESS) {
            try {
                wait_for(fd, POLLOUT, timeout, "connecting");
                int error = 0;
                socklen_t length = sizeof error;
                ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length);
                if (error == 0) {
                    ::freeaddrinfo(found);
                    return fd;
                }
                last_error = std::strerror(error);
            } catch (const connection_error& e) {
                last_error = e.what();
            }
        } else {
            last_error = std::strerror(errno);
        }
        ::close(fd);
    }
    ::freeaddrinfo(found);
    throw connection_error("cannot connect to " + to.host + ":" + port + " (" + last_error + ")");
}

std::string lower(std::string text) {
    for (auto& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return text;
}

}  // namespace

base_url parse_base_url(const std::string& text) {
    constexpr std::string_view scheme = "http://";
    if (text.rfind("https://", 0) == 0) {
        throw std::invalid_argument("https URLs are not supported by hsoauth admin; use the server's http listener "
                                    "(listen), e.g. http://127.0.0.1:8080");
    }
    if (text.rfind(scheme, 0) != 0) throw std::invalid_argument("the URL must start with http://, got '" + text + "'");
    std::string rest = text.substr(scheme.size());
    base_url out;
    const auto slash = rest.find('/');
    if (slash != std::string::npos) {
        out.prefix = rest.substr(slash);
        rest.resize(slash);
        while (!out.prefix.empty() && out.prefix.back() == '/') out.prefix.pop_back();
    }
    std::string port_text;
    if (!rest.empty() && rest.front() == '[') {
        const auto close = rest.find(']');
        if (close == std::string::npos) throw std::invalid_argument("bad IPv6 address in '" + text + "'");
        out.host = rest.substr(1, close - 1);
        if (close + 1 < rest.size()) {
            if (rest[close + 1] != ':') throw std::invalid_argument("bad URL '" + text + "'");
            port_text = rest.substr(close + 2);
        }
    } else {
        const auto colon = rest.find(':');
        out.host = rest.substr(0, colon);
        if (colon != std::string::npos) port_text = rest.substr(colon + 1);
    }
    if (out.host.empty()) throw std::invalid_argument("the URL '" + text + "' names no host");
    if (!port_text.empty()) {
        unsigned port = 0;
        const auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
        if (ec != std::errc() || end != port_text.data() + port_text.size() || port == 0 || port > 65535) {
            throw std::invalid_argument("bad port in '" + text + "'");
        }
        out.port = static_cast<std::uint16_t>(port);
    }
    return out;
}

http_reply send_request(const base_url& to, const std::string& method, const std::string& path,
                        const std::vector<std::pair<std::string, std::string>>& headers, const std::string& body,
                        std::chrono::milliseconds timeout) {
    const socket_fd fd(connect_to(to, timeout));
    const bool ipv6 = to.host.find(':') != std::string::npos;
    std::string request = method + " " + to.prefix + path + " HTTP/1.1\r\nHost: " + (ipv6 ? "[" + to.host + "]" : to.host) +
                          ":" + std::to_string(to.port) + "\r\nConnection: close\r\nUser-Agent: hsoauth-admin\r\n";
    for (const auto& [name, value] : headers) request += name + ": " + value + "\r\n";
    if (!body.empty() || method == "POST" || method == "PUT") request += "Content-Length: " + std::to_string(body.size()) + "\r\n";
    request += "\r\n";
    request += body;
    std::size_t sent = 0;
    while (sent < request.size()) {
        wait_for(fd.get(), POLLOUT, timeout, "sending the request");
        const ssize_t n = ::send(fd.get(), request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
        if (n < 0 && errno != EINTR && errno != EAGAIN) throw connection_error(std::string("send: ") + std::strerror(errno));
        if (n > 0) sent += static_cast<std::size_t>(n);
    }
    std::string raw;
    char buffer[16384];
    for (;;) {
        wait_for(fd.get(), POLLIN, timeout, "waiting for the answer");
        const ssize_t n = ::recv(fd.get(), buffer, sizeof buffer, 0);
        if (n == 0) break;
        if (n < 0) {
            if (errno == EINTR || errno == EAGAIN) continue;
            if (errno == ECONNRESET && !raw.empty()) break;
            throw connection_error(std::string("recv: ") + std::strerror(errno));
        }
        raw.append(buffer, static_cast<std::size_t>(n));
        if (raw.size() > (64u << 20)) throw connection_error("the answer is larger than 64 MiB");
    }
    const auto header_end = raw.find("\r\n\r\n");
    if (raw.rfind("HTTP/1.", 0) != 0 || header_end == std::string::npos) {
        throw connection_error("the server's answer is not HTTP");
    }
    http_reply reply;
    const auto status_at = raw.find(' ');
    reply.status = std::atoi(raw.c_str() + status_at + 1);
    std::size_t line = raw.find("\r\n") + 2;
    while (line < header_end) {
        const auto end = raw.find("\r\n", line);
        const std::string field = raw.substr(line, end - line);
        const auto colon = field.find(':');
        if (colon != std::string::npos) {
            std::string value = field.substr(colon + 1);
            value.erase(0, value.find_first_not_of(" \t"));
            reply.headers.emplace_back(lower(field.substr(0, colon)), value);
        }
        line = end + 2;
    }
    reply.body = raw.substr(header_end + 4);
    return reply;
}

}  // namespace hsoauth::cli
