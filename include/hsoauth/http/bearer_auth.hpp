#pragma once
// The token of an OAuth 2.0 Bearer Authorization header (RFC 6750 §2.1), as the API gateway reads
// it from an API call.
#include <string>
#include <string_view>

namespace hsoauth::http {

// The token of an "Authorization: Bearer <token>" value: the scheme case-insensitive (RFC 9110
// §11.1), spaces around the token dropped. "" when the value names another scheme, carries no
// token, or carries more than one (a space, tab or comma inside).
std::string bearer_token(std::string_view authorization);

}  // namespace hsoauth::http
