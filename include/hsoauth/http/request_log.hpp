#pragma once
// The one log line per request: time, method, path with tokens masked, status, duration,
// correlation id. Never a query string, a header or a body, so no secret reaches the log.
#include <cstdint>
#include <string>
#include <string_view>

#include "hsoauth/http/log_writer.hpp"

namespace hsoauth::http {

// The path with token segments shown as ***: the segment after "access-tokens" or
// "refresh-tokens" (skipping empty ones), and every segment over 24 characters.
std::string masked_path(std::string_view path);

void log_request(log_writer& log, std::string_view method, std::string_view path, int status,
                 std::int64_t duration_micros, std::string_view correlation_id);

}  // namespace hsoauth::http
