#pragma once
// What issued secrets look like on the wire. Each carries 256 or more bits from OpenSSL's CSPRNG.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace hsoauth::oauth {

// "C" followed by base64url of 36 bytes, like HubSpot's access tokens: the token's row id
// (8 bytes, big-endian) and 28 random bytes (224 bits). The id only says where to look; the
// token is accepted only when its digest matches the row's.
std::string new_access_token(std::int64_t access_id);
// The row id an access token carries, or nullopt when `token` does not have the shape above
// (tokens issued before migration 0003 carry none and are found by digest).
std::optional<std::int64_t> access_token_id(std::string_view token);
// "<hublet>-" followed by 32 random bytes in hex groups, like HubSpot's "na1-…" refresh tokens.
std::string new_refresh_token(std::string_view hublet);
// Same shape as a refresh token: authorization codes also start with the hublet.
std::string new_authorization_code(std::string_view hublet);
// A generated client secret: 32 random bytes as UUID-like hex groups.
std::string new_client_secret();

}  // namespace hsoauth::oauth
