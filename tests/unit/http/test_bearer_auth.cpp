// The API gateway's Bearer token (RFC 6750 §2.1): one token, or none.
#include <doctest/doctest.h>

#include "hsoauth/http/bearer_auth.hpp"

using hsoauth::http::bearer_token;

TEST_CASE("http: a Bearer value yields its one token, the scheme case-insensitive, spaces around dropped") {
    CHECK(bearer_token("Bearer CNb2-token") == "CNb2-token");
    CHECK(bearer_token("bearer CNb2-token") == "CNb2-token");
    CHECK(bearer_token("BEARER   CNb2-token  ") == "CNb2-token");
}

TEST_CASE("http: a Bearer value with no token, more than one, or another scheme yields none") {
    CHECK(bearer_token("").empty());
    CHECK(bearer_token("Bearer").empty());
    CHECK(bearer_token("Bearer    ").empty());
    CHECK(bearer_token("Basic Q05iMi10b2tlbg==").empty());
    CHECK(bearer_token("BearerCNb2-token").empty());
    CHECK(bearer_token("Bearer CNb2-token extra").empty());
    CHECK(bearer_token("Bearer CNb2-token,extra").empty());
    CHECK(bearer_token("Bearer CNb2,token").empty());
    CHECK(bearer_token("Bearer CNb2\ttoken").empty());
    CHECK(bearer_token("Bearer CNb2-token\t").empty());
    CHECK(bearer_token("Bearer ,").empty());
}
