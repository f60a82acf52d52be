#pragma once
// A small blocking HTTP/1.1 client for `hsoauth admin`: one request per connection
// (Connection: close) to an http:// base URL, over POSIX sockets, with a timeout on connect and
// on every read and write. Plain HTTP only (the admin CLI talks to the server's own listener).
#include <chrono>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace hsoauth::cli {

// http://HOST[:PORT][/PREFIX], split.
struct base_url {
    std::string host;  // without brackets for IPv6
    std::uint16_t port = 80;
    std::string prefix;  // "" or "/something", without a trailing slash
};

// Parses `text`; throws std::invalid_argument with one sentence for anything else (https://
// included: not supported).
base_url parse_base_url(const std::string& text);

struct http_reply {
    int status = 0;
    std::vector<std::pair<std::string, std::string>> headers;  // names lower-cased
    std::string body;
};

// The server could not be reached, or answered something that is not HTTP.
struct connection_error : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// Sends `method` `path` (prefixed with the base URL's prefix) with `headers` and `body` (sent
// with Content-Length when not empty) and reads the whole answer. Throws connection_error.
http_reply send_request(const base_url& to, const std::string& method, const std::string& path,
                        const std::vector<std::pair<std::string, std::string>>& headers, const std::string& body,
                        std::chrono::milliseconds timeout = std::chrono::seconds(30));

}  // namespace hsoauth::cli
