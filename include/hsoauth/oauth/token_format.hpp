#pragma once
// What issued secrets look like on the wire. Each carries 256 or more bits from OpenSSL's CSPRNG.
#include <string>
#include <string_view>

namespace hsoauth::oauth {

// "C" followed by base64url of 36 random bytes (288 bits), like HubSpot's access tokens.
std::string new_access_token();
// "<hublet>-" followed by 32 random bytes in hex groups, like HubSpot's "na1-…" refresh tokens.
std::string new_refresh_token(std::string_view hublet);
// Same shape as a refresh token: authorization codes also start with the hublet.
std::string new_authorization_code(std::string_view hublet);
// A generated client secret: 32 random bytes as UUID-like hex groups.
std::string new_client_secret();

}  // namespace hsoauth::oauth
