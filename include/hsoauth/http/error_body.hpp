#pragma once
// The one place that turns a client error into an HTTP status and HubSpot's error body:
//   {"status": "BAD_AUTH_CODE", "message": …, "correlationId": <UUIDv4>, "category": …,
//    "error": <RFC 6749 code>, "error_description": …, ["subCategory", "errors"]}
#include <string_view>

#include "hsoauth/http/message.hpp"
#include "hsoauth/oauth/result.hpp"

namespace hsoauth::http {

// The HTTP status a client error maps to.
int status_of(oauth::errc code);

// A JSON error response for `e`, stamped with `correlation_id`.
response error_response(const oauth::error& e, std::string_view correlation_id);
response error_response(oauth::errc code, std::string_view correlation_id);

// 500: reveals nothing about the cause.
response internal_error_response(std::string_view correlation_id);

}  // namespace hsoauth::http
