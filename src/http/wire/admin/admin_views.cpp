#include "hsoauth/http/wire/admin/admin_views.hpp"

#include <nlohmann/json.hpp>

#include "hsoauth/http/answer.hpp"
#include "hsoauth/http/form.hpp"
#include "hsoauth/http/wire/admin/admin_json.hpp"
#include "hsoauth/http/wire/admin/controls_json.hpp"
#include "hsoauth/http/wire/v1/v1_errors.hpp"
#include "hsoauth/service/admin_service.hpp"
#include "hsoauth/service/controls_service.hpp"

namespace hsoauth::http::wire::admin_api {
namespace {

using nlohmann::json;
using oauth::errc;
using oauth::make_error;

// A reply answering the value with `on_value(T&) -> response` and errors with the admin table.
template <class T, class OnValue>
service::reply<T> admin_answer(const endpoints& e, const request& req, responder respond,
                               OnValue on_value) {
    return answer<T>(std::move(respond), req.correlation_id, e.log, std::move(on_value),
                     [correlation_id = std::string_view(req.correlation_id)](
                         const oauth::error& err) { return error_response(err, correlation_id); });
}

// The body parsed by `parse(json)` (the body's JSON whatever its Content-Type claims, so that
// `curl -d '{…}'` works); nullopt after answering the problem.
template <class Parse>
auto parsed_body(const request& req, const responder& respond, Parse parse)
    -> std::optional<std::decay_t<decltype(*parse(std::declval<const json&>()))>> {
    auto body = admin_json::parse_body(req.body);
    if (!body) {
        respond(error_response(body.err(), req.correlation_id));
        return std::nullopt;
    }
    auto input = parse(*body);
    if (!input) {
        respond(error_response(input.err(), req.correlation_id));
        return std::nullopt;
    }
    return std::move(*input);
}

// A positive integer path parameter; nullopt after answering 404.
std::optional<std::int64_t> id_param(const request& req, const std::string& text,
                                     const responder& respond) {
    const auto id = parse_positive_id(text);
    if (!id)
        respond(error_response(make_error(errc::not_found, "no object with id " + text),
                               req.correlation_id));
    return id;
}

template <class T>
response listing(const std::vector<T>& items) {
    json results = json::array();
    for (const auto& item : items) results.push_back(admin_json::to_json(item));
    return json_response(200, json{{"results", results}}.dump());
}

response one(const auto& record) {
    return json_response(200, admin_json::to_json(record).dump());
}

response no_content(oauth::done&) {
    return empty_response(204);
}

response clock_view(const service::clock_reading& reading) {
    return json_response(
        200, json{{"now", reading.now}, {"offset_seconds", reading.offset_seconds}}.dump());
}

response faults_view(const storage::storage_faults& faults) {
    return json_response(
        200,
        json{{"read_only", faults.read_only}, {"max_page_count", faults.max_page_count}}.dump());
}

response auto_approve_view(const std::optional<service::auto_approve::target>& target) {
    json out = {{"enabled", target.has_value()}};
    if (target) {
        out["user_id"] = target->user_id;
        out["hub_id"] = target->hub_id;
    }
    return json_response(200, out.dump());
}

// The "faults" of a seed body, each checked; nullopt after answering the problem.
std::optional<std::vector<controls::fault_rule>> seed_faults(const endpoints& e, const request& req,
                                                             const responder& respond) {
    auto body = admin_json::parse_body(req.body);
    if (!body || !body->is_object() || !body->contains("faults")) return std::vector<controls::fault_rule>{};
    auto rules = admin_json::parse_fault_list(json{{"faults", (*body)["faults"]}}, e.admin.clock().now);
    if (!rules) {
        respond(error_response(rules.err(), req.correlation_id));
        return std::nullopt;
    }
    for (std::size_t i = 0; i < rules->size(); ++i) {
        controls::fault_rule copy = (*rules)[i];
        if (auto problem = controls::check_rule(copy)) {
            problem->detail = "faults[" + std::to_string(i) + "]: " + problem->detail;
            respond(error_response(*problem, req.correlation_id));
            return std::nullopt;
        }
    }
    return std::move(*rules);
}

}  // namespace

response error_response(const oauth::error& e, std::string_view correlation_id) {
    return v1::error_response(e, correlation_id);
}

void post_app(const endpoints& e, const request& req, route_params&, responder respond) {
    auto input = parsed_body(req, respond, admin_json::parse_app);
    if (!input) return;
    const auto c = call_of(req, respond);
    e.admin.put_app(
        c, std::move(*input),
        admin_answer<admin::saved_app>(e, req, std::move(respond), [](admin::saved_app& saved) {
            return json_response(saved.created ? 201 : 200,
                                 admin_json::to_json(saved.app, saved.client_secret).dump());
        }));
}

void post_hub(const endpoints& e, const request& req, route_params&, responder respond) {
    auto input = parsed_body(req, respond, admin_json::parse_hub);
    if (!input) return;
    const auto c = call_of(req, respond);
    e.admin.put_hub(c, std::move(*input),
                    admin_answer<admin::upserted<storage::hub_record>>(
                        e, req, std::move(respond), [](admin::upserted<storage::hub_record>& hub) {
                            return json_response(hub.created ? 201 : 200,
                                                 admin_json::to_json(hub.record).dump());
                        }));
}

void post_user(const endpoints& e, const request& req, route_params&, responder respond) {
    auto input = parsed_body(req, respond, admin_json::parse_user);
    if (!input) return;
    const auto c = call_of(req, respond);
    e.admin.put_user(
        c, std::move(*input),
        admin_answer<admin::upserted<storage::user_record>>(
            e, req, std::move(respond), [](admin::upserted<storage::user_record>& user) {
                return json_response(user.created ? 201 : 200,
                                     admin_json::to_json(user.record).dump());
            }));
}

void list_apps(const endpoints& e, const request& req, route_params&, responder respond) {
    const auto c = call_of(req, respond);
    e.admin.list_apps(c, admin_answer<std::vector<storage::app_record>>(
                             e, req, std::move(respond), listing<storage::app_record>));
}

void list_hubs(const endpoints& e, const request& req, route_params&, responder respond) {
    const auto c = call_of(req, respond);
    e.admin.list_hubs(c, admin_answer<std::vector<storage::hub_record>>(
                             e, req, std::move(respond), listing<storage::hub_record>));
}

void list_users(const endpoints& e, const request& req, route_params&, responder respond) {
    const auto c = call_of(req, respond);
    e.admin.list_users(c, admin_answer<std::vector<storage::user_record>>(
                              e, req, std::move(respond), listing<storage::user_record>));
}

void list_installs(const endpoints& e, const request& req, route_params&, responder respond) {
    const auto c = call_of(req, respond);
    e.admin.list_installs(c, admin_answer<std::vector<storage::install_record>>(
                                 e, req, std::move(respond), listing<storage::install_record>));
}

void get_app(const endpoints& e, const request& req, route_params& params, responder respond) {
    const auto id = id_param(req, params[0], respond);
    if (!id) return;
    const auto c = call_of(req, respond);
    e.admin.find_app(
        c, *id,
        admin_answer<storage::app_record>(e, req, std::move(respond),
                                          [](storage::app_record& app) { return one(app); }));
}

void get_hub(const endpoints& e, const request& req, route_params& params, responder respond) {
    const auto id = id_param(req, params[0], respond);
    if (!id) return;
    const auto c = call_of(req, respond);
    e.admin.find_hub(
        c, *id,
        admin_answer<storage::hub_record>(e, req, std::move(respond),
                                          [](storage::hub_record& hub) { return one(hub); }));
}

void get_user(const endpoints& e, const request& req, route_params& params, responder respond) {
    const auto id = id_param(req, params[0], respond);
    if (!id) return;
    const auto c = call_of(req, respond);
    e.admin.find_user(
        c, *id,
        admin_answer<storage::user_record>(e, req, std::move(respond),
                                           [](storage::user_record& user) { return one(user); }));
}

void delete_app(const endpoints& e, const request& req, route_params& params, responder respond) {
    const auto id = id_param(req, params[0], respond);
    if (!id) return;
    const auto c = call_of(req, respond);
    e.admin.delete_app(c, *id, admin_answer<oauth::done>(e, req, std::move(respond), no_content));
}

void delete_hub(const endpoints& e, const request& req, route_params& params, responder respond) {
    const auto id = id_param(req, params[0], respond);
    if (!id) return;
    const auto c = call_of(req, respond);
    e.admin.delete_hub(c, *id, admin_answer<oauth::done>(e, req, std::move(respond), no_content));
}

void delete_user(const endpoints& e, const request& req, route_params& params, responder respond) {
    const auto id = id_param(req, params[0], respond);
    if (!id) return;
    const auto c = call_of(req, respond);
    e.admin.delete_user(c, *id, admin_answer<oauth::done>(e, req, std::move(respond), no_content));
}

void delete_install(const endpoints& e, const request& req, route_params& params,
                    responder respond) {
    const auto hub_id = id_param(req, params[0], respond);
    if (!hub_id) return;
    const auto app_id = id_param(req, params[1], respond);
    if (!app_id) return;
    const auto c = call_of(req, respond);
    e.admin.uninstall(c, *app_id, *hub_id,
                      admin_answer<oauth::done>(e, req, std::move(respond), no_content));
}

void post_seed(const endpoints& e, const request& req, route_params&, responder respond) {
    auto seed = parsed_body(req, respond, admin_json::parse_seed);
    if (!seed) return;
    // A seed's "faults" are checked before anything is stored and added once it is.
    auto faults = seed_faults(e, req, respond);
    if (!faults) return;
    const auto c = call_of(req, respond);
    e.admin.apply_seed(c, std::move(*seed),
                       admin_answer<admin::seed_outcome>(
                           e, req, std::move(respond),
                           [controls = e.controls, faults = std::move(*faults)](admin::seed_outcome& outcome) {
                               json out = admin_json::to_json(outcome);
                               if (!faults.empty() && controls) {
                                   json added = json::array();
                                   for (auto rule : faults) {
                                       if (auto stored = controls->add_fault(std::move(rule))) {
                                           added.push_back(admin_json::to_json(*stored));
                                       }
                                   }
                                   out["faults"] = added;
                               }
                               return json_response(200, out.dump());
                           }));
}

void post_authorization_code(const endpoints& e, const request& req, route_params&,
                             responder respond) {
    const auto body = parsed_body(req, respond, admin_json::code_request_body);
    if (!body) return;
    const auto text = [&](const char* key) -> std::optional<std::string> {
        const auto it = body->find(key);
        if (it == body->end() || !it->is_string()) return std::nullopt;
        return it->get<std::string>();
    };
    const auto integer = [&](const char* key) -> std::optional<std::int64_t> {
        const auto it = body->find(key);
        if (it == body->end() || !it->is_number_integer()) return std::nullopt;
        return it->get<std::int64_t>();
    };
    const auto client_id = text("client_id");
    const auto redirect_uri = text("redirect_uri");
    const auto hub_id = integer("hub_id");
    const auto user_id = integer("user_id");
    const auto scopes = body->find("scopes");
    const char* missing = !client_id                                       ? "client_id"
                          : !redirect_uri                                  ? "redirect_uri"
                          : !hub_id                                        ? "hub_id"
                          : !user_id                                       ? "user_id"
                          : (scopes == body->end() || !scopes->is_array()) ? "scopes"
                                                                           : nullptr;
    if (missing) {
        return respond(error_response(
            make_error(errc::missing_field, std::string("The '") + missing + "' field is required",
                       missing),
            req.correlation_id));
    }
    service::code_request request;
    for (const auto& scope : *scopes) {
        if (!scope.is_string()) {
            return respond(
                error_response(make_error(errc::invalid_field, "scopes must be strings", "scopes"),
                               req.correlation_id));
        }
        request.scopes.push_back(scope.get<std::string>());
    }
    request.client_id = *client_id;
    request.redirect_uri = *redirect_uri;
    request.hub_id = *hub_id;
    request.user_id = *user_id;
    request.code_challenge = text("code_challenge").value_or("");
    request.code_challenge_method = text("code_challenge_method").value_or("");
    const auto c = call_of(req, respond);
    e.admin.mint_code(c, std::move(request),
                      admin_answer<oauth::issued_code>(
                          e, req, std::move(respond), [](oauth::issued_code& issued) {
                              const json out = {{"code", issued.code},
                                                {"expires_in", issued.expires_in},
                                                {"scopes", issued.granted_scopes}};
                              return json_response(201, out.dump());
                          }));
}

void get_clock(const endpoints& e, const request&, route_params&, responder respond) {
    respond(clock_view(e.admin.clock()));
}

void post_clock(const endpoints& e, const request& req, route_params&, responder respond) {
    // A body that is not an object lacks advance_seconds, and is answered so below.
    const auto body = parsed_body(req, respond, [](const json& b) {
        return b.is_object() ? admin_json::clock_body(b) : oauth::result<json>(b);
    });
    if (!body) return;
    const auto it = body->is_object() ? body->find("advance_seconds") : body->end();
    if (it == body->end()) {
        return respond(
            error_response(make_error(errc::missing_field,
                                      "The 'advance_seconds' field is required", "advance_seconds"),
                           req.correlation_id));
    }
    if (!it->is_number_integer() || it->get<std::int64_t>() < 0 ||
        it->get<std::int64_t>() > 100LL * 365 * 86400) {
        return respond(error_response(make_error(errc::invalid_field,
                                                 "advance_seconds must be an integer from 0 to "
                                                 "3153600000 (the clock only moves forward)",
                                                 "advance_seconds"),
                                      req.correlation_id));
    }
    const auto c = call_of(req, respond);
    e.admin.advance_clock(
        c, it->get<std::int64_t>(),
        admin_answer<service::clock_reading>(e, req, std::move(respond), clock_view));
}

void post_reset(const endpoints& e, const request& req, route_params&, responder respond) {
    // No body, or an empty object: `curl -X POST …/reset` is the whole call.
    if (req.body.find_first_not_of(" \t\r\n") != std::string::npos &&
        !parsed_body(req, respond, admin_json::reset_body)) {
        return;
    }
    const auto c = call_of(req, respond);
    e.admin.reset(c, admin_answer<service::clock_reading>(
                         e, req, std::move(respond), [](service::clock_reading& reading) {
                             return json_response(200, json{{"reset", true},
                                                            {"now", reading.now},
                                                            {"offset_seconds", reading.offset_seconds}}
                                                           .dump());
                         }));
}

void get_storage_faults(const endpoints& e, const request&, route_params&, responder respond) {
    respond(faults_view(e.admin.storage_faults()));
}

void put_storage_faults(const endpoints& e, const request& req, route_params&, responder respond) {
    const auto body = parsed_body(req, respond, admin_json::storage_faults_body);
    if (!body) return;
    storage::storage_faults faults = e.admin.storage_faults();
    if (const auto it = body->find("read_only"); it != body->end()) {
        if (!it->is_boolean()) {
            return respond(error_response(
                make_error(errc::invalid_field, "read_only must be a boolean", "read_only"),
                req.correlation_id));
        }
        faults.read_only = it->get<bool>();
    }
    if (const auto it = body->find("max_page_count"); it != body->end()) {
        if (!it->is_number_integer() || it->get<std::int64_t>() < 0) {
            return respond(error_response(
                make_error(errc::invalid_field,
                           "max_page_count must be a non-negative integer (0: no cap)",
                           "max_page_count"),
                req.correlation_id));
        }
        faults.max_page_count = it->get<std::int64_t>();
    }
    e.admin.set_storage_faults(faults);
    respond(faults_view(e.admin.storage_faults()));
}

void get_auto_approve(const endpoints& e, const request&, route_params&, responder respond) {
    respond(auto_approve_view(e.admin.auto_approval()));
}

void put_auto_approve(const endpoints& e, const request& req, route_params&, responder respond) {
    const auto body = parsed_body(req, respond, admin_json::auto_approve_body);
    if (!body) return;
    const auto id = [&](const char* key) -> std::optional<std::int64_t> {
        const auto it = body->find(key);
        if (it == body->end() || !it->is_number_integer()) return std::nullopt;
        const auto value = it->get<std::int64_t>();
        return value > 0 ? std::optional(value) : std::nullopt;
    };
    const auto user_id = id("user_id");
    const auto hub_id = id("hub_id");
    if (!user_id || !hub_id) {
        return respond(error_response(
            make_error(errc::invalid_field, "user_id and hub_id must be positive integers",
                       user_id ? "hub_id" : "user_id"),
            req.correlation_id));
    }
    e.admin.set_auto_approval(service::auto_approve::target{*user_id, *hub_id});
    respond(auto_approve_view(e.admin.auto_approval()));
}

void delete_auto_approve(const endpoints& e, const request&, route_params&, responder respond) {
    e.admin.set_auto_approval(std::nullopt);
    respond(empty_response(204));
}

}  // namespace hsoauth::http::wire::admin_api
