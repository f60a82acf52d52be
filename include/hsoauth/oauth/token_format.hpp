#pragma once
// What issued secrets look like on the wire. Each carries 256 bits from OpenSSL's CSPRNG; tokens
// also carry their row id, which only says where to look: a token is accepted only when its digest
// matches the row's.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "hsoauth/crypto/random.hpp"
#include "hsoauth/util/short_text.hpp"

namespace hsoauth::oauth {

// Every maker below draws its random bytes from `random` (OpenSSL's CSPRNG unless a
// deterministic run injects a seeded source).

// An access token as this server issues it: 55 characters, kept in place (no allocation).
using access_token_text = short_text<55>;

// "C" followed by base64url of 40 bytes, like HubSpot's access tokens: the token's row id
// (8 bytes, big-endian) and 32 random bytes.
access_token_text new_access_token(std::int64_t access_id,
                                   crypto::random_source& random = crypto::system_random());
// The row id an access token carries, or nullopt when `token` has no id in that place. Accepts
// the shape above and the 36-byte one issued between migrations 0003 and 0004 (28 random bytes).
// Tokens issued before migration 0003 (36 random bytes) read as an id that names no row of theirs:
// migration 0005 retired them.
std::optional<std::int64_t> access_token_id(std::string_view token);

// "<hublet>-" followed by 32 random bytes in hex groups (8-4-4-4-12-32), like HubSpot's "na1-…"
// refresh tokens, then "-" and the token's row id as 16 hex digits.
std::string new_refresh_token(std::string_view hublet, std::int64_t refresh_id,
                              crypto::random_source& random = crypto::system_random());
// The row id a refresh token carries: its last group, when that is 16 hex digits. Tokens issued
// before migration 0004 end in 32 and carry none; migration 0005 retired them.
std::optional<std::int64_t> refresh_token_id(std::string_view token);

// "<hublet>-" followed by 32 random bytes in hex groups, as refresh tokens but with no id.
std::string new_authorization_code(std::string_view hublet,
                                   crypto::random_source& random = crypto::system_random());
// A generated client secret: 32 random bytes as UUID-like hex groups.
std::string new_client_secret(crypto::random_source& random = crypto::system_random());

}  // namespace hsoauth::oauth
