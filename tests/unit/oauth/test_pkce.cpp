// PKCE (RFC 7636): S256 only, checked at the code exchange.
#include <doctest/doctest.h>

#include "authority_fixture.hpp"
#include "hsoauth/crypto/random.hpp"

using namespace hsoauth;
using oauth::errc;
using namespace hsoauth::test;

namespace {

// RFC 7636 appendix B: the verifier is base64url of the 32 octets listed there.
const std::string rfc_verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
const std::string rfc_challenge = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

oauth::pkce_challenge rfc_pkce() {
    auto parsed = oauth::parse_pkce(rfc_challenge, "S256");
    REQUIRE_MESSAGE(parsed.ok(), test::why(parsed));
    REQUIRE(parsed->has_value());
    return **parsed;
}

}  // namespace

TEST_CASE("oauth: S256 of the RFC 7636 appendix B verifier is its challenge") {
    const unsigned char octets[] = {116, 24,  223, 180, 151, 153, 224, 37,  79, 250, 96,
                                    125, 216, 173, 187, 186, 22,  212, 37,  77, 105, 214,
                                    191, 240, 91,  88,  5,   88,  83,  132, 141, 121};
    CHECK(crypto::base64url(std::string(reinterpret_cast<const char*>(octets), sizeof octets)) == rfc_verifier);
    CHECK(crypto::base64url(crypto::sha256(rfc_verifier)) == rfc_challenge);
}

TEST_CASE("oauth: parse_pkce accepts S256 with a 43-character base64url challenge") {
    const auto parsed = oauth::parse_pkce(rfc_challenge, "S256");
    REQUIRE(parsed.ok());
    REQUIRE(parsed->has_value());
    CHECK(parsed.value()->challenge == rfc_challenge);
    CHECK(parsed.value()->method == "S256");
    const auto none = oauth::parse_pkce("", "");
    REQUIRE(none.ok());
    CHECK_FALSE(none->has_value());
}

TEST_CASE("oauth: parse_pkce refuses plain and other methods, naming the field") {
    for (const char* method : {"plain", "s256", "", "S512"}) {
        CAPTURE(method);
        const auto parsed = oauth::parse_pkce(rfc_challenge, method);
        REQUIRE_FALSE(parsed.ok());
        CHECK(parsed.err().code == errc::invalid_field);
        CHECK(parsed.err().field == "code_challenge_method");
    }
}

TEST_CASE("oauth: parse_pkce refuses a malformed challenge or a method without a challenge") {
    const std::string bad[] = {rfc_challenge.substr(1), rfc_challenge + "A", rfc_challenge.substr(0, 42) + "=",
                               rfc_challenge.substr(0, 42) + "+", rfc_challenge.substr(0, 42) + "/", rfc_verifier + "x"};
    for (const auto& challenge : bad) {
        CAPTURE(challenge);
        const auto parsed = oauth::parse_pkce(challenge, "S256");
        REQUIRE_FALSE(parsed.ok());
        CHECK(parsed.err().code == errc::invalid_field);
        CHECK(parsed.err().field == "code_challenge");
    }
    const auto orphan = oauth::parse_pkce("", "S256");
    REQUIRE_FALSE(orphan.ok());
    CHECK(orphan.err().code == errc::invalid_field);
}

TEST_CASE_FIXTURE(authority_fixture, "oauth: a PKCE code exchanges with the right verifier") {
    const auto code = demo_code(rfc_pkce());
    const auto tokens = exchange_demo(code, rfc_verifier);
    REQUIRE_MESSAGE(tokens.ok(), test::why(tokens));
    CHECK(introspect_access(tokens->access_token).ok());
}

TEST_CASE_FIXTURE(authority_fixture, "oauth: a PKCE code refuses a missing or wrong verifier without being used up") {
    const auto code = demo_code(rfc_pkce());
    CHECK(error_of(exchange_demo(code)) == errc::code_verifier_mismatch);
    CHECK(error_of(exchange_demo(code, std::string(""))) == errc::code_verifier_mismatch);
    CHECK(error_of(exchange_demo(code, rfc_verifier.substr(0, 42) + "h")) == errc::code_verifier_mismatch);
    CHECK(error_of(exchange_demo(code, rfc_challenge)) == errc::code_verifier_mismatch);
    CHECK(error_of(exchange_demo(code, rfc_verifier.substr(0, 42))) == errc::code_verifier_mismatch);  // too short
    CHECK(exchange_demo(code, rfc_verifier).ok());
}

TEST_CASE_FIXTURE(authority_fixture, "oauth: a verifier sent for a code without a challenge is code_verifier_mismatch") {
    const auto code = demo_code();
    CHECK(error_of(exchange_demo(code, rfc_verifier)) == errc::code_verifier_mismatch);
    CHECK(exchange_demo(code).ok());
}
