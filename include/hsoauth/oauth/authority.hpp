#pragma once
// The token authority: HubSpot's OAuth rules over one transaction's repository, independent of
// any wire version and of how the work is scheduled (the service layer decides that). Each
// operation says whether it reads (run it in store::read) or writes (run it as a write job,
// where it sees and changes state atomically with the other writes of its batch).
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "hsoauth/clock/clock.hpp"
#include "hsoauth/crypto/digest.hpp"
#include "hsoauth/crypto/random.hpp"
#include "hsoauth/crypto/jwk.hpp"
#include "hsoauth/oauth/client_assertion.hpp"
#include "hsoauth/oauth/kept_renderings.hpp"
#include "hsoauth/oauth/result.hpp"
#include "hsoauth/oauth/signed_access_token.hpp"
#include "hsoauth/oauth/token_format.hpp"
#include "hsoauth/storage/records.hpp"
#include "hsoauth/storage/repository.hpp"

namespace hsoauth::oauth {

using storage::app_record;
using storage::repository;
using storage::scope_list;
using storage::scope_text;

struct authority_settings {
    std::int64_t code_ttl = 600;   // seconds an authorization code lives
    bool revoke_cascades = true;   // revoking a refresh token also revokes its access tokens
    // Where tokens and codes get their random bytes; null: OpenSSL's CSPRNG. Must outlive the
    // authority.
    crypto::random_source* random = nullptr;
};

// What a successful grant returns. An app-level token (client_credentials) has no refresh
// token, hub or user: refresh_token is empty, hub_id and user_id are 0.
struct issued_tokens {
    access_token_text access_token;
    std::string refresh_token;
    std::int64_t expires_in = 0;
    std::int64_t hub_id = 0;
    std::int64_t user_id = 0;
    scope_text scopes;
};

// A refresh grant with its hashing done ahead of the write, on the thread that received it: the
// presented token's digest and the row id it carries, and the access token a successful refresh
// issues. The digests are held in place (no allocation). The writer reads none of the token's
// bytes (another thread wrote them: each read there was a cache miss).
struct refresh_grant {
    std::string refresh_token;
    std::optional<std::int64_t> refresh_id;  // none: the token carries no id, no row is its own
    crypto::inline_digest refresh_digest;
    std::int64_t access_id = 0;
    access_token_text access_token;
    crypto::inline_digest access_digest;
};

// A prepared app-level access token (client_credentials), made and hashed ahead of its write.
struct app_token_grant {
    std::int64_t access_id = 0;
    access_token_text access_token;
    crypto::inline_digest access_digest;
    scope_list scopes;  // what it grants, checked by plan_app_token
};

// A live access token's facts, as a read finds them. An app-level token has no hub or user:
// hub_id, user_id and install_id are 0, user, hub_domain and hublet empty.
struct access_token_facts {
    std::string token;
    std::int64_t access_id = 0;  // the row id the token carries
    std::string user;  // e-mail address
    std::string hub_domain;
    std::string hublet;
    std::string client_id;
    scope_text scopes;
    std::int64_t hub_id = 0;
    std::int64_t app_id = 0;
    std::int64_t user_id = 0;
    std::int64_t install_id = 0;
    std::int64_t expires_at = 0;
    bool app_level = false;               // issued by a client_credentials grant
    bool is_private_distribution = false;  // hsoauth has no privately distributed apps
    signed_access_token signed_token;      // the same facts, signed
    kept_renderings renderings;            // texts made from these facts (the wire views' bodies)
};

// A live access token as one answer tells it: its facts, which never change while it lives and
// are shared (the service keeps them between answers, so that an answer copies a pointer, not
// the strings), and the seconds left at the answer's time.
struct access_token_info {
    std::shared_ptr<const access_token_facts> facts;  // never null
    std::int64_t expires_in = 0;                      // seconds left

