// The one-pass reading of a v3 or dated form (http/wire/dated/dated_form.hpp): every field an
// endpoint reads lands in its own member, as given, and nothing else does.
#include <doctest/doctest.h>

#include "hsoauth/http/wire/dated/dated_form.hpp"

using namespace hsoauth::http;
using namespace hsoauth::http::wire::dated;

namespace {

form_fields decoded(std::string_view text) {
    auto form = decode_form(text);
    REQUIRE(form.ok());
    return std::move(*form);
}

}  // namespace

TEST_CASE("dated_form: each field an endpoint reads is found under its own name") {
    const auto form = decoded(
        "grant_type=authorization_code&code=c1&redirect_uri=https%3A%2F%2Fapp%2Fcb&code_verifier=v"
        "&refresh_token=r1&scope=crm.a+crm.b&client_id=id&client_secret=s&client_assertion=a.b.c"
        "&client_assertion_type=urn%3Ax&token=t1&access_token=at&token_type_hint=refresh_token");
    const dated_form f = read_dated_form(form);
    CHECK(f.grant_type == "authorization_code");
    CHECK(f.code == "c1");
    CHECK(f.redirect_uri == "https://app/cb");
    CHECK(f.code_verifier == "v");
    CHECK(f.refresh_token == "r1");
    CHECK(f.scope == "crm.a crm.b");
    CHECK(f.client_id == "id");
    CHECK(f.client_secret == "s");
    CHECK(f.client_assertion == "a.b.c");
    CHECK(f.client_assertion_type == "urn:x");
    CHECK(f.token == "t1");
    CHECK(f.access_token == "at");
    CHECK(f.token_type_hint == "refresh_token");
}

TEST_CASE("dated_form: an absent field is nullopt, an empty one is empty, other names are ignored") {
    // Names of the same lengths as known ones, and known names in another case, match nothing.
    const auto form = decoded("code_verifier=&Token=x&tokens=y&client_ix=z&grant_typo=w&extra=1");
    const dated_form f = read_dated_form(form);
    REQUIRE(f.code_verifier.has_value());
    CHECK(f.code_verifier->empty());
    CHECK_FALSE(f.token);
    CHECK_FALSE(f.client_id);
    CHECK_FALSE(f.grant_type);
    CHECK_FALSE(f.code);
    CHECK_FALSE(f.scope);
    CHECK_FALSE(f.client_assertion_type);
    CHECK_FALSE(read_dated_form(decoded("")).token_type_hint);
}
