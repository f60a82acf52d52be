#include "hsoauth/http/transport_error.hpp"

#include "hsoauth/http/error_body.hpp"

namespace hsoauth::http {
namespace {

error_shape shape_of(transport_errc code) {
    switch (code) {
        case transport_errc::bad_request:
            return {400, "BAD_REQUEST", "VALIDATION_ERROR", "the request is malformed", nullptr};
        case transport_errc::route_not_found:
            return {404, "NOT_FOUND", "OBJECT_NOT_FOUND", "resource not found", nullptr};
        case transport_errc::method_not_allowed:
            return {405, "METHOD_NOT_ALLOWED", "VALIDATION_ERROR",
                    "method not allowed on this resource", nullptr};
        case transport_errc::payload_too_large:
            return {413, "PAYLOAD_TOO_LARGE", "VALIDATION_ERROR", "the request body is too large",
                    nullptr};
        case transport_errc::unsupported_media_type:
            return {415, "UNSUPPORTED_MEDIA_TYPE", "VALIDATION_ERROR",
                    "Content-Type must be application/x-www-form-urlencoded", nullptr};
        case transport_errc::misdirected_request:
            return {421, "MISDIRECTED_REQUEST", "VALIDATION_ERROR",
                    "this server does not answer for the host named in the request", nullptr};
        case transport_errc::headers_too_large:
            return {431, "HEADERS_TOO_LARGE", "VALIDATION_ERROR",
                    "the request headers are too large", nullptr};
    }
    return {400, "BAD_REQUEST", "VALIDATION_ERROR", "the request is malformed", nullptr};
}

}  // namespace

response transport_error_response(transport_errc code, std::string_view correlation_id,
                                  std::string_view detail) {
    return render_error(shape_of(code), "invalid_request", detail, correlation_id);
}

response transport_error_response(transport_errc code, std::string_view correlation_id,
                                  std::string_view detail, const error_context& context) {
    return render_error(shape_of(code), "invalid_request", detail, correlation_id, context);
}

}  // namespace hsoauth::http
