// Client assertions (oauth/client_assertion.hpp): RFC 7523 §3 on top of the JWS signature, each
// claim rule at its boundaries. Assertions are signed by the openssl command.
#include <doctest/doctest.h>

#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include "../crypto/openssl_cli.hpp"
#include "../crypto/rfc7515_examples.hpp"
#include "hsoauth/crypto/random.hpp"
#include "hsoauth/oauth/client_assertion.hpp"

using namespace hsoauth;
using oauth::assertion_problem;
using test::cli_signature;
using test::jwks_of;
using test::with;

namespace {

constexpr std::int64_t now = 1'750'000'000;
const std::string client_id = "my-client";
const std::string token_url = "http://127.0.0.1:8080/oauth/v3/token";
const std::string issuer_url = "http://127.0.0.1:8080";
const std::vector<std::string> audiences = {token_url, issuer_url};

const char* const es256_header = R"({"alg":"ES256","kid":"ec"})";

// Claims that pass every rule; each test changes one.
nlohmann::json good_claims() {
    return {{"iss", client_id}, {"sub", client_id}, {"aud", token_url},
            {"exp", now + 60},  {"iat", now},       {"jti", "a1b2"}};
}

nlohmann::json with_claim(const std::string& name, nlohmann::json value) {
    return with(good_claims(), name, std::move(value));
}

nlohmann::json without_claim(const std::string& name) {
    auto claims = good_claims();
    claims.erase(name);
    return claims;
}

// The app's keys: the openssl RSA key (kid "rsa", index 0) and EC key (kid "ec", index 1).
const crypto::key_set& app_keys() {
    static const crypto::key_set keys = [] {
        auto parsed =
            crypto::parse_jwks_value(jwks_of({with(test::cli_keys().rsa_jwk(), "kid", "rsa"),
                                              with(test::cli_keys().ec_jwk(), "kid", "ec")}));
        if (!parsed) throw std::runtime_error(parsed.error.message);
        return *parsed.keys;
    }();
    return keys;
}

std::string signed_assertion(const nlohmann::json& claims, const char* header = es256_header,
                             cli_signature how = cli_signature::es256) {
    return test::cli_keys().compact(header, claims.dump(), how);
}

oauth::assertion_result verify(const std::string& assertion, std::string_view client = client_id,
                               const std::vector<std::string>& accepted = audiences) {
    return oauth::verify_client_assertion(assertion, app_keys(), client, accepted, now);
}

oauth::verified_assertion accepted(const nlohmann::json& claims) {
    const auto result = verify(signed_assertion(claims));
    REQUIRE_MESSAGE(result, result.failure.detail);
    return *result.verified;
}

void check_refused(const nlohmann::json& claims, assertion_problem problem,
                   const std::string& detail) {
    CAPTURE(claims.dump());
    const auto result = verify(signed_assertion(claims));
    REQUIRE_FALSE(result);
    CHECK(result.failure.problem == problem);
    CHECK(result.failure.detail == detail);
}

}  // namespace

TEST_CASE("client_assertion: a good assertion returns its jti and expiry, for each algorithm") {
    SKIP_WITHOUT_OPENSSL_CLI();
    const auto es256 = accepted(good_claims());
    CHECK(es256.jti == "a1b2");
    CHECK(es256.exp == now + 60);
    CHECK(es256.remember_until == now + 90);
    CHECK(es256.alg == crypto::jws_algorithm::es256);
    CHECK(es256.key_index == 1);

    const auto rs256 = verify(
        signed_assertion(good_claims(), R"({"alg":"RS256","kid":"rsa"})", cli_signature::rs256));
    REQUIRE_MESSAGE(rs256, rs256.failure.detail);
    CHECK(rs256.verified->alg == crypto::jws_algorithm::rs256);
    CHECK(rs256.verified->key_index == 0);
    const auto ps256 =
        verify(signed_assertion(good_claims(), R"({"alg":"PS256"})", cli_signature::ps256));
    REQUIRE_MESSAGE(ps256, ps256.failure.detail);
    CHECK(ps256.verified->alg == crypto::jws_algorithm::ps256);
    CHECK(ps256.verified->jti == "a1b2");
}

