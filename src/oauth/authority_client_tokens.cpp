// The authority's operations for clients of the v3 and dated OAuth APIs: client assertions,
// app-level tokens (client_credentials), introspection and revocation by the token's client.
#include <algorithm>

#include "hsoauth/oauth/authority.hpp"
#include "hsoauth/oauth/token_format.hpp"

namespace hsoauth::oauth {
namespace {

// What a client is told about a refused assertion: which rule it broke, never the input.
const char* assertion_detail(assertion_problem problem) {
    switch (problem) {
        case assertion_problem::malformed:
            return "client_assertion is not a well-formed signed JWT";
        case assertion_problem::unsupported_algorithm:
            return "client_assertion must be signed with RS256, PS256 or ES256";
        case assertion_problem::forbidden_header:
            return "client_assertion's header may not carry keys (jwk, jku, x5u, x5c) or crit";
        case assertion_problem::key_not_found:
            return "no key registered for this app matches the client_assertion's kid and alg";
        case assertion_problem::bad_signature:
            return "the client_assertion's signature does not verify with the app's registered keys";
        case assertion_problem::wrong_issuer:
            return "the client_assertion's iss and sub must both be the client_id";
        case assertion_problem::wrong_audience:
            return "the client_assertion's aud must name this token endpoint or this server";
        case assertion_problem::missing_expiry:
            return "the client_assertion has no exp";
        case assertion_problem::expired:
            return "the client_assertion has expired";
        case assertion_problem::too_long_lived:
            return "the client_assertion's exp is more than 5 minutes ahead";
        case assertion_problem::not_yet_valid:
            return "the client_assertion's nbf or iat is in the future";
        case assertion_problem::missing_jti:
            return "the client_assertion needs a jti of 1 to 256 characters";
    }
    return "the client_assertion was refused";
}

bool contains(const scope_list& list, std::string_view item) {
    return std::find(list.begin(), list.end(), item) != list.end();
}

// Whether introspection by app `app_id` shows a live access token's facts: only to its own app.
// Asked by access_introspection and, before it signs, by authority::introspect.
bool introspection_shows(std::int64_t app_id, const access_token_facts& live) {
    return live.app_id == app_id;
}

}  // namespace

result<verified_assertion> authority::check_assertion(const app_record* app,
                                                       const crypto::key_set* keys,
                                                       std::string_view assertion,
                                                       std::span<const std::string> audiences) const {
    if (!app) return make_error(errc::unknown_client);
    if (!keys || keys->empty()) {
        return make_error(errc::bad_client_assertion,
                          "this app has registered no keys (jwks) for client assertions",
                          "client_assertion");
    }
    auto checked = verify_client_assertion(assertion, *keys, app->client_id, audiences, time_.now());
    if (!checked) {
        return make_error(errc::bad_client_assertion, assertion_detail(checked.failure.problem),
                          "client_assertion");
    }
    return std::move(*checked.verified);
}

std::optional<error> authority::remember_assertion(repository& repo, const app_record& app,
                                                   const verified_assertion& assertion) const {
    if (!repo.remember_assertion(app.app_id, assertion.jti, assertion.remember_until, time_.now())) {
        return make_error(errc::bad_client_assertion,
                          "the client_assertion's jti was already used", "client_assertion");
    }
    return std::nullopt;
}

result<app_token_grant> authority::plan_app_token(const app_record& app, const scope_list& requested,
                                                  std::int64_t access_id) const {
    if (app.client_credentials_scopes.empty()) {
        return make_error(errc::unauthorized_client,
                          "this app may not use the client_credentials grant", "grant_type");
    }
    app_token_grant grant;
    for (const auto& scope : requested) {
        if (!contains(app.client_credentials_scopes, scope)) {
            return make_error(errc::scope_mismatch,
                              "scope " + scope + " is not among the app's client_credentials scopes",
                              "scope");
        }
        if (!contains(grant.scopes, scope)) grant.scopes.push_back(scope);
    }
    if (grant.scopes.empty()) grant.scopes = app.client_credentials_scopes;
    grant.access_id = access_id;
    grant.access_token = new_access_token(access_id, random());
    grant.access_digest = hasher_.hash_inline(grant.access_token);
    return grant;
}

result<issued_tokens> authority::issue_app_token(repository& repo, const app_record& app,
                                                 const app_token_grant& grant) const {
    storage::access_insert row;
    row.access_id = grant.access_id;
    row.token_digest = grant.access_digest;
    row.app_id = app.app_id;
    row.scopes = grant.scopes;
    row.expires_at = time_.now() + app.access_token_ttl;
    repo.insert_access(row);
    issued_tokens out;
    out.access_token = grant.access_token;
    out.expires_in = app.access_token_ttl;
    out.scopes = scope_text(grant.scopes);
    return out;
}

std::optional<storage::refresh_state> authority::live_refresh_of(repository& repo,
                                                                 const app_record& app,
                                                                 std::string_view token) const {
    const auto refresh_id = refresh_token_id(token);
    if (!refresh_id) return std::nullopt;
    auto found = repo.find_refresh_state(*refresh_id, hasher_.hash_inline(token));
    if (!found || found->app_id != app.app_id || found->revoked_at || found->rotated_at ||
        !found->install_live) {
        return std::nullopt;
    }
    return found;
}

introspection access_introspection(std::int64_t app_id, result<access_token_info>&& read) {
    if (!read.ok() || !introspection_shows(app_id, *read->facts)) return inactive_token{};
    return introspection{std::in_place_type<access_token_info>, std::move(read.value())};
}

introspection authority::introspect(repository& repo, const app_record& app, std::string_view token,
                                    token_hint) const {
    // The two kinds have disjoint formats, so the hint, which only says where to look first,
    // changes nothing: the format says where to look.
    if (const auto access_id = access_token_id(token)) {
        // introspect_access, with the rule asked before the facts are signed: another app's token
        // is not signed only to be thrown away.
        const std::int64_t now = time_.now();
        access_token_facts live;
        if (read_access(repo, token, *access_id, now, live) ||
            !introspection_shows(app.app_id, live)) {
            return inactive_token{};
        }
        sign_access_info(live);
        auto facts = std::make_shared<const access_token_facts>(std::move(live));
        return introspection{std::in_place_type<access_token_info>,
                             access_answer(std::move(facts), now)};
    }
    if (refresh_token_id(token)) {
        auto info = introspect_refresh(repo, token);
        if (!info || info->app_id != app.app_id) return inactive_token{};
        return introspection{std::in_place_type<refresh_token_info>, std::move(*info)};
    }
    return inactive_token{};
}

result<done> authority::revoke(repository& repo, const app_record& app, std::string_view token,
                               token_hint hint) const {
    const auto revoke_refresh_token = [&]() {
        if (!refresh_token_id(token)) return false;
        if (const auto found = live_refresh_of(repo, app, token)) {
            repo.revoke_refresh(found->refresh_id, settings_.revoke_cascades, time_.now());
        }
        return true;
    };
    const auto revoke_access_token = [&]() {
        const auto access_id = access_token_id(token);
        if (!access_id) return false;
        const auto found = repo.find_access(*access_id, hasher_.hash_inline(token));
        if (found && found->app_id == app.app_id && !found->revoked_at) {
            repo.revoke_access(*access_id, time_.now());
        }
        return true;
    };
    if (hint == token_hint::refresh_token) {
        if (!revoke_refresh_token()) revoke_access_token();
    } else if (!revoke_access_token()) {
        revoke_refresh_token();
    }
    return done{};
}

}  // namespace hsoauth::oauth
