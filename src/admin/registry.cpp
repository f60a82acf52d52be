#include "hsoauth/admin/registry.hpp"

#include <algorithm>

#include "hsoauth/crypto/jwk.hpp"
#include "hsoauth/crypto/random.hpp"
#include "hsoauth/oauth/token_format.hpp"

namespace hsoauth::admin {
namespace {

using oauth::errc;
using oauth::make_error;

constexpr std::size_t max_text = 2048;
constexpr std::size_t max_list = 200;
// A chosen client secret shorter than this could be guessed through the token endpoint despite
// the failed-authentication throttle (generated secrets carry 256 bits).
constexpr std::size_t min_client_secret = 16;

oauth::error field_error(const std::string& field, const std::string& what) {
    return make_error(errc::invalid_field, field + " " + what, field);
}

bool is_scope_token(const std::string& s) {
    if (s.empty() || s.size() > 200) return false;
    for (const char c : s) {
        // RFC 6749 §3.3 scope-token: %x21 / %x23-5B / %x5D-7E
        if (c < 0x21 || c == 0x22 || c == 0x5c || c > 0x7e) return false;
    }
    return true;
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

std::optional<oauth::error> check_text(const char* field, const std::string& text) {
    if (text.empty() || text.size() > max_text) return field_error(field, "must be 1 to 2048 characters");
    return std::nullopt;
}

std::optional<oauth::error> check_text(const char* field, const std::optional<std::string>& text) {
    return text ? check_text(field, *text) : std::nullopt;
}

std::optional<oauth::error> check_scopes(const char* field, const std::vector<std::string>& scopes) {
    if (scopes.size() > max_list) return field_error(field, "must be an array of strings");
    for (const auto& scope : scopes) {
        if (!is_scope_token(scope)) return field_error(field, "has an invalid entry");
    }
    return std::nullopt;
}

std::optional<oauth::error> check_app(const app_input& in) {
    if (auto problem = check_text("name", in.name)) return problem;
    if (auto problem = check_text("client_id", in.client_id)) return problem;
    if (auto problem = check_text("client_secret", in.client_secret)) return problem;
    if (in.client_secret && in.client_secret->size() < min_client_secret) {
        return field_error("client_secret", "must have at least 16 characters (HubSpot's are UUIDs)");
    }
    if (in.redirect_uris.size() > max_list) return field_error("redirect_uris", "must be an array of strings");
    if (in.redirect_uris.empty()) return field_error("redirect_uris", "must name at least one URI");
    for (const auto& uri : in.redirect_uris) {
        if (uri.empty() || uri.size() > max_text) return field_error("redirect_uris", "has an invalid entry");
        if (!is_redirect_uri(uri)) return field_error("redirect_uris", "must hold absolute http(s) URIs without fragment");
    }
    if (auto problem = check_scopes("scopes", in.scopes)) return problem;
    if (auto problem = check_scopes("optional_scopes", in.optional_scopes)) return problem;
    if (auto problem = check_scopes("client_credentials_scopes", in.client_credentials_scopes)) return problem;
    if (in.jwks) {
        const auto keys = crypto::parse_jwks_value(*in.jwks);
        if (!keys) return field_error("jwks", "is not an acceptable key set: " + keys.error.message);
    }
    if (in.access_token_ttl && (*in.access_token_ttl < 1 || *in.access_token_ttl > 31536000)) {
        return field_error("access_token_ttl", "must be an integer from 1 to 31536000");
    }
    if (in.rate_limit && (*in.rate_limit < 1 || *in.rate_limit > 1000000)) {
        return field_error("rate_limit", "must be an integer from 1 to 1000000");
    }
    for (const auto& scope : in.optional_scopes) {
        for (const auto& required : in.scopes) {
            if (scope == required) {
                return field_error("optional_scopes", "must not repeat a required scope (" + scope + ")");
            }
        }
    }
    return std::nullopt;
}

bool is_currency(const std::string& c) {
    return c.size() == 3 && std::all_of(c.begin(), c.end(), [](char x) { return x >= 'A' && x <= 'Z'; });
}

bool is_account_type(const std::string& t) {
    return !t.empty() && t.size() <= 64 &&
           std::all_of(t.begin(), t.end(), [](char x) { return (x >= 'A' && x <= 'Z') || x == '_'; });
}

bool is_time_zone(const std::string& z) {
    return !z.empty() && z.size() <= 64 && std::all_of(z.begin(), z.end(), [](char x) {
        return (x >= 'A' && x <= 'Z') || (x >= 'a' && x <= 'z') || (x >= '0' && x <= '9') || x == '/' ||
               x == '_' || x == '+' || x == '-';
    });
}

bool is_utc_offset(const std::string& o) {
    const auto digit = [](char x) { return x >= '0' && x <= '9'; };
    return o.size() == 6 && (o[0] == '+' || o[0] == '-') && digit(o[1]) && digit(o[2]) && o[3] == ':' &&
           digit(o[4]) && digit(o[5]) && (o[1] - '0') * 10 + (o[2] - '0') <= 14 && o[4] <= '5';
}

std::optional<oauth::error> check_hub(const hub_input& in) {
    if (auto problem = check_text("hub_domain", in.hub_domain)) return problem;
    if (!is_hublet(in.hublet)) return field_error("hublet", "must look like na1 or eu1");
    if (in.scopes) {
        if (auto problem = check_scopes("scopes", *in.scopes)) return problem;
    }
    if (in.account_type && !is_account_type(*in.account_type)) {
        return field_error("account_type", "must be upper-case letters and _, like STANDARD or DEVELOPER_TEST");
    }
    if (in.time_zone && !is_time_zone(*in.time_zone)) {
        return field_error("time_zone", "must be a time zone name like US/Eastern or Europe/Berlin");
    }
    if (in.currency && !is_currency(*in.currency)) return field_error("currency", "must be an ISO 4217 code like USD");
    if (in.additional_currencies) {
        if (in.additional_currencies->size() > 20 ||
            !std::all_of(in.additional_currencies->begin(), in.additional_currencies->end(), is_currency)) {
            return field_error("additional_currencies", "must be at most 20 ISO 4217 codes like EUR");
        }
    }
    if (in.utc_offset && !is_utc_offset(*in.utc_offset)) {
        return field_error("utc_offset", "must be +HH:MM or -HH:MM, like -05:00");
    }
    return std::nullopt;
}

std::optional<oauth::error> check_user(const user_input& in) {
    if (auto problem = check_text("email", in.email)) return problem;
    if (in.email.find('@') == std::string::npos) return field_error("email", "must be an e-mail address");
    if (in.hub_ids.size() > max_list) return field_error("hub_ids", "must be an array of hub ids");
    if (in.hub_domains.size() > max_list) return field_error("hub_domains", "must be an array of strings");
    return std::nullopt;
}

#define HSOAUTH_TRY(expr)                          \
    if (auto problem_ = (expr)) return std::move(*problem_)

}  // namespace

registry::registry(const crypto::secret_hasher& hasher, std::int64_t default_access_token_ttl,
                   crypto::random_source& random)
    : hasher_(hasher), default_ttl_(default_access_token_ttl), random_(random) {}

result<saved_app> registry::put_app(repository& repo, const app_input& in) const {
    HSOAUTH_TRY(check_app(in));
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
    app.client_id = in.client_id ? *in.client_id : existing ? existing->client_id : crypto::uuid_v4(random_);
    if (in.client_secret) {
        out.client_secret = in.client_secret;
    } else if (!existing) {
        out.client_secret = oauth::new_client_secret(random_);
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
    app.client_credentials_scopes = in.client_credentials_scopes;
    app.jwks = in.jwks ? in.jwks->dump() : std::string();
    if (in.rate_limit) {
        app.rate_limit = in.rate_limit;
    } else if (existing && !in.clear_rate_limit) {
        app.rate_limit = existing->rate_limit;
    }
    app.app_id = repo.upsert_app(app);
    out.created = !existing;
    return out;
}

result<upserted<storage::hub_record>> registry::put_hub(repository& repo, const hub_input& in) const {
    HSOAUTH_TRY(check_hub(in));
    std::optional<storage::hub_record> existing =
        in.hub_id ? repo.find_hub(*in.hub_id) : repo.find_hub_by_domain(in.hub_domain);
    // A domain names one hub: users refer to hubs by it, and the consent page shows it.
    const auto holder = repo.find_hub_by_domain(in.hub_domain);
    if (holder && (!existing || holder->hub_id != existing->hub_id)) {
        return make_error(errc::conflict,
                          "hub_domain " + in.hub_domain + " belongs to hub " + std::to_string(holder->hub_id),
                          "hub_domain");
    }
    storage::hub_record hub;
    hub.hub_id = existing ? existing->hub_id : in.hub_id.value_or(0);
    hub.hub_domain = in.hub_domain;
    hub.hublet = in.hublet;
    hub.scopes = in.scopes;
    if (existing) {
        hub.account_type = existing->account_type;
        hub.time_zone = existing->time_zone;
        hub.currency = existing->currency;
        hub.additional_currencies = existing->additional_currencies;
        hub.utc_offset = existing->utc_offset;
    }
    if (in.account_type) hub.account_type = *in.account_type;
    if (in.time_zone) hub.time_zone = *in.time_zone;
    if (in.currency) hub.currency = *in.currency;
    if (in.additional_currencies) hub.additional_currencies = *in.additional_currencies;
    if (in.utc_offset) hub.utc_offset = *in.utc_offset;
    hub.hub_id = repo.upsert_hub(hub);
    return upserted<storage::hub_record>{std::move(hub), !existing};
}

result<upserted<storage::user_record>> registry::put_user(repository& repo, const user_input& in) const {
    HSOAUTH_TRY(check_user(in));
    std::optional<storage::user_record> existing =
        in.user_id ? repo.find_user(*in.user_id) : repo.find_user_by_email(in.email);
    const auto holder = repo.find_user_by_email(in.email);
    if (holder && (!existing || holder->user_id != existing->user_id)) {
        return make_error(errc::conflict, "email " + in.email + " belongs to another user", "email");
    }
    for (const auto hub_id : in.hub_ids) {
        if (!repo.find_hub(hub_id)) {
            return make_error(errc::hub_unavailable, "hub " + std::to_string(hub_id) + " does not exist", "hub_ids");
        }
    }
    std::vector<std::int64_t> hub_ids = in.hub_ids;
    for (const auto& domain : in.hub_domains) {
        const auto hub = repo.find_hub_by_domain(domain);
        if (!hub) return make_error(errc::hub_unavailable, "no hub has the domain " + domain, "hub_domains");
        if (std::find(hub_ids.begin(), hub_ids.end(), hub->hub_id) == hub_ids.end()) hub_ids.push_back(hub->hub_id);
    }
    storage::user_record user;
    user.user_id = existing ? existing->user_id : in.user_id.value_or(0);
    user.email = in.email;
    user.hub_ids = std::move(hub_ids);
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
