#include "hsoauth/http/request_log.hpp"

#include <chrono>
#include <cstdio>
#include <ctime>

#include "hsoauth/http/failure.hpp"

namespace hsoauth::http {

std::string masked_path(std::string_view path) {
    std::string out;
    out.reserve(path.size());
    bool mask_next = false;
    std::size_t i = 0;
    while (i < path.size()) {
        const std::size_t slash = path.find('/', i + 1);
        const std::size_t end = slash == std::string_view::npos ? path.size() : slash;
        const std::string_view segment = path.substr(i, end - i);  // includes the leading '/'
        // Token segments are masked wherever they stand: after access-tokens or refresh-tokens
        // (even behind an empty segment), and any segment long enough to be a secret.
        if ((mask_next && segment.size() > 1) || segment.size() > 25) {
            out += "/***";
        } else {
            // Anything printed must be harmless: control bytes never reach the log.
            for (const char c : segment) out += (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) ? '?' : c;
        }
        const std::string_view name = segment.substr(segment.front() == '/' ? 1 : 0);
        mask_next = name == "access-tokens" || name == "refresh-tokens" || (mask_next && name.empty());
        i = end;
    }
    if (out.size() > 200) out = out.substr(0, 200) + "…";
    return out;
}

void log_request(std::string_view method, std::string_view path, int status,
                 std::int64_t duration_micros, std::string_view correlation_id) {
    const auto now = std::chrono::system_clock::now();
    const std::time_t seconds = std::chrono::system_clock::to_time_t(now);
    std::tm utc{};
    gmtime_r(&seconds, &utc);
    char stamp[32];
    std::strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", &utc);
    std::string safe_method;
    for (const char c : method.substr(0, 16)) safe_method += (c > 0x20 && c < 0x7f) ? c : '?';
    char line[512];
    std::snprintf(line, sizeof line, "%s %s %s %d %.3fms corr=%.*s", stamp, safe_method.c_str(),
                  masked_path(path).c_str(), status, static_cast<double>(duration_micros) / 1000.0,
                  static_cast<int>(correlation_id.size()), correlation_id.data());
    log_line(line);
}

}  // namespace hsoauth::http
