#include "hsoauth/http/wire/admin/admin_json.hpp"

#include <algorithm>

namespace hsoauth::http::wire::admin_json {
namespace {

using nlohmann::json;
using oauth::errc;
using oauth::make_error;

// Longest list a body may hold; the registry holds the same bound for every caller.
constexpr std::size_t max_list = 200;

oauth::error field_error(const std::string& field, const std::string& what) {
    return make_error(errc::invalid_field, field + " " + what, field);
}

oauth::error missing(const char* key) {
    return make_error(errc::missing_field, std::string(key) + " is required", key);
}

// The member `key`, or nullptr when absent or null.
const json* member(const json& body, const char* key) {
    const auto it = body.find(key);
    return it == body.end() || it->is_null() ? nullptr : &*it;
}

std::optional<oauth::error> read_id(const json& body, const char* key,
                                    std::optional<std::int64_t>& out) {
    const json* value = member(body, key);
    if (!value) return std::nullopt;
    if (!value->is_number_integer() || value->get<std::int64_t>() <= 0) {
        return field_error(key, "must be a positive integer");
    }
    out = value->get<std::int64_t>();
    return std::nullopt;
}

std::optional<oauth::error> read_text(const json& body, const char* key, bool required,
                                      std::optional<std::string>& out) {
    const json* value = member(body, key);
    if (!value) return required ? std::optional(missing(key)) : std::nullopt;
    if (!value->is_string()) return field_error(key, "must be a string");
    out = value->get<std::string>();
    return std::nullopt;
}

std::optional<oauth::error> read_strings(const json& body, const char* key, bool required,
                                         std::vector<std::string>& out) {
    const json* value = member(body, key);
    if (!value) return required ? std::optional(missing(key)) : std::nullopt;
    if (!value->is_array() || value->size() > max_list)
        return field_error(key, "must be an array of strings");
    for (const auto& item : *value) {
        if (!item.is_string()) return field_error(key, "must be an array of strings");
        const auto& text = item.get_ref<const std::string&>();
        if (std::find(out.begin(), out.end(), text) == out.end())
            out.push_back(text);  // repeats are dropped
    }
    return std::nullopt;
}

#define HSOAUTH_TRY(expr) \
    if (auto problem_ = (expr)) return std::move(*problem_)

}  // namespace

oauth::result<json> parse_body(std::string_view text) {
    auto body = json::parse(text, nullptr, false);
    if (body.is_discarded())
        return make_error(errc::malformed_request, "the body is not valid JSON");
    return body;
}

oauth::result<admin::app_input> parse_app(const json& body) {
    if (!body.is_object())
        return make_error(errc::malformed_request, "an app must be a JSON object");
    admin::app_input in;
    std::optional<std::string> name;
    HSOAUTH_TRY(read_id(body, "app_id", in.app_id));
    HSOAUTH_TRY(read_text(body, "name", true, name));
    in.name = *name;
    HSOAUTH_TRY(read_text(body, "client_id", false, in.client_id));
    HSOAUTH_TRY(read_text(body, "client_secret", false, in.client_secret));
    HSOAUTH_TRY(read_strings(body, "redirect_uris", true, in.redirect_uris));
    HSOAUTH_TRY(read_strings(body, "scopes", true, in.scopes));
    HSOAUTH_TRY(read_strings(body, "optional_scopes", false, in.optional_scopes));
    if (const json* ttl = member(body, "access_token_ttl")) {
        if (!ttl->is_number_integer())
            return field_error("access_token_ttl", "must be an integer from 1 to 31536000");
        in.access_token_ttl = ttl->get<std::int64_t>();
    }
    if (const json* rotate = member(body, "rotate_refresh_tokens")) {
        if (!rotate->is_boolean()) return field_error("rotate_refresh_tokens", "must be a boolean");
        in.rotate_refresh_tokens = rotate->get<bool>();
    }
    if (const auto limit = body.find("rate_limit"); limit != body.end()) {
        if (limit->is_null()) {
            in.clear_rate_limit = true;
        } else if (!limit->is_number_integer()) {
            return field_error("rate_limit", "must be an integer from 1 to 1000000, or null");
        } else {
            in.rate_limit = limit->get<std::int64_t>();
        }
    }
    return in;
}

oauth::result<admin::hub_input> parse_hub(const json& body) {
    if (!body.is_object())
        return make_error(errc::malformed_request, "a hub must be a JSON object");
    admin::hub_input in;
    std::optional<std::string> domain;
    std::optional<std::string> hublet;
    HSOAUTH_TRY(read_id(body, "hub_id", in.hub_id));
    HSOAUTH_TRY(read_text(body, "hub_domain", true, domain));
    in.hub_domain = *domain;
    HSOAUTH_TRY(read_text(body, "hublet", false, hublet));
    if (hublet) in.hublet = *hublet;
    if (member(body, "scopes")) {
        std::vector<std::string> scopes;
        HSOAUTH_TRY(read_strings(body, "scopes", false, scopes));
        in.scopes = std::move(scopes);
    }
    HSOAUTH_TRY(read_text(body, "account_type", false, in.account_type));
    HSOAUTH_TRY(read_text(body, "time_zone", false, in.time_zone));
    HSOAUTH_TRY(read_text(body, "currency", false, in.currency));
    HSOAUTH_TRY(read_text(body, "utc_offset", false, in.utc_offset));
    if (member(body, "additional_currencies")) {
        std::vector<std::string> currencies;
        HSOAUTH_TRY(read_strings(body, "additional_currencies", false, currencies));
        in.additional_currencies = std::move(currencies);
    }
    return in;
}

oauth::result<admin::user_input> parse_user(const json& body) {
    if (!body.is_object())
        return make_error(errc::malformed_request, "a user must be a JSON object");
    admin::user_input in;
    std::optional<std::string> email;
    HSOAUTH_TRY(read_id(body, "user_id", in.user_id));
    HSOAUTH_TRY(read_text(body, "email", true, email));
    in.email = *email;
    if (const json* ids = member(body, "hub_ids")) {
        if (!ids->is_array() || ids->size() > max_list)
            return field_error("hub_ids", "must be an array of hub ids");
        for (const auto& id : *ids) {
            if (!id.is_number_integer() || id.get<std::int64_t>() <= 0) {
                return field_error("hub_ids", "must be an array of hub ids");
            }
            const auto hub_id = id.get<std::int64_t>();
            if (std::find(in.hub_ids.begin(), in.hub_ids.end(), hub_id) == in.hub_ids.end()) {
                in.hub_ids.push_back(hub_id);
            }
        }
    }
    return in;
}

oauth::result<admin::seed_document> parse_seed(const json& body) {
    if (!body.is_object())
        return make_error(errc::malformed_request, "a seed must be a JSON object");
    for (const auto& [key, value] : body.items()) {
        // "faults" is the controls' (controls_json.hpp reads it).
        if (key != "hubs" && key != "users" && key != "apps" && key != "faults" && key.rfind('_', 0) != 0) {
            return make_error(errc::invalid_field, "unknown seed section '" + key + "'", key);
        }
    }
    admin::seed_document seed;
    const auto each = [&](const char* key, auto parse, auto& out) -> std::optional<oauth::error> {
        const json* list = member(body, key);
        if (!list) return std::nullopt;
        if (!list->is_array()) return field_error(key, "must be an array");
        for (const auto& item : *list) {
            auto parsed = parse(item);
            if (!parsed) return parsed.err();
            out.push_back(std::move(*parsed));
        }
        return std::nullopt;
    };
    HSOAUTH_TRY(each("hubs", parse_hub, seed.hubs));
    HSOAUTH_TRY(each("users", parse_user, seed.users));
    HSOAUTH_TRY(each("apps", parse_app, seed.apps));
    return seed;
}

json to_json(const storage::app_record& app, const std::optional<std::string>& secret) {
    json out = {{"app_id", app.app_id},
                {"name", app.name},
                {"client_id", app.client_id},
                {"redirect_uris", app.redirect_uris},
                {"scopes", app.scopes},
                {"optional_scopes", app.optional_scopes},
                {"access_token_ttl", app.access_token_ttl},
                {"rotate_refresh_tokens", app.rotate_refresh_tokens}};
    out["rate_limit"] = app.rate_limit ? json(*app.rate_limit) : json(nullptr);
    if (secret) out["client_secret"] = *secret;
    return out;
}

json to_json(const storage::hub_record& hub) {
    json out = {{"hub_id", hub.hub_id}, {"hub_domain", hub.hub_domain}, {"hublet", hub.hublet}};
    out["scopes"] = hub.scopes ? json(*hub.scopes) : json(nullptr);
    out["account_type"] = hub.account_type;
    out["time_zone"] = hub.time_zone;
    out["currency"] = hub.currency;
    out["additional_currencies"] = hub.additional_currencies;
    out["utc_offset"] = hub.utc_offset;
    return out;
}

json to_json(const storage::user_record& user) {
    return {{"user_id", user.user_id}, {"email", user.email}, {"hub_ids", user.hub_ids}};
}

json to_json(const storage::install_record& install) {
    json out = {{"install_id", install.install_id}, {"app_id", install.app_id},
                {"hub_id", install.hub_id},         {"user_id", install.user_id},
                {"scopes", install.scopes},         {"installed_at", install.installed_at}};
    out["uninstalled_at"] = install.uninstalled_at ? json(*install.uninstalled_at) : json(nullptr);
    out["live"] = !install.uninstalled_at.has_value();
    return out;
}

json to_json(const admin::seed_outcome& outcome) {
    json apps = json::array();
    for (const auto& saved : outcome.apps) apps.push_back(to_json(saved.app, saved.client_secret));
    json hubs = json::array();
    for (const auto& hub : outcome.hubs) hubs.push_back(to_json(hub));
    json users = json::array();
    for (const auto& user : outcome.users) users.push_back(to_json(user));
    return {{"hubs", hubs}, {"users", users}, {"apps", apps}};
}

}  // namespace hsoauth::http::wire::admin_json
