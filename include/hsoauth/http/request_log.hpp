#pragma once
// The one log line per request: time, method, path with tokens masked, status, duration,
// correlation id. Never a query string, a header or a body, so no secret reaches the log.
#include <cstdint>
#include <ctime>
#include <string>
#include <string_view>

#include "hsoauth/http/log_writer.hpp"

namespace hsoauth::http {

// Appends `text` with every byte outside printable ASCII (controls, space, DEL, every byte of a
// multi-byte UTF-8 sequence or of invalid UTF-8) and the backslash itself written as \xNN, so
// a logged field can neither break a line nor carry direction overrides or terminal escapes.
void append_escaped(std::string& out, std::string_view text);

// The path with token segments shown as ***: the segment after "access-tokens" or
// "refresh-tokens" (skipping empty ones), and every segment over 24 characters; escaped as by
// append_escaped, and cut after about 200 characters ("..." marks the cut).
std::string masked_path(std::string_view path);
// masked_path(path) appended to `out` (the request line is written so, without a string of its own).
void append_masked_path(std::string& out, std::string_view path);

// The log line of one request into `line` (replacing its content): UTC time of `seconds`,
// method (16 bytes at most) and masked path escaped, status, duration in milliseconds,
// correlation id.
void format_request_line(std::string& line, std::time_t seconds, std::string_view method, std::string_view path,
                         int status, std::int64_t duration_micros, std::string_view correlation_id);

// Formats the line for now and hands it to `log`.
void log_request(log_writer& log, std::string_view method, std::string_view path, int status,
                 std::int64_t duration_micros, std::string_view correlation_id);

}  // namespace hsoauth::http
