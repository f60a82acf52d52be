// HTTP Basic client credentials (RFC 6749 §2.3.1): base64 of form-encoded "id:secret".
#include <doctest/doctest.h>

#include "hsoauth/http/basic_auth.hpp"

using namespace hsoauth;

namespace {

std::optional<http::basic_credentials> read(std::string_view header) {
    auto parsed = http::parse_basic_authorization(header);
    REQUIRE(parsed.ok());
    return *parsed;
}

bool refused(std::string_view header) {
    const auto parsed = http::parse_basic_authorization(header);
    return !parsed.ok() && parsed.err().code == oauth::errc::malformed_request &&
           parsed.err().field == "Authorization";
}

}  // namespace

TEST_CASE("http: Basic credentials are decoded, each side form-decoded") {
    const auto plain = read("Basic ZGVtby1jbGllbnQ6czNjcmV0");  // demo-client:s3cret
    REQUIRE(plain.has_value());
    CHECK(plain->client_id == "demo-client");
    CHECK(plain->client_secret == "s3cret");
    // "a%3Ab:c+d%25" → id "a:b", secret "c d%"
    const auto encoded = read("basic   YSUzQWI6YytkJTI1  ");
    REQUIRE(encoded.has_value());
    CHECK(encoded->client_id == "a:b");
    CHECK(encoded->client_secret == "c d%");
    CHECK(read("Basic aWQ6")->client_secret.empty());  // "id:"
}

TEST_CASE("http: no Basic header is not an error; a broken one is") {
    CHECK_FALSE(read("").has_value());
    CHECK_FALSE(read("Bearer abc").has_value());
    CHECK(refused("Basic "));
    CHECK(refused("Basic !!!!"));
    CHECK(refused("Basic ZGVtbw=="));      // "demo": no colon
    CHECK(refused("Basic OnNlY3JldA=="));  // ":secret": empty id
    CHECK(refused("Basic ZGVtbzpz="));     // bad padding
    CHECK(refused("Basic YSUyOmI="));      // "a%2:b": bad percent-encoding
    CHECK(refused("Basic YQBiOmM="));      // NUL in the id
    CHECK(read("Basic aWQ6cw==")->client_secret == "s");  // "id:s"
    CHECK(refused("Basic aWQ6cx=="));      // bits left after the last byte
    CHECK(refused("Basic aWQ6-w=="));      // a base64url digit, not base64's
    CHECK(refused("Basic aW=6cw=="));      // '=' before the end
    CHECK(refused("Basic ===="));
}