    const access_token_facts* operator->() const { return facts.get(); }
};

// The answer about a live token's `facts` (never null) at sandbox time `now`: expires_in is the
// seconds from `now` to their expiry. Made by a read and by the access-token cache's hit alike.
access_token_info access_answer(std::shared_ptr<const access_token_facts> facts, std::int64_t now);

// expired_token, with the seconds since, once sandbox time `now` has reached `expires_at`.
std::optional<error> expiry_error(std::int64_t expires_at, std::int64_t now);

struct refresh_token_info {
    std::string token;
    std::string client_id;
    std::string user;
    std::string hub_domain;
    std::string hublet;
    scope_text scopes;
    std::int64_t hub_id = 0;
    std::int64_t app_id = 0;
    std::int64_t user_id = 0;
};

// Which kind of token a client says it presents (RFC 7009 §2.1, RFC 7662 §2.1): only the order
// in which the kinds are tried; a token is found whatever the hint says.
enum class token_hint { none, access_token, refresh_token };

// Introspection's finding (RFC 7662 §2.2): a live token of the asking client, or nothing to say.
struct inactive_token {};
using introspection = std::variant<inactive_token, access_token_info, refresh_token_info>;

// Introspection's answer to `app` about an access token, from what reading it answered
// (authority::introspect_access): its facts when it is live and `app`'s own; inactive when it is
// unknown, revoked, expired or another app's.
introspection access_introspection(std::int64_t app_id, result<access_token_info>&& read);

// A user's request to connect an app to a hub, from the consent page or the admin API.
struct authorization_request {
    std::string client_id;
    std::string redirect_uri;
    scope_list scopes;           // the URL's `scope`
    scope_list optional_scopes;  // the URL's `optional_scope`
    // Consent page rules (true): an optional scope placed in `scopes` is a mismatch. Admin API
    // (false): `scopes` may hold required and optional scopes together.
    bool strict_placement = true;
};

// A validated authorization request: the app and what the chosen hub would grant.
struct authorization_plan {
    app_record app;
    std::string redirect_uri;
    scope_list required_scopes;
    scope_list optional_scopes;  // requested optional scopes (before the hub's filter)
};

struct issued_code {
    std::string code;
    std::int64_t expires_in = 0;
    std::int64_t install_id = 0;
    scope_list granted_scopes;
};

struct pkce_challenge {
    std::string challenge;  // base64url(SHA-256(verifier)), 43 characters
    std::string method;     // only "S256" is accepted
};

class authority {
public:
    authority(const clock& time, const crypto::secret_hasher& hasher, authority_settings settings);

    const clock& time() const { return time_; }
    const authority_settings& settings() const { return settings_; }

    // Client authentication against the app looked up by client_id (nullptr: none). nullopt
    // when authenticated; unknown_client without an app; wrong_client_secret when the secret's
    // digest differs (constant-time comparison).
    std::optional<error> check_client(const app_record* app, std::string_view client_secret) const;

    // Client authentication by a signed JWT (RFC 7523 §2.2) for the app looked up by client_id
    // (nullptr: unknown_client), verified with `keys`, the app's registered key set (nullptr or
    // empty: the app registered none), against `audiences` (the token endpoint's URLs and the
    // issuer's) at the sandbox clock. bad_client_assertion, its detail saying why, otherwise.
    // The returned jti must still be remembered in the grant's write (remember_assertion).
    result<verified_assertion> check_assertion(const app_record* app, const crypto::key_set* keys,
                                               std::string_view assertion,
                                               std::span<const std::string> audiences) const;
    // Write. Refuses an assertion whose jti the app already used (bad_client_assertion), else
    // remembers it until the assertion could not be accepted anyway.
    std::optional<error> remember_assertion(repository& repo, const app_record& app,
                                            const verified_assertion& assertion) const;

    // Any thread, pure. What a client_credentials grant (RFC 6749 §4.4) of `app` asking
    // `requested` would grant: unauthorized_client when the app has no client_credentials_scopes;
    // scope_mismatch (invalid_scope) naming the first scope outside them; empty `requested`: all.
    // The token is made and hashed here, with an id from store::allocate_access_id.
    result<app_token_grant> plan_app_token(const app_record& app, const scope_list& requested,
                                           std::int64_t access_id) const;
    // Write. Stores the app-level access token planned for `app`; it expires after the app's
    // access token lifetime on the sandbox clock.
    result<issued_tokens> issue_app_token(repository& repo, const app_record& app,
                                          const app_token_grant& grant) const;

    // Read. RFC 7662 for the authenticated `app`: a live access or refresh token issued to it;
    // inactive for an unknown, expired, revoked, rotated-away or uninstalled token and for
    // another app's (so introspection is no oracle for other clients' tokens). Never an error.
    introspection introspect(repository& repo, const app_record& app, std::string_view token,
                             token_hint hint) const;
    // Write. RFC 7009 for the authenticated `app`: a live refresh token of its own is revoked with
    // (by setting) its access tokens, a live access token of its own alone. Anything else —
    // unknown, already dead, another app's — changes nothing and is still done (no oracle).
    result<done> revoke(repository& repo, const app_record& app, std::string_view token,
                        token_hint hint) const;

