#include "hsoauth/http/failure.hpp"

#include <string>

#include "hsoauth/http/error_body.hpp"
#include "hsoauth/storage/errors.hpp"

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

}  // namespace hsoauth::http
