// Token masking in the request log (http/request_log.hpp).
#include <doctest/doctest.h>

#include <string>

#include "hsoauth/http/request_log.hpp"

using namespace hsoauth;

TEST_CASE("http: masked_path hides the token after access-tokens and refresh-tokens") {
    CHECK(http::masked_path("/oauth/v1/access-tokens/CJSecretToken123") == "/oauth/v1/access-tokens/***");
    CHECK(http::masked_path("/oauth/v1/refresh-tokens/na1-aaaa-bbbb") == "/oauth/v1/refresh-tokens/***");
    CHECK(http::masked_path("/oauth/v1/refresh-tokens/na1-aaaa/extra") ==
          "/oauth/v1/refresh-tokens/***/extra");
}

TEST_CASE("http: masked_path leaves other paths unchanged") {
    CHECK(http::masked_path("/oauth/v1/token") == "/oauth/v1/token");
    CHECK(http::masked_path("/admin/v1/apps/12") == "/admin/v1/apps/12");
    CHECK(http::masked_path("/") == "/");
    CHECK(http::masked_path("") == "");
    CHECK(http::masked_path("/oauth/v1/access-tokens") == "/oauth/v1/access-tokens");
    CHECK(http::masked_path("/oauth/v1/access-tokensX/abc") == "/oauth/v1/access-tokensX/abc");
}

TEST_CASE("http: masked_path masks the token even behind an empty segment") {
    CHECK(http::masked_path("/oauth/v1/access-tokens//CJSecret") == "/oauth/v1/access-tokens//***");
    CHECK(http::masked_path("/oauth/v1/refresh-tokens///na1-x") == "/oauth/v1/refresh-tokens///***");
}

TEST_CASE("http: masked_path masks any segment longer than 24 characters") {
    const std::string short_segment(24, 'a');
    const std::string long_segment(25, 'a');
    CHECK(http::masked_path("/admin/v1/apps/" + short_segment) == "/admin/v1/apps/" + short_segment);
    CHECK(http::masked_path("/admin/v1/apps/" + long_segment) == "/admin/v1/apps/***");
    CHECK(http::masked_path("/" + long_segment + "/x") == "/***/x");
}

TEST_CASE("http: masked_path never prints control bytes and caps the length") {
    const std::string shown = http::masked_path(std::string("/a\x01\n\x7f" "b", 6));
    CHECK(shown == "/a???b");
    std::string long_path;
    for (int i = 0; i < 100; ++i) long_path += "/abc";
    const std::string capped = http::masked_path(long_path);
    CHECK(capped.size() < 220);
    CHECK(capped.rfind("/abc/abc", 0) == 0);
}
