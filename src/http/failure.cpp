#include "hsoauth/http/failure.hpp"

#include <unistd.h>

#include <string>

#include "hsoauth/http/error_body.hpp"
#include "hsoauth/storage/sqlite.hpp"

namespace hsoauth::http {

response failure_response(std::exception_ptr error, std::string_view correlation_id) {
    std::string cause = "unknown exception";
    bool unavailable = false;
    try {
        std::rethrow_exception(error);
    } catch (const storage::storage_error& e) {
        cause = e.what();
        unavailable = e.unavailable();
    } catch (const std::exception& e) {
        cause = e.what();
    } catch (...) {
    }
    log_line(std::string(unavailable ? "unavailable" : "error") + " corr=" +
             std::string(correlation_id) + " cause=" + cause);
    if (unavailable) {
        return error_response(oauth::errc::service_unavailable, correlation_id)
            .with_header("Retry-After", "1");
    }
    return internal_error_response(correlation_id);
}

void log_line(std::string_view line) {
    std::string out(line);
    out += '\n';
    // One write(2) per line keeps lines whole across threads.
    const char* p = out.data();
    std::size_t left = out.size();
    while (left > 0) {
        const ssize_t n = ::write(STDERR_FILENO, p, left);
        if (n <= 0) return;
        p += n;
        left -= static_cast<std::size_t>(n);
    }
}

}  // namespace hsoauth::http
