#pragma once
// Errors of HTTP itself, found before any wire version reads the request: the server's framing
// checks, the route table, media types and size limits. Answered with HubSpot's error body.
#include <string_view>

#include "hsoauth/http/error_body.hpp"
#include "hsoauth/http/message.hpp"

namespace hsoauth::http {

enum class transport_errc {
    bad_request,         // 400: unreadable framing or request line, a path that cannot be decoded
    route_not_found,     // 404: no route has this path
    method_not_allowed,  // 405: the route exists, not for this method (the caller adds Allow)
    payload_too_large,   // 413: body over max_body_bytes
    unsupported_media_type,  // 415: a body of a type the endpoint does not read
    misdirected_request,     // 421: the Host names a host this server does not answer for (DNS rebinding)
    headers_too_large,       // 431: header block over max_header_bytes
};

// `detail` replaces the default message when not empty.
response transport_error_response(transport_errc code, std::string_view correlation_id,
                                  std::string_view detail = {});
// The same with the Error schema's `context` (e.g. the endpoints that do exist, for a 404).
response transport_error_response(transport_errc code, std::string_view correlation_id,
                                  std::string_view detail, const error_context& context);

}  // namespace hsoauth::http
