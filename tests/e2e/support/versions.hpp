#pragma once

// Driving HubSpot's v3 and dated OAuth endpoints (POST /oauth/{version}/token, …/token/introspect,
// …/token/revoke) in the e2e tests. Every response is checked against that version's published
// document (check_published), reported at the caller's line.

#include <array>
#include <nlohmann/json.hpp>
#include <source_location>
#include <string>
#include <string_view>

#include "support/fixtures.hpp"

namespace hsoauth::e2e {

inline constexpr std::array<std::string_view, 3> dated_versions = {"v3", "2026-03", "2026-09"};
// Every wire version that issues and reads tokens, v1 first.
inline constexpr std::array<std::string_view, 4> all_versions = {"v1", "v3", "2026-03", "2026-09"};

// POST /oauth/<version>/<endpoint> ("token", "token/introspect" or "token/revoke") with a
// form-encoded body and `headers`.
http_response post_oauth(const server_process& server, std::string_view version,
                         std::string_view endpoint, const header_list& fields,
                         const header_list& headers = {},
                         std::source_location where = std::source_location::current());

// client_id and client_secret of `s`, as body fields.
header_list client_fields(const sandbox& s);
// "Basic " + base64("id:secret"), each side form-encoded first (RFC 6749 §2.3.1).
std::string basic_authorization(std::string_view client_id, std::string_view client_secret);

// The grants on `version` ("v1" included); each throws unless 200.
token_pair exchange_on(const server_process& server, std::string_view version, const sandbox& s,
                       std::string_view code,
                       std::source_location where = std::source_location::current());
token_pair refresh_on(const server_process& server, std::string_view version, const sandbox& s,
                      std::string_view refresh_token,
                      std::source_location where = std::source_location::current());

// POST …/token/introspect for `token` by `s`'s client; the 200 body (throws otherwise).
nlohmann::json introspect_on(const server_process& server, std::string_view version,
                             const sandbox& s, std::string_view token,
                             std::source_location where = std::source_location::current());
// Whether `token` is live as `version` reads it: v1's metadata endpoints (200) or introspection
// by `s`'s client ("active": true).
bool live_on(const server_process& server, std::string_view version, const sandbox& s,
             std::string_view token, bool is_refresh_token,
             std::source_location where = std::source_location::current());
// Revokes a refresh token on `version`: v1's DELETE (204), or …/token/revoke (200).
void revoke_on(const server_process& server, std::string_view version, const sandbox& s,
               std::string_view refresh_token,
               std::source_location where = std::source_location::current());

}  // namespace hsoauth::e2e
