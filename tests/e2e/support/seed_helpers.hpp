#pragma once

// Building blocks for e2e tests that need a populated admin_sandbox: a hub, a user and an app made
// through the admin API, codes issued and exchanged for tokens, and read-only peeks into the
// database through the sqlite3 command-line tool. Every failure throws std::runtime_error
// quoting the response, so a broken precondition shows up as a failed test, not a wrong one.

#include <cstdint>
#include <nlohmann/json.hpp>
#include <source_location>
#include <string>
#include <string_view>
#include <vector>

#include "support/http_response.hpp"
#include "support/server_process.hpp"

namespace hsoauth::e2e {

// One app installable by one user on one hub, as the admin API answered when creating them.
struct admin_sandbox {
    std::int64_t hub_id = 0;
    std::int64_t user_id = 0;
    std::int64_t app_id = 0;
    std::string client_id;
    std::string client_secret;
    std::string redirect_uri;
    std::vector<std::string> scopes;
};

// The tokens of one successful POST /oauth/v1/token.
struct token_grant {
    std::string access_token;
    std::string refresh_token;
    std::int64_t expires_in = 0;
    nlohmann::json body;
};

// What is wrong with `r` as an error answer: HTTP status other than `http_status`, body.status
// other than `hubspot_status`, a correlationId that is not a UUIDv4 equal to the
// X-HubSpot-Correlation-Id header, a Content-Type other than exactly
// "application/json;charset=utf-8", or a missing "Cache-Control: no-store". Empty when fine.
std::vector<std::string> error_issues(const http_response& r, int http_status,
                                      std::string_view hubspot_status);

// Reports each error_issues entry as a failed doctest CHECK at the caller's line.
void check_error(const http_response& r, int http_status, std::string_view hubspot_status,
                 std::source_location where = std::source_location::current());

// Every field name listed in errors[*].context (any member holding an array of strings, such
// as missingFields or invalidFields). Empty when the body has none or is not JSON.
std::vector<std::string> named_fields(const http_response& r);

// Sends an admin request and returns its JSON body; throws unless the status is `expected`.
nlohmann::json admin_expect(const server_process& server, std::string_view method,
                            std::string_view target, const nlohmann::json& body, int expected);

// Creates a hub, a user in it, and an app (scopes ["oauth"], one redirect URI). `tag` makes
// the e-mail, hub domain, app name and client_id unique within one server. `app_extra` members
// are merged into the app's POST body (e.g. access_token_ttl).
admin_sandbox make_sandbox(const server_process& server, std::string_view tag,
                     const nlohmann::json& app_extra = nlohmann::json::object());

// POST /admin/v1/authorization-codes for the admin_sandbox's client, hub, user and redirect URI;
// `scopes` defaults to the app's required scopes. Returns the code.
std::string issue_code(const server_process& server, const admin_sandbox& s,
                       const std::vector<std::string>& scopes = {});

// POST /oauth/v1/token with grant_type=authorization_code, returned as is.
http_response exchange_code_raw(std::uint16_t port, const admin_sandbox& s, std::string_view code);

// exchange_code_raw that must succeed (200).
token_grant exchange_code(std::uint16_t port, const admin_sandbox& s, std::string_view code);

// issue_code + exchange_code.
token_grant issue_tokens(const server_process& server, const admin_sandbox& s);

// POST /oauth/v1/token with grant_type=refresh_token, returned as is.
http_response refresh_raw(std::uint16_t port, std::string_view client_id,
                          std::string_view client_secret, std::string_view refresh_token);

// GET /oauth/v1/access-tokens/{token} and /oauth/v1/refresh-tokens/{token} (token url-encoded).
http_response get_access_token(std::uint16_t port, std::string_view token);
http_response get_refresh_token(std::uint16_t port, std::string_view token);

// Runs argv[0] (an absolute path) with its arguments, stdin /dev/null, and returns stdout and
// stderr interleaved; stores the exit status in *exit_code when non-null. Throws on spawn failure.
std::string run_program(const std::vector<std::string>& argv, int* exit_code);

// Runs `/usr/bin/sqlite3 -batch <db> <sql>` and returns its stdout with the trailing newline
// removed; throws if it exits non-zero.
std::string sqlite_query(const std::string& db_path, const std::string& sql);

// The whole file as bytes; "" if it does not exist.
std::string read_bytes(const std::string& path);

// Writes `content` to `path` (truncating). Throws on failure.
void write_text(const std::string& path, std::string_view content);

}  // namespace hsoauth::e2e
