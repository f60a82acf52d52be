#include "hsoauth/http/request_recorder.hpp"

#include "hsoauth/http/log_event.hpp"
#include "hsoauth/http/request_log.hpp"

namespace hsoauth::http {

void request_recorder::finished(const finished_request& r) {
    if (metrics_) metrics_->record(r.route, r.version, r.status, r.duration_micros, r.hubspot_status);
    const log_style& style = log_.style();
    const log_level level = r.status >= 500 ? log_level::error : log_level::info;
    if (!style.requests || !log_.enabled(level)) return;
    if (style.format == log_format::text) {
        return log_request(log_, r.method, r.path, r.status, r.duration_micros, r.correlation_id);
    }
    log_event line(log_, level, "request");
    line.add("method", r.method.substr(0, 16));
    line.add("route", r.route.empty() ? std::string_view("unmatched") : r.route);
    if (r.route.empty()) line.add_printable("path", masked_path(r.path));
    if (!r.version.empty()) line.add("version", r.version);
    line.add("status", r.status).add("duration_us", r.duration_micros).add("correlation_id", r.correlation_id.substr(0, 64));
    if (r.notes) {
        if (!r.notes->client_id.empty()) line.add("client_id", std::string_view(r.notes->client_id).substr(0, 256));
        if (r.notes->hub_id != 0) line.add("hub_id", r.notes->hub_id);
    }
    if (!r.hubspot_status.empty()) line.add("hubspot_status", r.hubspot_status);
}

}  // namespace hsoauth::http
