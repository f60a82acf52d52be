#pragma once
// The fields the v3 and dated endpoints read from a form body (token, introspect, revoke), found
// in one pass over the decoded form instead of a lookup per field.
#include <optional>
#include <string_view>

#include "hsoauth/http/form.hpp"

namespace hsoauth::http::wire::dated {

// Each member is its field's value as given (empty when given empty), or nullopt when absent.
// The values view the form, which must outlive this. Fields of other names are ignored.
struct dated_form {
    std::optional<std::string_view> grant_type;
    std::optional<std::string_view> code;
    std::optional<std::string_view> redirect_uri;
    std::optional<std::string_view> code_verifier;
    std::optional<std::string_view> refresh_token;
    std::optional<std::string_view> scope;
    std::optional<std::string_view> client_id;
    std::optional<std::string_view> client_secret;
    std::optional<std::string_view> client_assertion;
    std::optional<std::string_view> client_assertion_type;
    std::optional<std::string_view> token;
    std::optional<std::string_view> access_token;
    std::optional<std::string_view> token_type_hint;
};

// The fields of `form` (decode_form has refused a name given twice, so each is found once).
dated_form read_dated_form(const form_fields& form);

}  // namespace hsoauth::http::wire::dated
