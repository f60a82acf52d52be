#include "hsoauth/http/wire/dated/dated_form.hpp"

namespace hsoauth::http::wire::dated {
namespace {

// The member of `out` that keeps the field `name`, or nullptr for a field no endpoint reads.
// Names are told apart by length first, so that most fields cost one comparison.
std::optional<std::string_view>* slot_of(dated_form& out, std::string_view name) {
    const auto is = [name](std::string_view known) { return name == known; };
    switch (name.size()) {
        case 4: return is("code") ? &out.code : nullptr;
        case 5: return is("token") ? &out.token : is("scope") ? &out.scope : nullptr;
        case 9: return is("client_id") ? &out.client_id : nullptr;
        case 10: return is("grant_type") ? &out.grant_type : nullptr;
        case 12:
            return is("redirect_uri") ? &out.redirect_uri : is("access_token") ? &out.access_token : nullptr;
        case 13:
            return is("client_secret")   ? &out.client_secret
                   : is("refresh_token") ? &out.refresh_token
                   : is("code_verifier") ? &out.code_verifier
                                         : nullptr;
        case 15: return is("token_type_hint") ? &out.token_type_hint : nullptr;
        case 16: return is("client_assertion") ? &out.client_assertion : nullptr;
        case 21: return is("client_assertion_type") ? &out.client_assertion_type : nullptr;
        default: return nullptr;
    }
}

}  // namespace

dated_form read_dated_form(const form_fields& form) {
    dated_form out;
    for (const auto& [name, value] : form.all()) {
        if (auto* slot = slot_of(out, name)) *slot = value;
    }
    return out;
}

}  // namespace hsoauth::http::wire::dated
