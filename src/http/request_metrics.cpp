#include "hsoauth/http/request_metrics.hpp"

namespace hsoauth::http {

request_metrics::slot::slot(std::string_view n, std::string_view v)
    : name(n), version(v), latency(metrics::latency_bounds_micros(), 1e6) {}

request_metrics::request_metrics(const std::vector<route>& routes) {
    slots_.push_back(std::make_unique<slot>("unmatched", ""));
    for (const auto& r : routes) {
        const auto key = std::make_pair(std::string(r.name), std::string(r.version));
        auto found = by_name_.find(key);
        if (found == by_name_.end()) {
            slots_.push_back(std::make_unique<slot>(r.name, r.version));
            found = by_name_.emplace(key, slots_.back().get()).first;
        }
        by_name_address_.emplace(text_addresses{r.name.data(), r.version.data()}, found->second);
    }
}

request_metrics::slot& request_metrics::slot_of(std::string_view route, std::string_view version) {
    if (route.empty()) return *slots_.front();
    if (const auto it = by_name_address_.find(text_addresses{route.data(), version.data()});
        it != by_name_address_.end() && it->second->version == version) {
        return *it->second;
    }
    // A name that is not a view into the route table (a handler's own): look it up by text.
    const auto it = by_name_.find(std::make_pair(std::string(route), std::string(version)));
    return it != by_name_.end() ? *it->second : *slots_.front();
}

void request_metrics::record(std::string_view route, std::string_view version, int status,
                             std::int64_t duration_micros, std::string_view hubspot_status) {
    slot& s = slot_of(route, version);
    if (status >= first_status && status < first_status + status_count) {
        s.by_status[static_cast<std::size_t>(status - first_status)].fetch_add(1, std::memory_order_relaxed);
    }
    s.latency.observe(duration_micros);
    if (!hubspot_status.empty()) {
        std::lock_guard lock(refusals_mutex_);
        const auto it = refusals_.find(hubspot_status);
        if (it != refusals_.end()) {
            ++it->second;
        } else {
            refusals_.emplace(std::string(hubspot_status), 1);
        }
    }
}

void request_metrics::collect(metrics::exposition& out) const {
    out.family("hsoauth_http_requests_total", "counter",
               "Requests answered, by route (the route table's stable name), wire version and HTTP status.");
    for (const auto& s : slots_) {
        for (int i = 0; i < status_count; ++i) {
            const auto count = s->by_status[static_cast<std::size_t>(i)].load(std::memory_order_relaxed);
            if (count == 0) continue;
            const std::string status = std::to_string(first_status + i);
            out.sample("hsoauth_http_requests_total", {{"route", s->name}, {"version", s->version}, {"status", status}},
                       count);
        }
    }
    out.family("hsoauth_http_request_duration_seconds", "histogram",
               "Time from a request's first byte to its answer's last, by route and wire version.");
    for (const auto& s : slots_) {
        const metrics::label labels[] = {{"route", s->name}, {"version", s->version}};
        s->latency.render(out, "hsoauth_http_request_duration_seconds", labels);
    }
    out.family("hsoauth_http_refusals_total", "counter",
               "Error answers, by the HubSpot status of their body (BAD_REFRESH_TOKEN, BAD_CLIENT_ID, ...).");
    std::lock_guard lock(refusals_mutex_);
    for (const auto& [status, count] : refusals_) {
        out.sample("hsoauth_http_refusals_total", {{"hubspot_status", status}}, count);
    }
}

}  // namespace hsoauth::http
