#include "hsoauth/http/wire/answer_labels.hpp"

#include "hsoauth/http/wire/dated/dated_errors.hpp"
#include "hsoauth/http/wire/gateway/gateway_answers.hpp"
#include "hsoauth/http/wire/v1/v1_errors.hpp"

namespace hsoauth::http::wire {

service::answer_label wire_answer_labels::of(std::string_view version,
                                             const oauth::error& refusal) const {
    // The v3 and dated versions answer with their own differences to v1's table: their answer's
    // status, as their views would shape it.
    for (const dated::version_profile* profile : {&dated::v3, &dated::v2026_03, &dated::v2026_09}) {
        if (version != profile->name) continue;
        const response r = dated::error_response(*profile, refusal, "");
        service::answer_label label{r.status, r.hubspot_status, 0};
        if (refusal.code == oauth::errc::client_throttled) label.retry_after_s = refusal.seconds;
        return label;
    }
    // v1's table serves v1, the admin API and the consent pages (which answer 400 with a page
    // for every refusal of the authorize step).
    const error_shape& shape = v1::shape_of(refusal.code);
    service::answer_label label{shape.http_status, shape.status, 0};
    if (version.empty()) label.status = 400;
    if (refusal.code == oauth::errc::client_throttled) label.retry_after_s = refusal.seconds;
    return label;
}

service::answer_label wire_answer_labels::of(const service::failure& f) const {
    if (f.injected) return of(*f.injected);
    if (service::describe(f).transient) return {503, "SERVICE_UNAVAILABLE", 1};
    return {500, "SERVER_ERROR", 0};
}

service::answer_label wire_answer_labels::of(const controls::fired_fault& fault) const {
    using controls::fault_kind;
    const auto& a = fault.action;
    switch (a.kind) {
        case fault_kind::rate_limit: return {429, "error", a.retry_after_s};
        case fault_kind::server_error:
            return {a.status,
                    a.status == 502   ? "BAD_GATEWAY"
                    : a.status == 503 ? "SERVICE_UNAVAILABLE"
                    : a.status == 504 ? "GATEWAY_TIMEOUT"
                                      : "SERVER_ERROR",
                    a.retry_after_s};
        case fault_kind::migration_in_progress: return {477, "MIGRATION_IN_PROGRESS", a.retry_after_s};
        case fault_kind::locked: return {423, "LOCKED", 0};
        case fault_kind::bad_refresh_token: return {400, "BAD_REFRESH_TOKEN", 0};
        case fault_kind::expired_authentication: return {401, "error", 0};
        case fault_kind::reset:
        case fault_kind::truncate:
        case fault_kind::delay: return {0, "", 0};
    }
    return {};
}

service::answer_label wire_answer_labels::of(const service::api_decision& decision) const {
    using service::api_verdict;
    switch (decision.verdict) {
        case api_verdict::rate_limited:
        case api_verdict::search_rate_limited: return {429, "error", gateway::retry_after_s(decision)};
        case api_verdict::missing_scopes: return {403, "error", 0};
        case api_verdict::unknown_operation: return {404, "error", 0};
        case api_verdict::invalid_authentication:
        case api_verdict::expired_authentication: return {401, "error", 0};
        case api_verdict::allowed: break;
    }
    return {};
}

}  // namespace hsoauth::http::wire
