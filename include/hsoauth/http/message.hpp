#pragma once
// HTTP requests and responses as the handlers see them: plain values, no Beast. The server
// (http/server.cpp) converts from and to Beast's types at the edge.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "hsoauth/service/call.hpp"

namespace hsoauth::http {

using header_list = std::vector<std::pair<std::string, std::string>>;

// A request, valid until its response has been sent (the connection reuses it afterwards): a
// handler or reply may keep views into it until then.
struct request {
    std::string method;          // as sent, e.g. "GET"
    std::string target;          // path and query, as sent
    std::string path;            // target before '?'
    std::string query;           // target after '?', without it
    header_list headers;         // names lower-cased
    std::string body;
    std::string correlation_id;  // a fresh UUIDv4, also sent back as X-HubSpot-Correlation-Id
    std::string remote_address;  // the peer's IP address as text ("127.0.0.1", "::1"), set by the
                                 // server for the connection; "" when unknown
    bool secure = false;         // arrived over HTTPS (for the URLs a view writes)
    // How many bytes of `path` (and of `target`) name the mount the request is served under
    // ("/sandboxes/{id}", sandbox_front); 0 at the root. Set by dispatch. The route table and the
    // views read routed_path() and routed_target(); the log shows `path` whole.
    std::size_t mount_size = 0;
    std::string_view route;      // the matched route's name and wire version (router.hpp), set by
    std::string_view version;    // dispatch before the handler runs; "" until then
    // Who the request is about, noted by the service for the request log (service::call::notes).
    // Mutable: the service notes it through the const request a view holds.
    mutable service::call_notes notes;

    // The first header named `name` (lower-case), or "" when absent.
    std::string_view header(std::string_view name) const;
    // `path` and `target` after the mount (which both begin with): what the route table matches,
    // the views read and the gateway forwards. Views into the request, valid as long as it is.
    std::string_view routed_path() const { return {path.data() + mount_size, path.size() - mount_size}; }
    std::string_view routed_target() const { return {target.data() + mount_size, target.size() - mount_size}; }
};

class body_stream;

// How a response reaches the client: whole, or broken on purpose by a fault rule.
enum class delivery {
    whole,
    reset,      // the connection is closed without an answer
    truncated,  // the status line and headers as they are, half the body, then the connection closes
};

struct response {
    int status = 200;
    // Content-Type when it is a static string (json_response sets it), sent before `headers`
    // without an allocation; "" when `headers` names it, or there is none.
    std::string_view content_type;
    header_list headers;  // Content-Type, Location, …; the server adds the common ones
    std::string body;
    delivery how = delivery::whole;
    // Set: the body is this stream, sent chunked after the headers (`body` is ignored); the
    // connection closes once it ends.
    std::shared_ptr<body_stream> stream;
    // An error answer's HubSpot `status` (render_error sets it; it views a static string), for
    // the log and metrics; "" otherwise.
    std::string_view hubspot_status;

    response& with_header(std::string name, std::string value) {
        headers.emplace_back(std::move(name), std::move(value));
        return *this;
    }
};

inline constexpr std::string_view json_content_type = "application/json;charset=utf-8";
inline constexpr std::string_view html_content_type = "text/html;charset=utf-8";

// `c` in lower case if it is an ASCII capital letter; any other byte as it is (no locale).
constexpr char ascii_lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + ('a' - 'A')) : c; }

// ASCII case-insensitive equality, as HTTP compares field names and tokens (RFC 9110 §5.1).
bool iequals(std::string_view a, std::string_view b);
// Whether `text` begins with `prefix`, ASCII case-insensitively.
bool istarts_with(std::string_view text, std::string_view prefix);

// A response with a JSON body and HubSpot's exact Content-Type.
response json_response(int status, std::string body);
// A response without a body (204 and the like).
response empty_response(int status);

}  // namespace hsoauth::http
