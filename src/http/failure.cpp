#include "hsoauth/http/failure.hpp"

#include <string>

#include "hsoauth/http/error_body.hpp"
#include "hsoauth/http/fault_response.hpp"

namespace hsoauth::http {

response failure_response(const service::failure& f, std::string_view correlation_id,
                          log_writer& log) {
    if (f.injected) {
        const auto& fault = *f.injected;
        log.line("fault corr=" + std::string(correlation_id) + " rule=" + std::to_string(fault.rule_id) +
                 " kind=" + std::string(controls::name_of(fault.action.kind)));
        return fault_response(fault, correlation_id);
    }
    const auto report = service::describe(f);
    log.line(std::string(report.transient ? "unavailable" : "error") +
             " corr=" + std::string(correlation_id) + " cause=" + report.cause);
    if (!report.transient) return internal_error_response(correlation_id);
    static constexpr error_shape unavailable{
        503, "SERVICE_UNAVAILABLE", "SERVICE_UNAVAILABLE",
        "the token store cannot accept writes right now; retry later", nullptr};
    return render_error(unavailable, "temporarily_unavailable", "", correlation_id)
        .with_header("Retry-After", "1");
}

}  // namespace hsoauth::http