    // Write. Exchanges a code issued to `app`. A code issued to another app is unknown_code and
    // changes nothing (the client is checked first, RFC 6749 §4.1.3). A used code is refused
    // (unknown_code) and every token issued from it is revoked. expired_code,
    // redirect_uri_mismatch (byte-exact), code_verifier_mismatch (PKCE S256) otherwise. A failed
    // attempt does not use up the code.
    result<issued_tokens> exchange_code(repository& repo, const app_record& app,
                                        std::string_view code, std::string_view redirect_uri,
                                        const std::optional<std::string>& code_verifier) const;

    // Any thread, before the write: hashes the presented refresh token and makes the access token
    // a successful refresh issues, with an id from store::allocate_access_id.
    refresh_grant prepare_refresh(std::string refresh_token, std::int64_t access_id) const;
    // Write. invalid_refresh_token unless the grant's token is live and belongs to `app`
    // (uninstalled_refresh_token when its install is gone). Returns the
    // grant's access token and the same refresh token, or new tokens when the app rotates;
    // presenting a rotated token revokes its whole chain. The grant is used up: its tokens move
    // into the answer (no copy), so a caller keeps what it needs of them beforehand.
    result<issued_tokens> refresh(repository& repo, const app_record& app,
                                  refresh_grant&& grant) const;

    // Read, at sandbox time `now` (seconds), which the caller read once for the whole call.
    // unknown_token when unknown, revoked or uninstalled; expired_token (with the seconds since)
    // when expired. The answer carries its signed_access_token.
    result<access_token_info> introspect_access(repository& repo, std::string_view token,
                                                std::int64_t now) const;
    // Read. unknown_token when unknown, revoked, rotated away or uninstalled.
    result<refresh_token_info> introspect_refresh(repository& repo, std::string_view token) const;

    // Write. Revokes a live refresh token (and, by setting, its access tokens); unknown_token
    // when it is unknown or already dead.
    result<done> revoke_refresh(repository& repo, std::string_view token) const;

    // Read. Validates an authorization request as HubSpot's consent screen does: unknown_client,
    // unregistered_redirect_uri (exact string match), scope_mismatch (a required scope missing,
    // an unknown scope, or with strict_placement an optional scope in `scopes`).
    result<authorization_plan> plan_authorization(repository& repo,
                                                  const authorization_request& request) const;

    // Write. The user approves `plan` for `hub_id`: checks the user is a member of the hub
    // (unknown_user, hub_unavailable), re-checks the plan against the app as it is now, drops
    // optional scopes the hub cannot grant, records or updates the install and issues a code
    // bound to the redirect URI and the PKCE challenge.
    result<issued_code> approve(repository& repo, const authorization_plan& plan,
                                std::int64_t hub_id, std::int64_t user_id,
                                const std::optional<pkce_challenge>& pkce) const;

    // Write. Uninstalls the app from the hub: all its tokens die at once. not_found when there
    // is no live install.
    result<done> uninstall(repository& repo, std::int64_t app_id, std::int64_t hub_id) const;

private:
    // The plan's required scopes against the app's: scope_mismatch when one is missing or unknown.
    static std::optional<error> check_required_scopes(const app_record& app, const scope_list& required);
    std::optional<error> check_user_in_hub(repository& repo, std::int64_t hub_id,
                                           std::int64_t user_id) const;
    issued_tokens issue_tokens(repository& repo, const storage::refresh_insert& base,
                               std::string_view hublet, std::int64_t ttl, std::int64_t hub_id) const;
    // Fills facts.signed_token from the other facts and signs it.
    void sign_access_info(access_token_facts& facts) const;
    // The facts of a token whose shape carries `access_id`, unsigned, written into `facts`; the
    // error instead when it is not live at sandbox time `now`.
    std::optional<error> read_access(repository& repo, std::string_view token, std::int64_t access_id,
                                     std::int64_t now, access_token_facts& facts) const;
    // Stores a new access token of `refresh_id` and returns it.
    access_token_text issue_access(repository& repo, std::int64_t refresh_id, std::int64_t expires_at) const;

    crypto::random_source& random() const {
        return settings_.random ? *settings_.random : crypto::system_random();
    }

    // A live refresh token `token` of `app` (its state), or nullopt.
    std::optional<storage::refresh_state> live_refresh_of(repository& repo, const app_record& app,
                                                          std::string_view token) const;

    const clock& time_;
    const crypto::secret_hasher& hasher_;
    authority_settings settings_;
    access_token_signer signer_;
};

// Validates a PKCE challenge as sent to the authorize step: method S256 only ("plain" is
// refused), challenge 43 base64url characters. invalid_field naming the field otherwise.
result<std::optional<pkce_challenge>> parse_pkce(std::string_view challenge, std::string_view method);

}  // namespace hsoauth::oauth
