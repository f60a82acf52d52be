#include "hsoauth/admin/registry.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>

#include "hsoauth/crypto/random.hpp"
#include "hsoauth/oauth/token_format.hpp"

namespace hsoauth::admin {
namespace {

using nlohmann::json;
using oauth::errc;
using oauth::make_error;

constexpr std::size_t max_text = 2048;
constexpr std::size_t max_list = 200;

oauth::error field_error(const std::string& field, const std::string& what) {
    return make_error(errc::invalid_field, field + " " + what, field);
}

// Reads an optional positive integer member.
std::optional<oauth::error> read_id(const json& body, const char* key, std::optional<std::int64_t>& out) {
    const auto it = body.find(key);
    if (it == body.end() || it->is_null()) return std::nullopt;
    if (!it->is_number_integer() || it->get<std::int64_t>() <= 0) {
        return field_error(key, "must be a positive integer");
    }
    out = it->get<std::int64_t>();
    return std::nullopt;
}

std::optional<oauth::error> read_text(const json& body, const char* key, bool required,
                                      std::optional<std::string>& out) {
    const auto it = body.find(key);
    if (it == body.end() || it->is_null()) {
        if (required) return make_error(errc::missing_field, std::string(key) + " is required", key);
        return std::nullopt;
    }
    if (!it->is_string()) return field_error(key, "must be a string");
    const auto& text = it->get_ref<const std::string&>();
    if (text.empty() || text.size() > max_text) return field_error(key, "must be 1 to 2048 characters");
    out = text;
    return std::nullopt;
}

bool is_scope_token(const std::string& s) {
    if (s.empty() || s.size() > 200) return false;
    for (const char c : s) {
        // RFC 6749 §3.3 scope-token: %x21 / %x23-5B / %x5D-7E
        if (c < 0x21 || c == 0x22 || c == 0x5c || c > 0x7e) return false;
    }
    return true;
}

std::optional<oauth::error> read_strings(const json& body, const char* key, bool required,
                                         bool scopes, std::vector<std::string>& out) {
    const auto it = body.find(key);
    if (it == body.end() || it->is_null()) {
        if (required) return make_error(errc::missing_field, std::string(key) + " is required", key);
        return std::nullopt;
    }
    if (!it->is_array() || it->size() > max_list) return field_error(key, "must be an array of strings");
    for (const auto& item : *it) {
        if (!item.is_string()) return field_error(key, "must be an array of strings");
        const auto& text = item.get_ref<const std::string&>();
        if (scopes ? !is_scope_token(text) : (text.empty() || text.size() > max_text)) {
            return field_error(key, "has an invalid entry");
        }
        if (std::find(out.begin(), out.end(), text) == out.end()) out.push_back(text);  // repeats are dropped
    }
    return std::nullopt;
}

bool is_redirect_uri(const std::string& uri) {
    const bool http = uri.rfind("http://", 0) == 0 || uri.rfind("https://", 0) == 0;
    return http && uri.find('#') == std::string::npos &&
           uri.find_first_of(" \t\r\n") == std::string::npos;
}

bool is_hublet(const std::string& h) {
    if (h.size() < 2 || h.size() > 16) return false;
    for (const char c : h) {
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))) return false;
    }
    return true;
}

#define HSOAUTH_TRY(expr)                          \
    if (auto problem_ = (expr)) return std::move(*problem_)

}  // namespace

result<app_input> parse_app(const json& body) {
    if (!body.is_object()) return make_error(errc::malformed_request, "an app must be a JSON object");
    app_input in;
    std::optional<std::string> name;
    HSOAUTH_TRY(read_id(body, "app_id", in.app_id));
    HSOAUTH_TRY(read_text(body, "name", true, name));
    in.name = *name;
    HSOAUTH_TRY(read_text(body, "client_id", false, in.client_id));
    HSOAUTH_TRY(read_text(body, "client_secret", false, in.client_secret));
    HSOAUTH_TRY(read_strings(body, "redirect_uris", true, false, in.redirect_uris));
    if (in.redirect_uris.empty()) return field_error("redirect_uris", "must name at least one URI");
    for (const auto& uri : in.redirect_uris) {
        if (!is_redirect_uri(uri)) {
            return field_error("redirect_uris", "must hold absolute http(s) URIs without fragment");
        }
    }
    HSOAUTH_TRY(read_strings(body, "scopes", true, true, in.scopes));
    HSOAUTH_TRY(read_strings(body, "optional_scopes", false, true, in.optional_scopes));
    if (const auto it = body.find("access_token_ttl"); it != body.end() && !it->is_null()) {
        if (!it->is_number_integer() || it->get<std::int64_t>() < 1 ||
            it->get<std::int64_t>() > 31536000) {
            return field_error("access_token_ttl", "must be an integer from 1 to 31536000");
        }
        in.access_token_ttl = it->get<std::int64_t>();
    }
    if (const auto it = body.find("rotate_refresh_tokens"); it != body.end() && !it->is_null()) {
        if (!it->is_boolean()) return field_error("rotate_refresh_tokens", "must be a boolean");
        in.rotate_refresh_tokens = it->get<bool>();
    }
    return in;
}

