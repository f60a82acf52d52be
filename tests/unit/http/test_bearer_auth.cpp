// Bearer credentials (RFC 6750 §2.1): the API gateway's one token (or none), the admin key as it is.
#include <doctest/doctest.h>

#include "hsoauth/http/bearer_auth.hpp"

using hsoauth::http::bearer_credentials;
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

TEST_CASE("http: an admin key is what follows the Bearer scheme, as it is") {
    CHECK(bearer_credentials("Bearer bench-admin-key-0123") == "bench-admin-key-0123");
    CHECK(bearer_credentials("bEaReR  key with spaces ") == " key with spaces ");
    CHECK(bearer_credentials("Basic a2V5").empty());
    CHECK(bearer_credentials("Bearer").empty());
    CHECK(bearer_credentials("").empty());
}
