#include "hsoauth/oauth/authority.hpp"

#include <algorithm>

#include "hsoauth/crypto/random.hpp"
#include "hsoauth/oauth/token_format.hpp"
#include "hsoauth/storage/scope_text.hpp"

namespace hsoauth::oauth {
namespace {

bool contains(const scope_list& list, std::string_view item) {
    return std::find(list.begin(), list.end(), item) != list.end();
}

bool is_base64url(std::string_view text) {
    return std::all_of(text.begin(), text.end(), [](char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
               c == '-' || c == '_';
    });
}

// The hublet a new refresh token names ("na1" for a hub deleted since).
std::string hublet_of(storage::repository& repo, std::int64_t hub_id) {
    const auto hub = repo.find_hub(hub_id);
    return hub ? hub->hublet : "na1";
}

// RFC 7636 §4.1: 43 to 128 characters of [A-Z a-z 0-9 - . _ ~].
bool is_valid_verifier(std::string_view verifier) {
    if (verifier.size() < 43 || verifier.size() > 128) return false;
    return std::all_of(verifier.begin(), verifier.end(), [](char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
               c == '-' || c == '.' || c == '_' || c == '~';
    });
}

std::string scope_mismatch_detail(const std::string& scope) {
    return "There is a mismatch between the scopes in the install URL and the app's configured scopes: " + scope;
}

// unregistered_redirect_uri for `uri`, naming the URI received and the ones `app` registered:
// integrators compare them by eye, and a difference of one character is the usual cause.
error redirect_mismatch(const storage::app_record& app, const std::string& uri) {
    std::string registered;
    for (const auto& candidate : app.redirect_uris) {
        if (!registered.empty()) registered += ", ";
        registered += candidate;
    }
    return make_error(errc::unregistered_redirect_uri,
                      "The redirect_uri " + uri +
                          " does not exactly match any redirect URI registered for this app. Registered: " +
                          registered + ".",
                      "redirect_uri");
}

}  // namespace

const char* rfc_error(errc code) {
    switch (code) {
        case errc::unknown_client:
        case errc::wrong_client_secret:
        case errc::bad_client_assertion:
        case errc::admin_unauthorized:
            return "invalid_client";
        case errc::unauthorized_client:
            return "unauthorized_client";
        case errc::client_throttled:
            return "slow_down";
        case errc::unknown_code:
        case errc::expired_code:
        case errc::redirect_uri_mismatch:
        case errc::code_verifier_mismatch:
        case errc::invalid_refresh_token:
        case errc::uninstalled_refresh_token:
            return "invalid_grant";
        case errc::unsupported_grant_type:
            return "unsupported_grant_type";
        case errc::scope_mismatch:
            return "invalid_scope";
        case errc::unknown_token:
        case errc::expired_token:
            return "invalid_token";
        case errc::missing_field:
        case errc::invalid_field:
        case errc::malformed_request:
        case errc::unregistered_redirect_uri:
        case errc::hub_unavailable:
        case errc::unknown_user:
        case errc::consent_form_unknown:
        case errc::not_found:
        case errc::conflict:
            return "invalid_request";
    }
    return "invalid_request";
}

authority::authority(const clock& time, const crypto::secret_hasher& hasher,
                     authority_settings settings)
    : time_(time), hasher_(hasher), settings_(settings), signer_(hasher) {}

std::optional<error> authority::check_client(const app_record* app, std::string_view client_secret) const {
    if (!app) return make_error(errc::unknown_client);
    if (!crypto::constant_time_equal(hasher_.hash_inline(client_secret), app->client_secret_digest)) {
        return make_error(errc::wrong_client_secret);
    }
    return std::nullopt;
}

access_token_text authority::issue_access(repository& repo, std::int64_t refresh_id,
                                    std::int64_t expires_at) const {
    storage::access_insert row;
    row.access_id = repo.allocate_access_id();
    const access_token_text token = new_access_token(row.access_id, random());
    const auto digest = hasher_.hash_inline(token);  // row.token_digest views it
    row.token_digest = digest;
    row.refresh_id = refresh_id;
    row.expires_at = expires_at;
    repo.insert_access(row);
    return token;
}

issued_tokens authority::issue_tokens(repository& repo, const storage::refresh_insert& base,
                                      std::string_view hublet, std::int64_t ttl,
                                      std::int64_t hub_id) const {
    issued_tokens out;
    storage::refresh_insert row = base;
    row.refresh_id = repo.allocate_refresh_id();
    out.refresh_token = new_refresh_token(hublet, row.refresh_id, random());
    row.token_digest = hasher_.hash(out.refresh_token);
    repo.insert_refresh(row);
    out.access_token = issue_access(repo, row.refresh_id, time_.now() + ttl);
    out.expires_in = ttl;
    out.hub_id = hub_id;
    out.user_id = base.user_id;
    out.scopes = scope_text(base.scopes);
    return out;
}

result<issued_tokens> authority::exchange_code(repository& repo, const app_record& app,
                                               std::string_view code,
                                               std::string_view redirect_uri,
                                               const std::optional<std::string>& code_verifier) const {
    const auto code_digest = hasher_.hash(code);
    const auto found = repo.find_code(code_digest);
    const std::int64_t now = time_.now();
    // Another app's code is unknown to this client, used or not: its replay defence below must
    // not be something any registered client can set off (RFC 6749 §4.1.3: client first).
    if (!found || found->app_id != app.app_id) return make_error(errc::unknown_code);
    if (found->used_at) {
        // RFC 6749 §4.1.2: a replayed code revokes everything issued from it.
        repo.revoke_tokens_from_code(code_digest, now);
        return make_error(errc::unknown_code);
    }
    if (!found->install_live) return make_error(errc::unknown_code);
    if (now >= found->expires_at) return make_error(errc::expired_code);
    if (found->redirect_uri != redirect_uri) return make_error(errc::redirect_uri_mismatch);
    if (found->code_challenge) {
        if (!code_verifier || !is_valid_verifier(*code_verifier)) {
            return make_error(errc::code_verifier_mismatch, "code_verifier is missing or malformed");
        }
        const auto computed = crypto::base64url(crypto::sha256(*code_verifier));
        if (!crypto::constant_time_equal(computed, *found->code_challenge)) {
            return make_error(errc::code_verifier_mismatch);
        }
    } else if (code_verifier) {
        return make_error(errc::code_verifier_mismatch,
                          "code_verifier sent for a code issued without code_challenge");
    }
    if (!repo.use_code(code_digest, now)) return make_error(errc::unknown_code);

    storage::refresh_insert base;
    base.install_id = found->install_id;
    base.user_id = found->user_id;
    base.scopes = found->scopes;
    base.code_digest = code_digest;
    base.created_at = now;
    return issue_tokens(repo, base, hublet_of(repo, found->hub_id), app.access_token_ttl, found->hub_id);
}

refresh_grant authority::prepare_refresh(std::string refresh_token, std::int64_t access_id) const {
    refresh_grant grant;
    grant.refresh_digest = hasher_.hash_inline(refresh_token);
    grant.refresh_id = refresh_token_id(refresh_token);
    grant.refresh_token = std::move(refresh_token);
    grant.access_id = access_id;
    grant.access_token = new_access_token(access_id, random());
    grant.access_digest = hasher_.hash_inline(grant.access_token);
    return grant;
}

result<issued_tokens> authority::refresh(repository& repo, const app_record& app,
                                         refresh_grant&& grant) const {
    // A token without an id is unknown: no row can be its own.
    if (!grant.refresh_id) return make_error(errc::invalid_refresh_token);
    auto found = repo.find_refresh_state(*grant.refresh_id, grant.refresh_digest);
    const std::int64_t now = time_.now();
    if (!found || found->app_id != app.app_id) return make_error(errc::invalid_refresh_token);
    if (!found->install_live) return make_error(errc::uninstalled_refresh_token);
    if (found->revoked_at) return make_error(errc::invalid_refresh_token);
    if (found->rotated_at) {
        // Reuse of a rotated refresh token: someone holds a stolen copy; kill the whole chain.
        repo.revoke_chain(found->chain_id, now);
        return make_error(errc::invalid_refresh_token);
    }
    if (!app.rotate_refresh_tokens) {
        issued_tokens out;
        storage::access_insert row;
        row.access_id = grant.access_id;
        row.token_digest = grant.access_digest;
        row.refresh_id = found->refresh_id;
        row.expires_at = now + app.access_token_ttl;
        repo.insert_access(row);
        out.access_token = std::move(grant.access_token);
        out.refresh_token = std::move(grant.refresh_token);
        out.expires_in = app.access_token_ttl;
        out.hub_id = found->hub_id;
        out.user_id = found->user_id;
        out.scopes = std::move(found->scopes);
        return out;
    }
    repo.mark_refresh_rotated(found->refresh_id, now);
    storage::refresh_insert base;
    base.install_id = found->install_id;
    base.user_id = found->user_id;
    base.scopes = found->scopes.to_list();
    base.chain_id = found->chain_id;
    base.created_at = now;
    return issue_tokens(repo, base, hublet_of(repo, found->hub_id), app.access_token_ttl, found->hub_id);
}

std::optional<error> expiry_error(std::int64_t expires_at, std::int64_t now) {
    if (now < expires_at) return std::nullopt;
    error expired = make_error(errc::expired_token);
    expired.seconds = now - expires_at;
    return expired;
}

result<access_token_info> authority::introspect_access(repository& repo, std::string_view token,
                                                       std::int64_t now) const {
    const auto access_id = access_token_id(token);
    if (!access_id) return make_error(errc::unknown_token);
    access_token_facts facts;
    if (auto problem = read_access(repo, token, *access_id, now, facts)) return std::move(*problem);
    sign_access_info(facts);
    return access_answer(std::make_shared<const access_token_facts>(std::move(facts)), now);
}

access_token_info access_answer(std::shared_ptr<const access_token_facts> facts, std::int64_t now) {
    const std::int64_t expires_in = facts->expires_at - now;
    return access_token_info{std::move(facts), expires_in};
}

std::optional<error> authority::read_access(repository& repo, std::string_view token,
                                            std::int64_t access_id, std::int64_t now,
                                            access_token_facts& info) const {
    auto found = repo.find_access(access_id, hasher_.hash_inline(token));
    if (!found || found->revoked_at || !found->install_live) return make_error(errc::unknown_token);
    if (auto expired = expiry_error(found->expires_at, now)) return expired;
    info.token = std::string(token);
    info.access_id = access_id;
    info.user = std::move(found->user_email);
    info.hub_domain = std::move(found->hub_domain);
    info.hublet = std::move(found->hublet);
    info.client_id = std::move(found->client_id);
    info.scopes = std::move(found->scopes);
    info.hub_id = found->hub_id;
    info.app_id = found->app_id;
    info.user_id = found->user_id;
    info.install_id = found->install_id;
    info.expires_at = found->expires_at;
    info.app_level = !found->refresh_id.has_value();
    return std::nullopt;
}

void authority::sign_access_info(access_token_facts& info) const {
    signed_access_token& signed_token = info.signed_token;
    signed_token.app_id = info.app_id;
    signed_token.app_install_id = info.app_level ? "" : std::to_string(info.install_id);
    signed_token.audience = info.client_id;
    signed_token.expires_at_ms = info.expires_at * 1000;
    signed_token.hub_id = info.hub_id;
    signed_token.hublet = info.hublet;
    signed_token.installing_user_id = info.user_id;
    signed_token.is_private_distribution = info.is_private_distribution;
    signed_token.is_service_account = info.app_level;
    signed_token.scopes = info.scopes.text();
    signed_token.user_id = info.user_id;
    signer_.sign(signed_token);
}

result<refresh_token_info> authority::introspect_refresh(repository& repo,
                                                         std::string_view token) const {
    const auto refresh_id = refresh_token_id(token);
    if (!refresh_id) return make_error(errc::unknown_token);
    auto found = repo.find_refresh(*refresh_id, hasher_.hash_inline(token));
    if (!found || found->revoked_at || found->rotated_at || !found->install_live) {
        return make_error(errc::unknown_token);
    }
    refresh_token_info info;
    info.token = std::string(token);
    info.client_id = std::move(found->client_id);
    info.user = std::move(found->user_email);
    info.hub_domain = std::move(found->hub_domain);
    info.hublet = std::move(found->hublet);
    info.scopes = std::move(found->scopes);
    info.hub_id = found->hub_id;
    info.app_id = found->app_id;
    info.user_id = found->user_id;
    return info;
}

result<done> authority::revoke_refresh(repository& repo, std::string_view token) const {
    const auto refresh_id = refresh_token_id(token);
    if (!refresh_id) return make_error(errc::unknown_token);
    const auto found = repo.find_refresh_state(*refresh_id, hasher_.hash_inline(token));
    if (!found || found->revoked_at || found->rotated_at || !found->install_live) {
        return make_error(errc::unknown_token);
    }
    repo.revoke_refresh(found->refresh_id, settings_.revoke_cascades, time_.now());
    return done{};
}

result<authorization_plan> authority::plan_authorization(
    repository& repo, const authorization_request& request) const {
    auto app = repo.find_app_by_client_id(request.client_id);
    if (!app) return make_error(errc::unknown_client);
    if (!contains(app->redirect_uris, request.redirect_uri)) return redirect_mismatch(*app, request.redirect_uri);
    authorization_plan plan;
    for (const auto& scope : request.scopes) {
        const bool required = contains(app->scopes, scope);
        const bool optional = contains(app->optional_scopes, scope);
        if (required) {
            if (!contains(plan.required_scopes, scope)) plan.required_scopes.push_back(scope);
        } else if (optional && !request.strict_placement) {
            if (!contains(plan.optional_scopes, scope)) plan.optional_scopes.push_back(scope);
        } else {
            return make_error(errc::scope_mismatch, scope_mismatch_detail(scope), "scope");
        }
    }
    for (const auto& scope : request.optional_scopes) {
        if (!contains(app->optional_scopes, scope)) {
            return make_error(errc::scope_mismatch, scope_mismatch_detail(scope), "optional_scope");
        }
        if (!contains(plan.optional_scopes, scope)) plan.optional_scopes.push_back(scope);
    }
    if (auto problem = check_required_scopes(*app, plan.required_scopes)) return std::move(*problem);
    plan.redirect_uri = request.redirect_uri;
    plan.app = std::move(*app);
    return plan;
}

std::optional<error> authority::check_required_scopes(const app_record& app, const scope_list& required) {
    for (const auto& scope : app.scopes) {
        if (!contains(required, scope)) {
            return make_error(errc::scope_mismatch, "The scopes are insufficient: the app requires " + scope, "scope");
        }
    }
    for (const auto& scope : required) {
        if (!contains(app.scopes, scope)) return make_error(errc::scope_mismatch, scope_mismatch_detail(scope), "scope");
    }
    return std::nullopt;
}

std::optional<error> authority::check_user_in_hub(repository& repo, std::int64_t hub_id,
                                                  std::int64_t user_id) const {
    const auto user = repo.find_user(user_id);
    if (!user) {
        return make_error(errc::unknown_user, "user " + std::to_string(user_id) + " does not exist", "user_id");
    }
    if (!repo.find_hub(hub_id)) {
        return make_error(errc::hub_unavailable, "hub " + std::to_string(hub_id) + " does not exist", "hub_id");
    }
    if (std::find(user->hub_ids.begin(), user->hub_ids.end(), hub_id) == user->hub_ids.end()) {
        return make_error(errc::hub_unavailable,
                          "user " + std::to_string(user_id) + " is not a member of hub " +
                              std::to_string(hub_id),
                          "hub_id");
    }
    return std::nullopt;
}

result<issued_code> authority::approve(repository& repo, const authorization_plan& plan,
                                       std::int64_t hub_id, std::int64_t user_id,
                                       const std::optional<pkce_challenge>& pkce) const {
    if (auto problem = check_user_in_hub(repo, hub_id, user_id)) return std::move(*problem);
    const auto hub = repo.find_hub(hub_id);
    // The app may have changed since the consent page was shown: re-check the plan against the
    // app as it is now, inside this write.
    const auto app = repo.find_app(plan.app.app_id);
    if (!app || app->client_id != plan.app.client_id) return make_error(errc::unknown_client);
    if (!contains(app->redirect_uris, plan.redirect_uri)) return redirect_mismatch(*app, plan.redirect_uri);
    if (auto problem = check_required_scopes(*app, plan.required_scopes)) return std::move(*problem);

    scope_list granted = plan.required_scopes;
    for (const auto& scope : granted) {
        if (hub->scopes && !contains(*hub->scopes, scope)) {
            return make_error(errc::hub_unavailable,
                              "hub " + std::to_string(hub_id) + " cannot grant required scope " + scope,
                              "hub_id");
        }
    }
    for (const auto& scope : plan.optional_scopes) {
        const bool still_offered = contains(app->optional_scopes, scope);
        if (still_offered && (!hub->scopes || contains(*hub->scopes, scope))) granted.push_back(scope);
    }

    const std::int64_t now = time_.now();
    std::int64_t install_id = 0;
    if (auto install = repo.find_live_install(app->app_id, hub_id)) {
        install_id = install->install_id;
        repo.update_install(install_id, user_id, granted);
    } else {
        storage::install_record fresh;
        fresh.app_id = app->app_id;
        fresh.hub_id = hub_id;
        fresh.user_id = user_id;
        fresh.scopes = granted;
        fresh.installed_at = now;
        install_id = repo.create_install(fresh);
    }

    issued_code out;
    out.code = new_authorization_code(hub->hublet, random());
    storage::code_record row;
    row.code_digest = hasher_.hash(out.code);
    row.install_id = install_id;
    row.user_id = user_id;
    row.scopes = granted;
    row.redirect_uri = plan.redirect_uri;
    if (pkce) row.code_challenge = pkce->challenge;
    row.expires_at = now + settings_.code_ttl;
    repo.insert_code(row);
    out.expires_in = settings_.code_ttl;
    out.install_id = install_id;
    out.granted_scopes = std::move(granted);
    return out;
}

result<done> authority::uninstall(repository& repo, std::int64_t app_id, std::int64_t hub_id) const {
    if (repo.uninstall(app_id, hub_id, time_.now()) == 0) {
        return make_error(errc::not_found, "no live install of app " + std::to_string(app_id) +
                                               " on hub " + std::to_string(hub_id));
    }
    return done{};
}

result<std::optional<pkce_challenge>> parse_pkce(std::string_view challenge, std::string_view method) {
    if (challenge.empty()) {
        if (!method.empty()) {
            return make_error(errc::invalid_field, "code_challenge_method without code_challenge",
                              "code_challenge");
        }
        return std::optional<pkce_challenge>{};
    }
    if (method != "S256") {
        return make_error(errc::invalid_field, "code_challenge_method must be S256",
                          "code_challenge_method");
    }
    if (challenge.size() != 43 || !is_base64url(challenge)) {
        return make_error(errc::invalid_field,
                          "code_challenge must be base64url(SHA-256(code_verifier)), 43 characters",
                          "code_challenge");
    }
    return std::optional<pkce_challenge>{pkce_challenge{std::string(challenge), "S256"}};
}

}  // namespace hsoauth::oauth