result<hub_input> parse_hub(const json& body) {
    if (!body.is_object()) return make_error(errc::malformed_request, "a hub must be a JSON object");
    hub_input in;
    std::optional<std::string> domain;
    std::optional<std::string> hublet;
    HSOAUTH_TRY(read_id(body, "hub_id", in.hub_id));
    HSOAUTH_TRY(read_text(body, "hub_domain", true, domain));
    in.hub_domain = *domain;
    HSOAUTH_TRY(read_text(body, "hublet", false, hublet));
    if (hublet) {
        if (!is_hublet(*hublet)) return field_error("hublet", "must look like na1 or eu1");
        in.hublet = *hublet;
    }
    if (body.contains("scopes") && !body["scopes"].is_null()) {
        std::vector<std::string> scopes;
        HSOAUTH_TRY(read_strings(body, "scopes", false, true, scopes));
        in.scopes = std::move(scopes);
    }
    return in;
}

result<user_input> parse_user(const json& body) {
    if (!body.is_object()) return make_error(errc::malformed_request, "a user must be a JSON object");
    user_input in;
    std::optional<std::string> email;
    HSOAUTH_TRY(read_id(body, "user_id", in.user_id));
    HSOAUTH_TRY(read_text(body, "email", true, email));
    if (email->find('@') == std::string::npos) return field_error("email", "must be an e-mail address");
    in.email = *email;
    if (const auto it = body.find("hub_ids"); it != body.end() && !it->is_null()) {
        if (!it->is_array() || it->size() > max_list) return field_error("hub_ids", "must be an array of hub ids");
        for (const auto& id : *it) {
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

result<seed_document> parse_seed(const json& body) {
    if (!body.is_object()) return make_error(errc::malformed_request, "a seed must be a JSON object");
    for (const auto& [key, value] : body.items()) {
        if (key != "hubs" && key != "users" && key != "apps" && key.rfind('_', 0) != 0) {
            return make_error(errc::invalid_field, "unknown seed section '" + key + "'", key);
        }
    }
    seed_document seed;
    const auto each = [&](const char* key, auto parse, auto& out) -> std::optional<oauth::error> {
        const auto it = body.find(key);
        if (it == body.end() || it->is_null()) return std::nullopt;
        if (!it->is_array()) return field_error(key, "must be an array");
        for (const auto& item : *it) {
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
    if (secret) out["client_secret"] = *secret;
    return out;
}

json to_json(const storage::hub_record& hub) {
    json out = {{"hub_id", hub.hub_id}, {"hub_domain", hub.hub_domain}, {"hublet", hub.hublet}};
    out["scopes"] = hub.scopes ? json(*hub.scopes) : json(nullptr);
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

registry::registry(const crypto::secret_hasher& hasher, std::int64_t default_access_token_ttl)
    : hasher_(hasher), default_ttl_(default_access_token_ttl) {}

result<saved_app> registry::put_app(repository& repo, const app_input& in) const {
    std::optional<storage::app_record> existing;
    if (in.app_id) {
        existing = repo.find_app(*in.app_id);
    } else if (in.client_id) {
        existing = repo.find_app_by_client_id(*in.client_id);
    } else {
        existing = repo.find_app_by_name(in.name);
    }
    if (in.client_id) {
        const auto holder = repo.find_app_by_client_id(*in.client_id);
        if (holder && (!existing || holder->app_id != existing->app_id)) {
            return make_error(errc::conflict, "client_id " + *in.client_id + " belongs to another app",
                              "client_id");
        }
    }
    saved_app out;
    storage::app_record& app = out.app;
    app.app_id = existing ? existing->app_id : in.app_id.value_or(0);
    app.name = in.name;
    app.client_id = in.client_id ? *in.client_id : existing ? existing->client_id : crypto::uuid_v4();
    if (in.client_secret) {
        out.client_secret = in.client_secret;
    } else if (!existing) {
        out.client_secret = oauth::new_client_secret();
        out.secret_generated = true;
    }
    app.client_secret_digest =
        out.client_secret ? hasher_.hash(*out.client_secret) : existing->client_secret_digest;
    app.redirect_uris = in.redirect_uris;
    app.scopes = in.scopes;
    app.optional_scopes = in.optional_scopes;
    app.access_token_ttl = in.access_token_ttl.value_or(existing ? existing->access_token_ttl : default_ttl_);
    app.rotate_refresh_tokens =
        in.rotate_refresh_tokens.value_or(existing ? existing->rotate_refresh_tokens : false);
    for (const auto& scope : app.optional_scopes) {
        for (const auto& required : app.scopes) {
            if (scope == required) {
                return field_error("optional_scopes", "must not repeat a required scope (" + scope + ")");
            }
        }
    }
    app.app_id = repo.upsert_app(app);
    out.created = !existing;
    return out;
}

result<upserted<storage::hub_record>> registry::put_hub(repository& repo, const hub_input& in) const {
    std::optional<storage::hub_record> existing =
        in.hub_id ? repo.find_hub(*in.hub_id) : repo.find_hub_by_domain(in.hub_domain);
    storage::hub_record hub;
    hub.hub_id = existing ? existing->hub_id : in.hub_id.value_or(0);
    hub.hub_domain = in.hub_domain;
    hub.hublet = in.hublet;
    hub.scopes = in.scopes;
    hub.hub_id = repo.upsert_hub(hub);
    return upserted<storage::hub_record>{std::move(hub), !existing};
}

result<upserted<storage::user_record>> registry::put_user(repository& repo, const user_input& in) const {
    std::optional<storage::user_record> existing =
        in.user_id ? repo.find_user(*in.user_id) : repo.find_user_by_email(in.email);
    const auto holder = repo.find_user_by_email(in.email);
    if (holder && (!existing || holder->user_id != existing->user_id)) {
        return make_error(errc::conflict, "email " + in.email + " belongs to another user", "email");
    }
    for (const auto hub_id : in.hub_ids) {
        if (!repo.find_hub(hub_id)) {
            return make_error(errc::bad_hub, "hub " + std::to_string(hub_id) + " does not exist", "hub_ids");
        }
    }
    storage::user_record user;
    user.user_id = existing ? existing->user_id : in.user_id.value_or(0);
    user.email = in.email;
    user.hub_ids = in.hub_ids;
    user.user_id = repo.upsert_user(user);
    return upserted<storage::user_record>{std::move(user), !existing};
}

result<seed_outcome> registry::apply_seed(repository& repo, const seed_document& seed) const {
    seed_outcome out;
    for (const auto& hub : seed.hubs) {
        auto saved = put_hub(repo, hub);
        if (!saved) return saved.err();
        out.hubs.push_back(std::move(saved->record));
    }
    for (const auto& user : seed.users) {
        auto saved = put_user(repo, user);
        if (!saved) return saved.err();
        out.users.push_back(std::move(saved->record));
    }
    for (const auto& app : seed.apps) {
        auto saved = put_app(repo, app);
        if (!saved) return saved.err();
        out.apps.push_back(std::move(*saved));
    }
    return out;
}

result<oauth::done> registry::delete_app(repository& repo, std::int64_t app_id, std::int64_t now) const {
    repo.uninstall_all_of_app(app_id, now);
    if (!repo.delete_app(app_id)) return make_error(errc::not_found, "no app " + std::to_string(app_id));
    return oauth::done{};
}

result<oauth::done> registry::delete_hub(repository& repo, std::int64_t hub_id, std::int64_t now) const {
    repo.uninstall_all_of_hub(hub_id, now);
    if (!repo.delete_hub(hub_id)) return make_error(errc::not_found, "no hub " + std::to_string(hub_id));
    return oauth::done{};
}

result<oauth::done> registry::delete_user(repository& repo, std::int64_t user_id, std::int64_t now) const {
    repo.uninstall_all_of_user(user_id, now);
    if (!repo.delete_user(user_id)) return make_error(errc::not_found, "no user " + std::to_string(user_id));
    return oauth::done{};
}

}  // namespace hsoauth::admin
