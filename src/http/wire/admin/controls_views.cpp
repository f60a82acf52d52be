#include "hsoauth/http/wire/admin/controls_views.hpp"

#include <charconv>
#include <limits>

#include "hsoauth/http/answer.hpp"
#include "hsoauth/http/form.hpp"
#include "hsoauth/http/wire/admin/admin_json.hpp"
#include "hsoauth/http/wire/admin/admin_views.hpp"
#include "hsoauth/http/wire/admin/controls_json.hpp"
#include "hsoauth/http/wire/admin/events_stream.hpp"
#include "hsoauth/http/wire/admin/report_page.hpp"
#include "hsoauth/service/admin_service.hpp"
#include "hsoauth/service/controls_service.hpp"

namespace hsoauth::http::wire::admin_api {
namespace {

using nlohmann::json;
using oauth::errc;
using oauth::make_error;

constexpr std::size_t max_page = 1000;

// The world's controls; nullptr after answering 404 (a server wired without them).
service::controls_service* controls_of(const endpoints& e, const request& req,
                                       const responder& respond) {
    if (!e.controls) {
        respond(error_response(make_error(errc::not_found, "this server has no controls"),
                               req.correlation_id));
    }
    return e.controls;
}

void refuse(const request& req, const responder& respond, oauth::error err) {
    respond(error_response(err, req.correlation_id));
}

std::optional<std::uint64_t> parse_count(std::string_view text) {
    std::uint64_t value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || end != text.data() + text.size() || text.empty()) return std::nullopt;
    return value;
}

// The query of GET /admin/v1/events; nullopt after answering the problem.
// `limit` stays 0 when the query gives none.
std::optional<controls::event_query> events_query(const request& req, const responder& respond,
                                                  bool& follow) {
    auto form = decode_form(req.query);
    if (!form) {
        refuse(req, respond, form.err());
        return std::nullopt;
    }
    controls::event_query q;
    q.limit = 0;
    for (const auto& [name, value] : form->all()) {
        if (name == "since" || name == "limit" || name == "hub_id" || name == "app_id") {
            const auto n = parse_count(value);
            if (!n || (name == "limit" && (*n < 1 || *n > max_page))) {
                refuse(req, respond, make_error(errc::invalid_field,
                                                name == "limit" ? "limit must be 1 to 1000"
                                                                : std::string(name) + " must be a non-negative integer",
                                                std::string(name)));
                return std::nullopt;
            }
            if (name == "since") q.since = *n;
            if (name == "limit") q.limit = static_cast<std::size_t>(*n);
            if (name == "hub_id") q.hub_id = static_cast<std::int64_t>(*n);
            if (name == "app_id") q.app_id = static_cast<std::int64_t>(*n);
        } else if (name == "kind") {
            std::string_view list = value;
            while (!list.empty()) {
                const auto comma = list.find(',');
                const auto word = list.substr(0, comma);
                const auto kind = controls::event_kind_named(word);
                if (!kind) {
                    refuse(req, respond, make_error(errc::invalid_field,
                                                    "kind " + std::string(word) + " is not an event kind", "kind"));
                    return std::nullopt;
                }
                q.kinds.push_back(*kind);
                if (comma == std::string_view::npos) break;
                list.remove_prefix(comma + 1);
            }
        } else if (name == "client_id") {
            q.client_id = value;
        } else if (name == "route") {
            q.route = value;
        } else if (name == "follow") {
            if (value != "true" && value != "false") {
                refuse(req, respond, make_error(errc::invalid_field, "follow is true or false", "follow"));
                return std::nullopt;
            }
            follow = value == "true";
        } else {
            refuse(req, respond, make_error(errc::invalid_field, std::string(name) + " is not a filter of the journal", std::string(name)));
            return std::nullopt;
        }
    }
    return q;
}

bool accepts(const request& req, std::string_view media_type) {
    const auto accept = req.header("accept");
    for (std::size_t at = 0; at + media_type.size() <= accept.size(); ++at) {
        if (istarts_with(accept.substr(at), media_type)) return true;
    }
    return false;
}

}  // namespace

