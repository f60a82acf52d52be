#pragma once

// Shared set-up for the OAuth e2e tests: seeding a hub, user and app through the admin API,
// minting authorization codes, driving the v1 token and metadata endpoints, PKCE helpers (with
// a self-contained SHA-256, since the harness links no crypto library) and error-body checks.
//
// Set-up helpers throw std::runtime_error quoting the response when the server does not
// answer as the set-up needs; doctest reports that as a failed test. Main thread only.

#include <array>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <source_location>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "support/http_client.hpp"
#include "support/http_response.hpp"
#include "support/server_process.hpp"

namespace hsoauth::e2e {

// ---- SHA-256 and PKCE (RFC 7636) ----

// SHA-256 (FIPS 180-4) of `data`.
std::array<std::uint8_t, 32> sha256(std::string_view data);
// Lowercase hexadecimal.
std::string to_hex(std::span<const std::uint8_t> bytes);
// RFC 4648 §5 base64url, without padding.
std::string base64url(std::span<const std::uint8_t> bytes);
// The S256 code_challenge of `verifier`: base64url(sha256(ASCII(verifier))).
std::string s256_challenge(std::string_view verifier);

struct pkce_pair {
    std::string verifier;   // 64 unreserved characters, fresh per call
    std::string challenge;  // s256_challenge(verifier)
};
pkce_pair make_pkce_pair();

// ---- Sandbox objects ----

struct app_options {
    std::vector<std::string> scopes = {"oauth", "crm.objects.contacts.read"};
    std::vector<std::string> optional_scopes = {"content"};
    // Registered after the primary redirect URI.
    std::vector<std::string> extra_redirect_uris{};
    std::optional<std::int64_t> access_token_ttl{};
    bool rotate_refresh_tokens = false;
    // Hublet of the hub seed_sandbox creates (seed_app ignores it).
    std::string hublet = "na1";
    // What a client_credentials grant may ask (none: the app may not use it).
    std::vector<std::string> client_credentials_scopes{};
    // The app's registered JWKS document for client assertions (null: none).
    nlohmann::json jwks = nullptr;
};

// One hub, one user who belongs to it and one app; every id and string is unique within the
// test process, so sandboxes can share a server.
struct sandbox {
    std::int64_t hub_id = 0;
    std::string hub_domain;
    std::string hublet;
    std::int64_t user_id = 0;
    std::string email;
    std::int64_t app_id = 0;
    std::string client_id;
    std::string client_secret;                 // mixed case letters and digits
    std::string redirect_uri;                  // the primary registered URI
    std::vector<std::string> scopes;           // the app's required scopes
    std::vector<std::string> optional_scopes;  // the app's optional scopes
};

// Loads a new hub, user and app through POST /admin/v1/seed; throws unless it answers 200.
sandbox seed_sandbox(const server_process& server, const app_options& options = {});
// Loads another app (new ids, client and secret) for `base`'s hub and user.
sandbox seed_app(const server_process& server, const sandbox& base,
                 const app_options& options = {});

// ---- Authorization codes (admin API) ----

// Body of POST /admin/v1/authorization-codes for `s`: its client, hub, user, primary redirect
// URI and required scopes, plus `code_challenge` with method S256 when given.
nlohmann::json code_request(const sandbox& s,
                            const std::optional<std::string>& challenge = std::nullopt);

struct minted_code {
    std::string code;
    std::int64_t expires_in = 0;
    std::vector<std::string> scopes;  // granted
};
// POSTs `body` to /admin/v1/authorization-codes; throws unless 201.
minted_code mint_code(const server_process& server, const nlohmann::json& body);
minted_code mint_code(const server_process& server, const sandbox& s,
                      const std::optional<std::string>& challenge = std::nullopt);

// ---- v1 OAuth endpoints ----

// Complete form fields for each grant; tests add, drop or alter fields from these.
header_list code_grant_fields(const sandbox& s, std::string_view code);
header_list refresh_grant_fields(const sandbox& s, std::string_view refresh_token);

inline constexpr std::string_view token_path = "/oauth/v1/token";
inline constexpr std::string_view access_path = "/oauth/v1/access-tokens/{token}";
inline constexpr std::string_view refresh_path = "/oauth/v1/refresh-tokens/{token}";

// Every function below that calls one of the four contract endpoints checks the response
// with check_conforms, reported at the caller's line; the one exception is a 429 from the token
// endpoint, a status the contract does not declare (check_error covers its body).

// POST /oauth/v1/token with a form-encoded body.
http_response post_token(const server_process& server, const header_list& fields,
                         std::source_location where = std::source_location::current());
// POST /oauth/v1/token with `body` sent verbatim as application/x-www-form-urlencoded.
http_response post_token_raw(const server_process& server, std::string_view body,
                             std::source_location where = std::source_location::current());
// GET /oauth/v1/access-tokens/{token}, GET and DELETE /oauth/v1/refresh-tokens/{token};
// `token` is percent-encoded into the path.
http_response get_access(const server_process& server, std::string_view token,
                         std::source_location where = std::source_location::current());
http_response get_refresh(const server_process& server, std::string_view token,
                          std::source_location where = std::source_location::current());
http_response delete_refresh(const server_process& server, std::string_view token,
                             std::source_location where = std::source_location::current());

struct token_pair {
    std::string access_token;
    std::string refresh_token;
    nlohmann::json body;  // the whole 200 body
};
// Exchanges `code` (with `verifier` as code_verifier when given); throws unless 200.
token_pair exchange(const server_process& server, const sandbox& s, std::string_view code,
                    const std::optional<std::string>& verifier = std::nullopt,
                    std::source_location where = std::source_location::current());
// mint_code + exchange.
token_pair authorize(const server_process& server, const sandbox& s,
                     std::source_location where = std::source_location::current());
// refresh_token grant; throws unless 200.
token_pair refresh(const server_process& server, const sandbox& s, std::string_view refresh_token,
                   std::source_location where = std::source_location::current());

// POST /admin/v1/clock {"advance_seconds": seconds}; throws unless 200.
void advance_clock(const server_process& server, std::int64_t seconds);

// A server with default settings shared by every test of the binary that neither moves the
// sandbox clock nor needs other flags; started on first use and stopped at exit.
server_process& shared_server();

// ---- Checks ----

// What an error answer must carry: HTTP status `http_status`; exactly one Content-Type
// `application/json;charset=utf-8`; a body valid against the contract's Error schema;
// "status" == `status` (unless empty), a non-empty "message" and, unless empty, "error" == `error`;
// "correlationId" equal to the X-HubSpot-Correlation-Id header, a v4 UUID; Cache-Control: no-store
// and Pragma: no-cache. Returns one message per problem (empty when all hold).
std::vector<std::string> error_issues(const http_response& r, int http_status,
                                      std::string_view status, std::string_view error = {});
// Reports each error_issues entry as a failed doctest check at the caller's line.
void check_error(const http_response& r, int http_status, std::string_view status,
                 std::string_view error = {},
                 std::source_location where = std::source_location::current());

// Cache-Control: no-store, Pragma: no-cache and a v4 UUID X-HubSpot-Correlation-Id, as every
// response must carry; reported at the caller's line.
void check_common_headers(const http_response& r,
                          std::source_location where = std::source_location::current());

// Replaces the first field called `name`, or appends it.
void set_field(header_list& fields, std::string_view name, std::string value);
// `fields` without any field called `name`.
header_list without_field(header_list fields, std::string_view name);

// True if `text` is non-empty and only holds base64url characters (A-Z a-z 0-9 - _).
bool is_base64url(std::string_view text);

// `items` in ascending order (scope lists compare regardless of order).
std::vector<std::string> sorted(std::vector<std::string> items);

// The body as JSON; a discarded value when it is not JSON.
nlohmann::json body_of(const http_response& r);

}  // namespace hsoauth::e2e
