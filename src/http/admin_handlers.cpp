#include "hsoauth/http/admin_handlers.hpp"

#include <nlohmann/json.hpp>

#include "hsoauth/admin/registry.hpp"
#include "hsoauth/clock/clock.hpp"
#include "hsoauth/http/error_body.hpp"
#include "hsoauth/http/form.hpp"
#include "hsoauth/http/write_then.hpp"
#include "hsoauth/oauth/authority.hpp"

namespace hsoauth::http {
namespace {

using nlohmann::json;
using oauth::errc;
using oauth::make_error;

// Parses the JSON body whatever its Content-Type claims (so `curl -d '{…}'` works);
// nullopt after answering 400.
std::optional<json> json_body(const request& req, const responder& respond) {
    auto body = json::parse(req.body, nullptr, false);
    if (body.is_discarded()) {
        respond(error_response(make_error(errc::malformed_request, "the body is not valid JSON"),
                               req.correlation_id));
        return std::nullopt;
    }
    return body;
}

// Parses a positive integer path parameter; nullopt after answering 404.
std::optional<std::int64_t> id_param(const request& req, const std::string& text,
                                     const responder& respond) {
    const auto id = parse_positive_id(text);
    if (!id) {
        respond(error_response(make_error(errc::not_found, "no object with id " + text),
                               req.correlation_id));
    }
    return id;
}

template <class T>
response listing(const std::vector<T>& items) {
    json results = json::array();
    for (const auto& item : items) results.push_back(admin::to_json(item));
    return json_response(200, json{{"results", results}}.dump());
}

json seed_outcome_json(const admin::seed_outcome& outcome) {
    json apps = json::array();
    for (const auto& saved : outcome.apps) apps.push_back(admin::to_json(saved.app, saved.client_secret));
    json hubs = json::array();
    for (const auto& hub : outcome.hubs) hubs.push_back(admin::to_json(hub));
    json users = json::array();
    for (const auto& user : outcome.users) users.push_back(admin::to_json(user));
    return {{"hubs", hubs}, {"users", users}, {"apps", apps}};
}

// `changes_apps`: the app cache is invalidated once the write completed.
template <class Parse, class Put, class Show>
void upsert(services& s, const request& req, const responder& respond, Parse parse, Put put, Show show,
            bool changes_apps = false) {
    const auto body = json_body(req, respond);
    if (!body) return;
    auto input = parse(*body);
    if (!input) return respond(error_response(input.err(), req.correlation_id));
    auto work = [&registry = s.registry, input = std::move(*input), put](storage::repository& repo) {
        return put(registry, repo, input);
    };
    if (changes_apps) {
        write_changing_apps_then(s, req.correlation_id, respond, on_error::roll_back, std::move(work), show);
    } else {
        write_then(s, req.correlation_id, respond, on_error::roll_back, std::move(work), show);
    }
}

template <class Delete>
void remove(services& s, const request& req, const route_params& params, const responder& respond,
            Delete del, bool changes_apps = false) {
    const auto id = id_param(req, params[0], respond);
    if (!id) return;
    auto work = [&registry = s.registry, &clock = s.clock, id = *id, del](storage::repository& repo) {
        return del(registry, repo, id, clock.now());
    };
    auto no_content = [](oauth::done&) { return empty_response(204); };
    if (changes_apps) {
        write_changing_apps_then(s, req.correlation_id, respond, on_error::roll_back, std::move(work), no_content);
    } else {
        write_then(s, req.correlation_id, respond, on_error::roll_back, std::move(work), no_content);
    }
}

}  // namespace

void post_app(services& s, const request& req, const route_params&, responder respond) {
    upsert(
        s, req, respond, admin::parse_app,
        [](const admin::registry& r, storage::repository& repo, const admin::app_input& in) {
            return r.put_app(repo, in);
        },
        [](admin::saved_app& saved) {
            return json_response(saved.created ? 201 : 200,
                                 admin::to_json(saved.app, saved.client_secret).dump());
        },
        /*changes_apps=*/true);
}

void post_hub(services& s, const request& req, const route_params&, responder respond) {
    upsert(
        s, req, respond, admin::parse_hub,
        [](const admin::registry& r, storage::repository& repo, const admin::hub_input& in) {
            return r.put_hub(repo, in);
        },
        [](admin::upserted<storage::hub_record>& hub) {
            return json_response(hub.created ? 201 : 200, admin::to_json(hub.record).dump());
        });
}

void post_user(services& s, const request& req, const route_params&, responder respond) {
    upsert(
        s, req, respond, admin::parse_user,
        [](const admin::registry& r, storage::repository& repo, const admin::user_input& in) {
            return r.put_user(repo, in);
        },
        [](admin::upserted<storage::user_record>& user) {
            return json_response(user.created ? 201 : 200, admin::to_json(user.record).dump());
        });
}

void list_apps(services& s, const request&, const route_params&, responder respond) {
    respond(listing(storage::read_value(s.db, [](storage::repository& repo) { return repo.list_apps(); })));
}

void list_hubs(services& s, const request&, const route_params&, responder respond) {
    respond(listing(storage::read_value(s.db, [](storage::repository& repo) { return repo.list_hubs(); })));
}

void list_users(services& s, const request&, const route_params&, responder respond) {
    respond(listing(storage::read_value(s.db, [](storage::repository& repo) { return repo.list_users(); })));
}

void list_installs(services& s, const request&, const route_params&, responder respond) {
    respond(listing(storage::read_value(s.db, [](storage::repository& repo) { return repo.list_installs(); })));
}

namespace {

template <class Find>
void get_one(services& s, const request& req, const route_params& params, const responder& respond,
             Find find) {
    const auto id = id_param(req, params[0], respond);
    if (!id) return;
    const auto found = storage::read_value(s.db, [&](storage::repository& repo) { return find(repo, *id); });
    if (!found) {
        return respond(error_response(make_error(errc::not_found, "no object with id " + params[0]),
                                      req.correlation_id));
    }
    respond(json_response(200, admin::to_json(*found).dump()));
}

}  // namespace

void get_app(services& s, const request& req, const route_params& params, responder respond) {
    get_one(s, req, params, respond, [](storage::repository& r, std::int64_t id) { return r.find_app(id); });
}

void get_hub(services& s, const request& req, const route_params& params, responder respond) {
    get_one(s, req, params, respond, [](storage::repository& r, std::int64_t id) { return r.find_hub(id); });
}

void get_user(services& s, const request& req, const route_params& params, responder respond) {
    get_one(s, req, params, respond, [](storage::repository& r, std::int64_t id) { return r.find_user(id); });
}

void delete_app(services& s, const request& req, const route_params& params, responder respond) {
    remove(s, req, params, respond,
           [](const admin::registry& r, storage::repository& repo, std::int64_t id, std::int64_t now) {
               return r.delete_app(repo, id, now);
           },
           /*changes_apps=*/true);
}

void delete_hub(services& s, const request& req, const route_params& params, responder respond) {
    remove(s, req, params, respond,
           [](const admin::registry& r, storage::repository& repo, std::int64_t id, std::int64_t now) {
               return r.delete_hub(repo, id, now);
           });
}

void delete_user(services& s, const request& req, const route_params& params, responder respond) {
    remove(s, req, params, respond,
           [](const admin::registry& r, storage::repository& repo, std::int64_t id, std::int64_t now) {
               return r.delete_user(repo, id, now);
           });
}

void delete_install(services& s, const request& req, const route_params& params, responder respond) {
    const auto hub_id = id_param(req, params[0], respond);
    if (!hub_id) return;
    const auto app_id = id_param(req, params[1], respond);
    if (!app_id) return;
    write_then(
        s, req.correlation_id, respond, on_error::roll_back,
        [&authority = s.authority, hub = *hub_id, app = *app_id](storage::repository& repo) {
            return authority.uninstall(repo, app, hub);
        },
        [](oauth::done&) { return empty_response(204); });
}

void post_seed(services& s, const request& req, const route_params&, responder respond) {
    const auto body = json_body(req, respond);
    if (!body) return;
    auto seed = admin::parse_seed(*body);
    if (!seed) return respond(error_response(seed.err(), req.correlation_id));
    write_changing_apps_then(
        s, req.correlation_id, respond, on_error::roll_back,
        [&registry = s.registry, seed = std::move(*seed)](storage::repository& repo) {
            return registry.apply_seed(repo, seed);
        },
        [](admin::seed_outcome& outcome) { return json_response(200, seed_outcome_json(outcome).dump()); });
}

void post_authorization_code(services& s, const request& req, const route_params&, responder respond) {
    const auto body = json_body(req, respond);
    if (!body) return;
    if (!body->is_object()) {
        return respond(error_response(make_error(errc::malformed_request, "the body must be a JSON object"),
                                      req.correlation_id));
    }
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
    oauth::authorization_request request;
    request.strict_placement = false;
    const auto client_id = text("client_id");
    const auto redirect_uri = text("redirect_uri");
    const auto hub_id = integer("hub_id");
    const auto user_id = integer("user_id");
    const auto scopes = body->find("scopes");
    const char* missing = !client_id      ? "client_id"
                          : !redirect_uri ? "redirect_uri"
                          : !hub_id       ? "hub_id"
                          : !user_id      ? "user_id"
                          : (scopes == body->end() || !scopes->is_array()) ? "scopes"
                                                                            : nullptr;
    if (missing) {
        return respond(error_response(
            make_error(errc::missing_field, std::string("The '") + missing + "' field is required", missing),
            req.correlation_id));
    }
    for (const auto& scope : *scopes) {
        if (!scope.is_string()) {
            return respond(error_response(make_error(errc::invalid_field, "scopes must be strings", "scopes"),
                                          req.correlation_id));
        }
        request.scopes.push_back(scope.get<std::string>());
    }
    request.client_id = *client_id;
    request.redirect_uri = *redirect_uri;
    auto pkce = oauth::parse_pkce(text("code_challenge").value_or(""),
                                  text("code_challenge_method").value_or(""));
    if (!pkce) return respond(error_response(pkce.err(), req.correlation_id));
    write_then(
        s, req.correlation_id, respond, on_error::roll_back,
        [&authority = s.authority, request = std::move(request), pkce = std::move(*pkce),
         hub = *hub_id, user = *user_id](storage::repository& repo) -> oauth::result<oauth::issued_code> {
            auto plan = authority.plan_authorization(repo, request);
            if (!plan) return plan.err();
            return authority.approve(repo, *plan, hub, user, pkce);
        },
        [](oauth::issued_code& issued) {
            const json out = {{"code", issued.code},
                              {"expires_in", issued.expires_in},
                              {"scopes", issued.granted_scopes}};
            return json_response(201, out.dump());
        });
}

namespace {

response clock_view(const sandbox_clock& clock) {
    const json out = {{"now", clock.now()}, {"offset_seconds", clock.offset()}};
    return json_response(200, out.dump());
}

}  // namespace

void get_clock(services& s, const request&, const route_params&, responder respond) {
    respond(clock_view(s.clock));
}

void post_clock(services& s, const request& req, const route_params&, responder respond) {
    const auto body = json_body(req, respond);
    if (!body) return;
    const auto it = body->is_object() ? body->find("advance_seconds") : body->end();
    if (!body->is_object() || it == body->end()) {
        return respond(error_response(
            make_error(errc::missing_field, "The 'advance_seconds' field is required", "advance_seconds"),
            req.correlation_id));
    }
    if (!it->is_number_integer() || it->get<std::int64_t>() < 0 ||
        it->get<std::int64_t>() > 100LL * 365 * 86400) {
        return respond(error_response(
            make_error(errc::invalid_field, "advance_seconds must be an integer from 0 to 3153600000 (the clock only moves forward)",
                       "advance_seconds"),
            req.correlation_id));
    }
    const std::int64_t seconds = it->get<std::int64_t>();
    // The offset is persisted so that a restart keeps the sandbox's time; the write also
    // serialises concurrent advances.
    write_then(
        s, req.correlation_id, respond, on_error::roll_back,
        [seconds](storage::repository& repo) -> oauth::result<std::int64_t> {
            const std::int64_t offset = repo.get_state(storage::clock_offset_key).value_or(0) + seconds;
            repo.set_state(storage::clock_offset_key, offset);
            return offset;
        },
        [&clock = s.clock](std::int64_t& offset) {
            clock.raise_offset_to(offset);  // only once the new offset is durable
            return clock_view(clock);
        });
}

namespace {

response faults_view(const storage::store& db) {
    const auto faults = db.faults();
    const json out = {{"read_only", faults.read_only}, {"max_page_count", faults.max_page_count}};
    return json_response(200, out.dump());
}

}  // namespace

void get_storage_faults(services& s, const request&, const route_params&, responder respond) {
    respond(faults_view(s.db));
}

void put_storage_faults(services& s, const request& req, const route_params&, responder respond) {
    const auto body = json_body(req, respond);
    if (!body) return;
    if (!body->is_object()) {
        return respond(error_response(make_error(errc::malformed_request, "the body must be a JSON object"),
                                      req.correlation_id));
    }
    storage::storage_faults faults = s.db.faults();
    if (const auto it = body->find("read_only"); it != body->end()) {
        if (!it->is_boolean()) {
            return respond(error_response(make_error(errc::invalid_field, "read_only must be a boolean", "read_only"),
                                          req.correlation_id));
        }
        faults.read_only = it->get<bool>();
    }
    if (const auto it = body->find("max_page_count"); it != body->end()) {
        if (!it->is_number_integer() || it->get<std::int64_t>() < 0) {
            return respond(error_response(
                make_error(errc::invalid_field, "max_page_count must be a non-negative integer (0: no cap)",
                           "max_page_count"),
                req.correlation_id));
        }
        faults.max_page_count = it->get<std::int64_t>();
    }
    s.db.set_faults(faults);
    respond(faults_view(s.db));
}

}  // namespace hsoauth::http
