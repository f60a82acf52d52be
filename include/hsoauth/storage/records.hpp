#pragma once
// Plain rows as the repository reads and writes them. No behaviour; the domain lives in oauth/.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "hsoauth/storage/scope_text.hpp"

namespace hsoauth::storage {

using scope_list = std::vector<std::string>;

// The sandbox_state key under which the sandbox clock's offset survives restarts.
inline constexpr std::string_view clock_offset_key = "clock_offset";

struct app_record {
    std::int64_t app_id = 0;
    std::string name;
    std::string client_id;
    std::string client_secret_digest;  // HMAC digest, 32 bytes
    std::vector<std::string> redirect_uris;
    scope_list scopes;                 // required scopes
    scope_list optional_scopes;
    std::int64_t access_token_ttl = 1800;
    bool rotate_refresh_tokens = false;
    scope_list client_credentials_scopes;  // what a client_credentials grant may ask; empty: no grant
    std::string jwks;                      // the registered JWKS document (JSON); "": no assertions
    std::optional<std::int64_t> rate_limit;  // API calls per hub per 10 s; nullopt: the gateway's default
};

struct hub_record {
    std::int64_t hub_id = 0;
    std::string hub_domain;
    std::string hublet = "na1";
    std::optional<scope_list> scopes;  // what the hub can grant; nullopt: everything
    // What GET /account-info/v3/details tells about the account (migration 0008).
    std::string account_type = "STANDARD";         // STANDARD, DEVELOPER_TEST, SANDBOX, …
    std::string time_zone = "US/Eastern";
    std::string currency = "USD";                  // the company currency, ISO 4217
    std::vector<std::string> additional_currencies;
    std::string utc_offset = "-05:00";             // as the account shows it, ±HH:MM
};

struct user_record {
    std::int64_t user_id = 0;
    std::string email;
    std::vector<std::int64_t> hub_ids;
};

// One choice on a consent page: a user (id, e-mail) or a hub (id, domain).
struct choice_record {
    std::int64_t id = 0;
    std::string label;
};

struct install_record {
    std::int64_t install_id = 0;
    std::int64_t app_id = 0;
    std::int64_t hub_id = 0;
    std::int64_t user_id = 0;
    scope_list scopes;
    std::int64_t installed_at = 0;
    std::optional<std::int64_t> uninstalled_at;
};

struct code_record {
    std::string code_digest;
    std::int64_t install_id = 0;
    std::int64_t user_id = 0;
    scope_list scopes;
    std::string redirect_uri;
    std::optional<std::string> code_challenge;
    std::int64_t expires_at = 0;
    std::optional<std::int64_t> used_at;
    // From the install, read with the code:
    std::int64_t app_id = 0;
    std::int64_t hub_id = 0;
    bool install_live = false;
};

// A refresh token as a grant or a revocation needs it: its state and what a new access token
// inherits, without the joins that describe it (refresh_view).
struct refresh_state {
    std::int64_t refresh_id = 0;
    std::int64_t install_id = 0;
    std::int64_t chain_id = 0;
    std::int64_t app_id = 0;
    std::int64_t hub_id = 0;
    std::int64_t user_id = 0;
    scope_text scopes;  // as stored: handed on to the answer without a list
    std::optional<std::int64_t> rotated_at;
    std::optional<std::int64_t> revoked_at;
    bool install_live = false;
};

// A refresh token with what its metadata response needs.
struct refresh_view : refresh_state {
    std::string client_id;
    std::string hub_domain;
    std::string hublet;
    std::string user_email;
};

// An access token with what its metadata response needs. An app-level token (client
// credentials) has no refresh token, hub or user: hub_id and user_id are 0, the strings empty.
struct access_view {
    std::optional<std::int64_t> refresh_id;  // nullopt: an app-level token
    std::int64_t expires_at = 0;
    std::optional<std::int64_t> revoked_at;  // its own stamp, or its refresh token's access_revoked_at
    std::int64_t app_id = 0;
    std::string client_id;
    std::int64_t hub_id = 0;
    std::string hub_domain;
    std::string hublet;
    std::int64_t user_id = 0;
    std::string user_email;
    scope_text scopes;  // as stored: handed on to the answer without a list
    bool install_live = false;  // always true for an app-level token (it dies with its app)
    std::int64_t install_id = 0;  // the install it was issued under; 0 for an app-level token
};

// A new access token row: issued from a refresh token, or app-level (client credentials).
struct access_insert {
    std::int64_t access_id = 0;  // from store/repository allocate_access_id; the token carries it
    // A view of the caller's 32-byte digest: it must stay alive until insert_access returns (the
    // row is a parameter, never kept). Never assign it a temporary.
    std::string_view token_digest;
    std::optional<std::int64_t> refresh_id;  // set for tokens issued from a refresh token
    std::optional<std::int64_t> app_id;      // set for app-level tokens
    scope_list scopes;                       // app-level tokens only; others have their refresh token's
    std::int64_t expires_at = 0;
};

// A new refresh token row.
struct refresh_insert {
    std::int64_t refresh_id = 0;  // from repository::allocate_refresh_id; the token carries it
    std::string token_digest;
    std::int64_t install_id = 0;
    std::int64_t user_id = 0;
    scope_list scopes;
    std::optional<std::string> code_digest;
    std::optional<std::int64_t> chain_id;  // nullopt: starts a new chain (chain_id = own id)
    std::int64_t created_at = 0;
};

// What is alive at one moment, for GET /metrics: access tokens neither expired nor revoked (by
// themselves, by their refresh token or by an uninstall), refresh tokens neither revoked nor
// rotated out with their install live, codes neither used nor expired with their install live.
struct live_counts {
    std::int64_t access_tokens = 0;
    std::int64_t refresh_tokens = 0;
    std::int64_t authorization_codes = 0;
    std::int64_t installs = 0;
};

}  // namespace hsoauth::storage