TEST_CASE("client_assertion: iss and sub must both be the client_id, exactly") {
    SKIP_WITHOUT_OPENSSL_CLI();
    const std::string iss = "iss is not the client_id";
    const std::string sub = "sub is not the client_id";
    check_refused(with_claim("iss", "other-client"), assertion_problem::wrong_issuer, iss);
    check_refused(with_claim("iss", "My-Client"), assertion_problem::wrong_issuer, iss);
    check_refused(with_claim("iss", "my-client "), assertion_problem::wrong_issuer, iss);
    check_refused(with_claim("iss", 1), assertion_problem::wrong_issuer, iss);
    check_refused(with_claim("iss", nlohmann::json::array({client_id})),
                  assertion_problem::wrong_issuer, iss);
    check_refused(without_claim("iss"), assertion_problem::wrong_issuer, iss);
    check_refused(with_claim("sub", "other-client"), assertion_problem::wrong_issuer, sub);
    check_refused(with_claim("sub", "user@example.com"), assertion_problem::wrong_issuer, sub);
    check_refused(without_claim("sub"), assertion_problem::wrong_issuer, sub);
    check_refused(with(with_claim("iss", "other-client"), "sub", "other-client"),
                  assertion_problem::wrong_issuer, iss);

    // Another app's assertion, presented with its own client_id, passes: the keys decide.
    auto other = with(with_claim("iss", "other-client"), "sub", "other-client");
    CHECK(verify(signed_assertion(other), "other-client"));
    // An empty client_id matches nothing, not even empty claims.
    const auto empty = verify(signed_assertion(with(with_claim("iss", ""), "sub", "")), "");
    REQUIRE_FALSE(empty);
    CHECK(empty.failure.problem == assertion_problem::wrong_issuer);
}

TEST_CASE("client_assertion: aud, a string or an array, must name an accepted audience exactly") {
    SKIP_WITHOUT_OPENSSL_CLI();
    CHECK(accepted(with_claim("aud", token_url)).jti == "a1b2");
    CHECK(accepted(with_claim("aud", issuer_url)).jti == "a1b2");
    CHECK(accepted(with_claim("aud", nlohmann::json::array({token_url}))).jti == "a1b2");
    CHECK(accepted(with_claim("aud", nlohmann::json::array({"https://api.hubapi.com", issuer_url})))
              .jti == "a1b2");

    const std::string detail = "aud names neither this token endpoint nor this server's issuer";
    for (const auto& aud :
         {nlohmann::json(token_url + "/"), nlohmann::json("HTTP://127.0.0.1:8080"),
          nlohmann::json("https://api.hubapi.com/oauth/v3/token"), nlohmann::json(""),
          nlohmann::json::array(), nlohmann::json::array({"https://api.hubapi.com"}),
          nlohmann::json::array({token_url, 7}),
          nlohmann::json::array({nlohmann::json::array({token_url})}), nlohmann::json(7),
          nlohmann::json{{"aud", token_url}}, nlohmann::json()}) {
        check_refused(with_claim("aud", aud), assertion_problem::wrong_audience, detail);
    }
    check_refused(without_claim("aud"), assertion_problem::wrong_audience, detail);

    // No accepted audience, or only an empty one, accepts nothing.
    const std::string assertion = signed_assertion(with_claim("aud", ""));
    const auto none = verify(assertion, client_id, {});
    REQUIRE_FALSE(none);
    CHECK(none.failure.problem == assertion_problem::wrong_audience);
    const auto empty = verify(assertion, client_id, {"", token_url});
    REQUIRE_FALSE(empty);
    CHECK(empty.failure.problem == assertion_problem::wrong_audience);
}

TEST_CASE("client_assertion: exp is required, at most 30 s past and at most 330 s ahead") {
    SKIP_WITHOUT_OPENSSL_CLI();
    const auto oldest = accepted(with_claim("exp", now - 30));
    CHECK(oldest.exp == now - 30);
    CHECK(oldest.remember_until == now);
    check_refused(with_claim("exp", now - 31), assertion_problem::expired, "exp has passed");
    check_refused(with_claim("exp", now - 30.5), assertion_problem::expired, "exp has passed");
    check_refused(with_claim("exp", -1), assertion_problem::expired, "exp has passed");
    check_refused(with_claim("exp", 0), assertion_problem::expired, "exp has passed");

    const auto furthest = accepted(with_claim("exp", now + 330));
    CHECK(furthest.exp == now + 330);
    CHECK(furthest.remember_until == now + 360);
    const std::string too_far = "exp is more than 300 s ahead";
    check_refused(with_claim("exp", now + 331), assertion_problem::too_long_lived, too_far);
    check_refused(with_claim("exp", now + 330.5), assertion_problem::too_long_lived, too_far);
    check_refused(with_claim("exp", 1e300), assertion_problem::too_long_lived, too_far);
    check_refused(with_claim("exp", std::numeric_limits<std::uint64_t>::max()),
                  assertion_problem::too_long_lived, too_far);

    // A fractional exp is kept until the second after it.
    CHECK(accepted(with_claim("exp", now + 10.25)).exp == now + 11);

    const std::string missing = "exp is missing or not a number";
    check_refused(without_claim("exp"), assertion_problem::missing_expiry, missing);
    check_refused(with_claim("exp", std::to_string(now + 60)), assertion_problem::missing_expiry,
                  missing);
    check_refused(with_claim("exp", nullptr), assertion_problem::missing_expiry, missing);
    check_refused(with_claim("exp", true), assertion_problem::missing_expiry, missing);
}

