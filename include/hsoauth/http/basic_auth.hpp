#pragma once
// Client credentials in an HTTP Basic Authorization header (RFC 6749 §2.3.1 over RFC 7617), as
// generic OAuth libraries send them: base64 of "client_id:client_secret", each side
// form-encoded first.
#include <optional>
#include <string>
#include <string_view>

#include "hsoauth/oauth/result.hpp"

namespace hsoauth::http {

struct basic_credentials {
    std::string client_id;
    std::string client_secret;
};

// The credentials of an Authorization header value. nullopt when `header` is empty or names
// another scheme; malformed_request (field "Authorization") when it is Basic but not padded
// base64 of "id:secret" with a non-empty id and both sides validly form-encoded UTF-8.
oauth::result<std::optional<basic_credentials>> parse_basic_authorization(std::string_view header);

}  // namespace hsoauth::http
