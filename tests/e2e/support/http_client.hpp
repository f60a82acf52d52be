#pragma once

// Blocking HTTP/1.1 client for the e2e tests: one fresh connection to 127.0.0.1 per request.

#include <chrono>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "support/http_response.hpp"
#include "support/raw_connection.hpp"

namespace hsoauth::e2e {

using header_list = std::vector<std::pair<std::string, std::string>>;

// Bound on connect and on every send/recv of http_request.
inline constexpr std::chrono::milliseconds http_io_timeout{10'000};

// Sends one request to 127.0.0.1:port with "Connection: close" and reads the whole response.
// Adds Host and Connection unless `headers` has them; adds Content-Length when `body` is
// non-empty or the method is POST/PUT/PATCH, unless `headers` has it. `target` goes on the
// request line verbatim. 1xx interim responses are skipped; a HEAD response has no body.
// Throws std::runtime_error on connection errors, timeouts and malformed responses.
http_response http_request(std::uint16_t port, std::string_view method, std::string_view target,
                           const header_list& headers = {}, std::string_view body = {});

// Percent-encodes all but RFC 3986 unreserved characters (A-Z a-z 0-9 - . _ ~), as %XX uppercase.
std::string url_encode(std::string_view text);

// application/x-www-form-urlencoded: "k=v&k=v" in the given order, each side url_encode'd.
std::string form_encode(const header_list& fields);

// POST with Content-Type: application/x-www-form-urlencoded (unless `headers` sets one) and a
// form_encode'd body.
http_response post_form(std::uint16_t port, std::string_view target, const header_list& fields,
                        const header_list& headers = {});

// POST with Content-Type: application/json (unless `headers` sets one) and body.dump().
http_response post_json(std::uint16_t port, std::string_view target, const nlohmann::json& body,
                        const header_list& headers = {});

}  // namespace hsoauth::e2e