TEST_CASE("client_assertion: nbf and iat, when present, are at most 30 s ahead") {
    SKIP_WITHOUT_OPENSSL_CLI();
    for (const char* name : {"nbf", "iat"}) {
        CAPTURE(name);
        CHECK(accepted(with_claim(name, now + 30)).jti == "a1b2");
        CHECK(accepted(with_claim(name, now - 3600)).jti == "a1b2");
        check_refused(with_claim(name, now + 31), assertion_problem::not_yet_valid,
                      std::string(name) + " is in the future");
        check_refused(with_claim(name, now + 30.5), assertion_problem::not_yet_valid,
                      std::string(name) + " is in the future");
        check_refused(with_claim(name, "soon"), assertion_problem::malformed,
                      std::string(name) + " is not a number");
        check_refused(with_claim(name, nullptr), assertion_problem::malformed,
                      std::string(name) + " is not a number");
    }
    CHECK(accepted(without_claim("iat")).jti == "a1b2");
}

TEST_CASE("client_assertion: jti is a non-empty string of at most 256 characters") {
    SKIP_WITHOUT_OPENSSL_CLI();
    CHECK(accepted(with_claim("jti", std::string(256, 'j'))).jti == std::string(256, 'j'));
    CHECK(accepted(with_claim("jti", "x")).jti == "x");
    const std::string detail = "jti must be a non-empty string of at most 256 characters";
    check_refused(with_claim("jti", std::string(257, 'j')), assertion_problem::missing_jti, detail);
    check_refused(with_claim("jti", ""), assertion_problem::missing_jti, detail);
    check_refused(with_claim("jti", 42), assertion_problem::missing_jti, detail);
    check_refused(with_claim("jti", nlohmann::json::array({"a"})), assertion_problem::missing_jti,
                  detail);
    check_refused(without_claim("jti"), assertion_problem::missing_jti, detail);
}

TEST_CASE(
    "client_assertion: the claim rules run in order: issuer, audience, expiry, nbf/iat, jti") {
    SKIP_WITHOUT_OPENSSL_CLI();
    auto all_wrong =
        with(with(with(with_claim("iss", "x"), "aud", "x"), "exp", now - 100), "jti", "");
    check_refused(all_wrong, assertion_problem::wrong_issuer, "iss is not the client_id");
    all_wrong["iss"] = client_id;
    check_refused(all_wrong, assertion_problem::wrong_audience,
                  "aud names neither this token endpoint nor this server's issuer");
    all_wrong["aud"] = token_url;
    check_refused(all_wrong, assertion_problem::expired, "exp has passed");
    all_wrong["exp"] = now;
    all_wrong["nbf"] = now + 100;
    check_refused(all_wrong, assertion_problem::not_yet_valid, "nbf is in the future");
    all_wrong.erase("nbf");
    check_refused(all_wrong, assertion_problem::missing_jti,
                  "jti must be a non-empty string of at most 256 characters");
}

TEST_CASE("client_assertion: a JWS that does not verify is refused before any claim is read") {
    // The RFC 7515 examples: their claims would fail too (iss "joe", exp in 2011), but the
    // signature problem is the one reported.
    const auto rsa_keys = crypto::parse_jwks_value(jwks_of({test::rfc7515_a2_jwk()}));
    REQUIRE(rsa_keys);
    const auto ec_keys = crypto::parse_jwks_value(jwks_of({test::rfc7515_a3_jwk()}));
    REQUIRE(ec_keys);
    const auto check = [&](const std::string& assertion, const crypto::key_set& keys,
                           assertion_problem problem, const std::string& detail) {
        CAPTURE(assertion);
        const auto result =
            oauth::verify_client_assertion(assertion, keys, client_id, audiences, now);
        REQUIRE_FALSE(result);
        CHECK(result.failure.problem == problem);
        CHECK(result.failure.detail == detail);
    };
    check("not-a-jws", *rsa_keys.keys, assertion_problem::malformed,
          "a compact JWS has exactly three parts separated by '.'");
    check(crypto::base64url(R"({"alg":"none"})") + "." + test::rfc7515_payload + ".",
          *rsa_keys.keys, assertion_problem::unsupported_algorithm,
          "alg \"none\" is not accepted; use RS256, PS256 or ES256");
    check(crypto::base64url(R"({"alg":"ES256","jku":"https://attacker.example/jwks"})") + "." +
              test::rfc7515_payload + "." + test::rfc7515_a3_signature,
          *ec_keys.keys, assertion_problem::forbidden_header,
          "the header carries \"jku\"; keys come only from the registered key set");
    check(test::rfc7515_a3, *rsa_keys.keys, assertion_problem::key_not_found,
          "no registered key can verify ES256");
    check(test::rfc7515_a3.substr(0, test::rfc7515_a3.size() - 2) + "AA", *ec_keys.keys,
          assertion_problem::bad_signature, "the signature does not verify with key 0");
    // Verified, the A.3 example is an assertion by "joe" for nobody.
    check(test::rfc7515_a3, *ec_keys.keys, assertion_problem::wrong_issuer,
          "iss is not the client_id");
}
