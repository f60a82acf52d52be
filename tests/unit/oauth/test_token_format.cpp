// Shapes of issued secrets (oauth/token_format.hpp), and the row id an access token carries.
#include <doctest/doctest.h>

#include <set>
#include <string>

#include "hsoauth/oauth/token_format.hpp"

using namespace hsoauth::oauth;

TEST_CASE("token_format: an access token is C + 48 base64url characters and carries its row id") {
    for (const std::int64_t id : {std::int64_t{1}, std::int64_t{2}, std::int64_t{4096}, std::int64_t{1} << 40,
                                  std::int64_t{9'007'199'254'740'993}}) {
        const std::string token = new_access_token(id);
        CHECK(token.size() == 49);
        CHECK(token.front() == 'C');
        CHECK(token.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_", 1) ==
              std::string::npos);
        CHECK(access_token_id(token) == id);
    }
}

TEST_CASE("token_format: tokens with the same id differ (224 random bits each)") {
    std::set<std::string> seen;
    for (int i = 0; i < 1000; ++i) seen.insert(new_access_token(7));
    CHECK(seen.size() == 1000);
}

TEST_CASE("token_format: anything but an access token's shape carries no id") {
    const std::string token = new_access_token(42);
    CHECK_FALSE(access_token_id("").has_value());
    CHECK_FALSE(access_token_id(token.substr(1)).has_value());                 // no C
    CHECK_FALSE(access_token_id(token + "A").has_value());                     // too long
    CHECK_FALSE(access_token_id(token.substr(0, 48)).has_value());             // too short
    std::string other_prefix = token;
    other_prefix[0] = 'D';
    CHECK_FALSE(access_token_id(other_prefix).has_value());
    std::string not_base64url = token;
    not_base64url[5] = '%';
    CHECK_FALSE(access_token_id(not_base64url).has_value());
    CHECK_FALSE(access_token_id(new_refresh_token("na1")).has_value());
}

TEST_CASE("token_format: refresh tokens and codes start with the hublet") {
    CHECK(new_refresh_token("eu1").rfind("eu1-", 0) == 0);
    CHECK(new_authorization_code("na1").rfind("na1-", 0) == 0);
    CHECK(new_refresh_token("na1") != new_refresh_token("na1"));
}
