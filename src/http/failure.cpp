#include "hsoauth/http/failure.hpp"

#include <string>

#include "hsoauth/http/error_body.hpp"
#include "hsoauth/http/fault_response.hpp"
#include "hsoauth/http/log_event.hpp"

namespace hsoauth::http {

response failure_response(const service::failure& f, std::string_view correlation_id,
                          log_writer& log) {
    if (f.injected) {
        const auto& fault = *f.injected;
        log_event(log, log_level::info, "fault_injected")
            .add("correlation_id", correlation_id)
            .add("rule", fault.rule_id)
            .add("kind", controls::name_of(fault.action.kind));
        return fault_response(fault, correlation_id);
    }
    const auto report = service::describe(f);
    // A storage fault that passes (disk full, read-only, I/O error) is a warning; anything else
    // an error. The cause is logged, never sent.
    log_event(log, report.transient ? log_level::warn : log_level::error,
              report.transient ? "storage_unavailable" : "internal_error")
        .add("correlation_id", correlation_id)
        .add("cause", report.cause);
    if (!report.transient) return internal_error_response(correlation_id);
    static constexpr error_shape unavailable{
        503, "SERVICE_UNAVAILABLE", "SERVICE_UNAVAILABLE",
        "the token store cannot accept writes right now; retry later", nullptr};
    return render_error(unavailable, "temporarily_unavailable", "", correlation_id)
        .with_header("Retry-After", "1");
}

}  // namespace hsoauth::http
