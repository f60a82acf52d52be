#pragma once
// The credentials of a Bearer Authorization header (RFC 6750 §2.1): the admin key as the admin
// routes read it, and the token as the API gateway reads it from an API call.
#include <string>
#include <string_view>

namespace hsoauth::http {

// What follows the scheme of an "Authorization: Bearer ..." value, as it is: the scheme
// case-insensitive (RFC 9110 §11.1), "" when the value names another scheme. The admin key checks
// compare this whole against the key.
std::string_view bearer_credentials(std::string_view authorization);

// The token of an "Authorization: Bearer <token>" value: the scheme case-insensitive (RFC 9110
// §11.1), spaces around the token dropped. "" when the value names another scheme, carries no
// token, or carries more than one (a space, tab or comma inside).
std::string bearer_token(std::string_view authorization);

}  // namespace hsoauth::http