void post_fault(const endpoints& e, const request& req, route_params&, responder respond) {
    auto* controls = controls_of(e, req, respond);
    if (!controls) return;
    auto body = admin_json::parse_body(req.body);
    if (!body) return refuse(req, respond, body.err());
    const std::int64_t now = e.admin.clock().now;
    if (body->is_object() && !body->contains("faults")) {
        auto rule = admin_json::parse_fault_rule(*body, now);
        if (!rule) return refuse(req, respond, rule.err());
        auto added = controls->add_fault(std::move(*rule));
        if (!added) return refuse(req, respond, added.err());
        return respond(json_response(201, admin_json::to_json(*added).dump()));
    }
    auto rules = admin_json::parse_fault_list(*body, now);
    if (!rules) return refuse(req, respond, rules.err());
    // All or nothing: every rule is checked before the first is added.
    for (std::size_t i = 0; i < rules->size(); ++i) {
        controls::fault_rule copy = (*rules)[i];
        if (auto problem = controls::check_rule(copy)) {
            problem->detail = "faults[" + std::to_string(i) + "]: " + problem->detail;
            return refuse(req, respond, *problem);
        }
    }
    json results = json::array();
    for (auto& rule : *rules) {
        auto added = controls->add_fault(std::move(rule));
        if (added) results.push_back(admin_json::to_json(*added));
    }
    respond(json_response(201, json{{"results", results}}.dump()));
}

void list_faults(const endpoints& e, const request& req, route_params&, responder respond) {
    auto* controls = controls_of(e, req, respond);
    if (!controls) return;
    json results = json::array();
    for (const auto& status : controls->faults()) results.push_back(admin_json::to_json(status));
    respond(json_response(200, json{{"results", results}}.dump()));
}

void delete_fault(const endpoints& e, const request& req, route_params& params, responder respond) {
    auto* controls = controls_of(e, req, respond);
    if (!controls) return;
    const auto id = parse_positive_id(params[0]);
    if (!id || !controls->remove_fault(*id)) {
        return refuse(req, respond, make_error(errc::not_found, "no fault rule with id " + params[0]));
    }
    respond(empty_response(204));
}

void delete_faults(const endpoints& e, const request& req, route_params&, responder respond) {
    auto* controls = controls_of(e, req, respond);
    if (!controls) return;
    controls->clear_faults();
    respond(empty_response(204));
}

void get_events(const endpoints& e, const request& req, route_params&, responder respond) {
    auto* controls = controls_of(e, req, respond);
    if (!controls) return;
    bool follow = false;
    const bool ndjson = accepts(req, "application/x-ndjson");
    auto q = events_query(req, respond, follow);
    if (!q) return;
    // A page holds 100 events unless told; a stream every matching event.
    if (q->limit == 0) q->limit = ndjson || follow ? std::numeric_limits<std::size_t>::max() : 100;
    if (!controls->journal_enabled()) {
        return respond(json_response(200, json{{"results", json::array()}, {"journal", "off"}}.dump()));
    }
    if (ndjson || follow) {
        auto stream = events_stream::open(*controls, std::move(*q), follow, respond);
        if (!stream) {
            return refuse(req, respond, make_error(errc::conflict,
                                                   "too many follow streams are open; close one first"));
        }
        response r;
        r.status = 200;
        r.headers.emplace_back("Content-Type", "application/x-ndjson");
        r.stream = std::move(stream);
        return respond(std::move(r));
    }
    const auto page = controls->events(*q);
    json results = json::array();
    for (const auto& event : page.events) results.push_back(admin_json::to_json(event));
    json out = {{"results", results}};
    if (page.more) out["paging"] = {{"next", {{"since", page.next_since}}}};
    else out["paging"] = {{"last", {{"since", page.next_since}}}};
    respond(json_response(200, out.dump()));
}

void get_report(const endpoints& e, const request& req, route_params& params, responder respond) {
    auto* controls = controls_of(e, req, respond);
    if (!controls) return;
    const auto app_id = parse_positive_id(params[0]);
    if (!app_id) return refuse(req, respond, make_error(errc::not_found, "no app with id " + params[0]));
    auto form = decode_form(req.query);
    if (!form) return refuse(req, respond, form.err());
    const auto format = form->value_or_empty("format");
    if (!format.empty() && format != "html" && format != "json") {
        return refuse(req, respond, make_error(errc::invalid_field, "format is html or json", "format"));
    }
    const bool html = format == "html" || (format.empty() && accepts(req, "text/html"));
    const auto c = call_of(req, respond);
    controls->report(
        c, *app_id,
        answer<controls::integration_report>(
            std::move(respond), req.correlation_id, e.log,
            [html](controls::integration_report& report) {
                if (!html) return json_response(200, admin_json::to_json(report).dump());
                response r;
                r.status = 200;
                r.headers.emplace_back("Content-Type", std::string(html_content_type));
                r.headers.emplace_back("Content-Security-Policy",
                                       "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'");
                r.headers.emplace_back("X-Content-Type-Options", "nosniff");
                r.body = render_report_page(report);
                return r;
            },
            [correlation_id = std::string_view(req.correlation_id)](const oauth::error& err) {
                return error_response(err, correlation_id);
            }));
}

}  // namespace hsoauth::http::wire::admin_api
