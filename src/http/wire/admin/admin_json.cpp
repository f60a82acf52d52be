#include "hsoauth/http/wire/admin/admin_json.hpp"

#include <algorithm>
#include <span>

#include "hsoauth/util/json_syntax.hpp"

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

using known_keys = std::span<const std::string_view>;

// invalid_field naming the first member of `body` that is not in `known` (members starting with
// "_" are comments and always allowed), so that a misspelt key is refused instead of ignored.
// `what` names the entity ("an app").
std::optional<oauth::error> unknown_member(const json& body, known_keys known, const char* what) {
    for (const auto& [key, value] : body.items()) {
        if (key.rfind('_', 0) == 0) continue;
        if (std::find(known.begin(), known.end(), key) != known.end()) continue;
        std::string listed;
        for (const auto name : known) {
            if (!listed.empty()) listed += ", ";
            listed += name;
        }
        return make_error(errc::invalid_field,
                          "unknown field '" + key + "' in " + what +
                              (listed.empty() ? " (it takes none)" : " (its fields: " + listed + ")"),
                          key);
    }
    return std::nullopt;
}

// `body` when it is an object whose members are all `known`.
oauth::result<json> object_of(const json& body, known_keys known, const char* what) {
    if (!body.is_object()) return make_error(errc::malformed_request, std::string(what) + " must be a JSON object");
    if (auto problem = unknown_member(body, known, what)) return std::move(*problem);
    return body;
}

#define HSOAUTH_TRY(expr) \
    if (auto problem_ = (expr)) return std::move(*problem_)

// The members each body may hold, beside the function that reads it: a new field is one more
// name in its list and one more read in its function.
constexpr std::string_view app_keys[] = {"app_id", "name", "client_id", "client_secret", "redirect_uris",
                                 "scopes", "optional_scopes", "access_token_ttl", "rotate_refresh_tokens",
                                 "rate_limit", "client_credentials_scopes", "jwks"};
constexpr std::string_view hub_keys[] = {"hub_id",       "hub_domain", "hublet",
                                         "scopes",       "account_type", "time_zone",
                                         "currency",     "utc_offset", "additional_currencies"};
constexpr std::string_view user_keys[] = {"user_id", "email", "hub_ids", "hub_domains"};
// "faults" is the controls' playbook (controls_json.hpp reads it).
constexpr std::string_view seed_keys[] = {"hubs", "users", "apps", "faults"};
constexpr std::string_view code_request_keys[] = {"client_id", "hub_id", "user_id", "redirect_uri", "scopes",
                                          "code_challenge", "code_challenge_method"};
constexpr std::string_view clock_keys[] = {"advance_seconds"};
constexpr std::string_view storage_faults_keys[] = {"read_only", "max_page_count"};
constexpr std::string_view auto_approve_keys[] = {"user_id", "hub_id"};
constexpr known_keys reset_keys{};
constexpr std::string_view sandbox_restore_keys[] = {"snapshot_id"};
constexpr std::string_view sandbox_create_keys[] = {"name", "seed", "from", "ttl_seconds"};

}  // namespace

oauth::result<json> parse_body(std::string_view text) {
    if (text.find_first_not_of(" \t\r\n") == std::string_view::npos) {
        return make_error(errc::malformed_request, "the body is empty: send a JSON object");
    }
    auto body = json::parse(text, nullptr, false);
    if (body.is_discarded()) {
        return make_error(errc::malformed_request, "the body is not valid JSON: " + util::json_syntax_error(text));
    }
    return body;
}

oauth::result<admin::app_input> parse_app(const json& body) {
    if (!body.is_object())
        return make_error(errc::malformed_request, "an app must be a JSON object");
    HSOAUTH_TRY(unknown_member(body, app_keys, "an app"));
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
    HSOAUTH_TRY(read_strings(body, "client_credentials_scopes", false, in.client_credentials_scopes));
    if (const json* jwks = member(body, "jwks")) {
        if (!jwks->is_object()) return field_error("jwks", "must be a JWKS document: {\"keys\": [...]}");
        in.jwks = *jwks;
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
    HSOAUTH_TRY(unknown_member(body, hub_keys, "a hub"));
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
    HSOAUTH_TRY(unknown_member(body, user_keys, "a user"));
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
    HSOAUTH_TRY(read_strings(body, "hub_domains", false, in.hub_domains));
    return in;
}

oauth::result<admin::seed_document> parse_seed(const json& body) {
    if (!body.is_object())
        return make_error(errc::malformed_request, "a seed must be a JSON object");
    HSOAUTH_TRY(unknown_member(body, seed_keys, "a seed"));
    admin::seed_document seed;
    // An entry's error names its place in the document: "apps[1]: unknown field 'colour' …".
    const auto each = [&](const char* key, auto parse, auto& out) -> std::optional<oauth::error> {
        const json* list = member(body, key);
        if (!list) return std::nullopt;
        if (!list->is_array()) return field_error(key, "must be an array");
        for (std::size_t i = 0; i < list->size(); ++i) {
            auto parsed = parse((*list)[i]);
            if (!parsed) {
                oauth::error problem = parsed.err();
                problem.detail = std::string(key) + "[" + std::to_string(i) + "]: " + problem.detail;
                return problem;
            }
            out.push_back(std::move(*parsed));
        }
        return std::nullopt;
    };
    HSOAUTH_TRY(each("hubs", parse_hub, seed.hubs));
    HSOAUTH_TRY(each("users", parse_user, seed.users));
    HSOAUTH_TRY(each("apps", parse_app, seed.apps));
    return seed;
}

oauth::result<json> code_request_body(const json& body) {
    return object_of(body, code_request_keys, "the body");
}

oauth::result<json> clock_body(const json& body) {
    return object_of(body, clock_keys, "the body");
}

oauth::result<json> storage_faults_body(const json& body) {
    return object_of(body, storage_faults_keys, "the body");
}

oauth::result<json> auto_approve_body(const json& body) {
    return object_of(body, auto_approve_keys, "the body");
}

oauth::result<json> reset_body(const json& body) {
    return object_of(body, reset_keys, "the body");
}

oauth::result<json> sandbox_restore_body(const json& body) {
    return object_of(body, sandbox_restore_keys, "the body");
}

oauth::result<json> sandbox_create_body(const json& body) {
    return object_of(body, sandbox_create_keys, "the body");
}

json to_json(const storage::app_record& app, const std::optional<std::string>& secret) {
    json out = {{"app_id", app.app_id},
                {"name", app.name},
                {"client_id", app.client_id},
                {"redirect_uris", app.redirect_uris},
                {"scopes", app.scopes},
                {"optional_scopes", app.optional_scopes},
                {"access_token_ttl", app.access_token_ttl},
                {"rotate_refresh_tokens", app.rotate_refresh_tokens},
                {"client_credentials_scopes", app.client_credentials_scopes}};
    // The stored document was written by the registry from accepted JSON: it parses.
    out["jwks"] = app.jwks.empty() ? json(nullptr) : json::parse(app.jwks, nullptr, false);
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
