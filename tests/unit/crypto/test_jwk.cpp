// JWKS parsing (crypto/jwk.hpp): the keys an app registers, and every key that is refused.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "hsoauth/crypto/jwk.hpp"
#include "hsoauth/crypto/random.hpp"
#include "rfc7515_examples.hpp"

using namespace hsoauth;
using crypto::jwks_problem;
using test::jwks_of;
using test::with;

namespace {

// The error that refuses `document`; fails the test when it is accepted.
crypto::jwks_error refusal(const nlohmann::json& document) {
    const auto parsed = crypto::parse_jwks_value(document);
    REQUIRE_FALSE(parsed);
    // The text form of the document is refused the same way.
    const auto from_text = crypto::parse_jwks(document.dump());
    REQUIRE_FALSE(from_text);
    CHECK(from_text.error.problem == parsed.error.problem);
    CHECK(from_text.error.key_index == parsed.error.key_index);
    CHECK(from_text.error.message == parsed.error.message);
    return parsed.error;
}

// `jwk` with its base64url member `name` replaced by `change` applied to its bytes.
nlohmann::json with_bytes(const nlohmann::json& jwk, const std::string& name, auto change) {
    auto bytes = crypto::base64url_decode(jwk.at(name).get<std::string>());
    REQUIRE(bytes.has_value());
    change(*bytes);
    return with(jwk, name, crypto::base64url(*bytes));
}

}  // namespace

TEST_CASE("jwk: the RFC 7515 A.2 RSA key and A.3 EC key parse, with kid, alg and use") {
    const auto parsed = crypto::parse_jwks_value(jwks_of({
        with(with(test::rfc7515_a2_jwk(), "kid", "rsa-1"), "use", "sig"),
        with(with(test::rfc7515_a3_jwk(), "kid", "ec-1"), "alg", "ES256"),
        test::rfc7515_a2_jwk(),
    }));
    REQUIRE_MESSAGE(parsed, parsed.error.message);
    const crypto::key_set& keys = *parsed.keys;
    REQUIRE(keys.size() == 3);
    CHECK(keys.keys()[0].type() == crypto::key_type::rsa);
    CHECK(keys.keys()[0].bits() == 2048);
    CHECK(keys.keys()[0].kid() == "rsa-1");
    CHECK_FALSE(keys.keys()[0].alg().has_value());
    CHECK(keys.keys()[1].type() == crypto::key_type::ec_p256);
    CHECK(keys.keys()[1].bits() == 256);
    CHECK(keys.keys()[1].alg() == crypto::jws_algorithm::es256);
    CHECK(keys.keys()[2].kid().empty());

    CHECK(keys.find("rsa-1") == &keys.keys()[0]);
    CHECK(keys.find("ec-1") == &keys.keys()[1]);
    CHECK(keys.find("EC-1") == nullptr);
    CHECK(keys.find("") == nullptr);

    CHECK(keys.keys()[0].allows(crypto::jws_algorithm::rs256));
    CHECK(keys.keys()[0].allows(crypto::jws_algorithm::ps256));
    CHECK_FALSE(keys.keys()[0].allows(crypto::jws_algorithm::es256));
    CHECK(keys.keys()[1].allows(crypto::jws_algorithm::es256));
    CHECK_FALSE(keys.keys()[1].allows(crypto::jws_algorithm::rs256));
}

TEST_CASE("jwk: a JWKS given as text parses like its JSON value; a key's alg restricts it") {
    const std::string text = R"({"keys":[{"kty":"RSA","alg":"PS256","kid":"k","n":")" +
                             test::rfc7515_a2_n + R"(","e":"AQAB","x5t":"ignored"}]})";
    const auto parsed = crypto::parse_jwks(text);
    REQUIRE_MESSAGE(parsed, parsed.error.message);
    const auto& key = parsed.keys->keys().at(0);
    CHECK(key.alg() == crypto::jws_algorithm::ps256);
    CHECK(key.allows(crypto::jws_algorithm::ps256));
    CHECK_FALSE(key.allows(crypto::jws_algorithm::rs256));
}

TEST_CASE("jwk: key_ops with verify, and a modulus with a leading zero byte, are accepted") {
    const auto padded_n =
        with_bytes(test::rfc7515_a2_jwk(), "n", [](std::string& n) { n.insert(0, 1, '\0'); });
    const auto parsed = crypto::parse_jwks_value(
        jwks_of({with(padded_n, "key_ops", nlohmann::json::array({"verify"}))}));
    REQUIRE_MESSAGE(parsed, parsed.error.message);
    CHECK(parsed.keys->keys()[0].bits() == 2048);
}

TEST_CASE("jwk: copies of a key set share keys that outlive the original") {
    std::optional<crypto::key_set> copy;
    {
        const auto parsed = crypto::parse_jwks_value(jwks_of({test::rfc7515_a3_jwk()}));
        REQUIRE(parsed);
        copy = *parsed.keys;
    }
    const std::string input = test::rfc7515_a3_header + "." + test::rfc7515_payload;
    const auto signature = crypto::base64url_decode(test::rfc7515_a3_signature);
    REQUIRE(signature.has_value());
    CHECK(copy->keys()[0].verify(crypto::jws_algorithm::es256, input, *signature));
    CHECK_FALSE(copy->keys()[0].verify(crypto::jws_algorithm::es256, input + "x", *signature));
    CHECK_FALSE(copy->keys()[0].verify(crypto::jws_algorithm::rs256, input, *signature));
}

TEST_CASE("jwk: documents that are not a key set are refused") {
    CHECK(crypto::parse_jwks("{\"keys\":[").error.problem == jwks_problem::not_json);
    CHECK(crypto::parse_jwks("").error.problem == jwks_problem::not_json);
    CHECK(crypto::parse_jwks("{\"keys\":[],\"x\":\"\xff\"}").error.problem ==
          jwks_problem::not_json);
    CHECK(refusal(nlohmann::json::array()).problem == jwks_problem::not_a_key_set);
    CHECK(refusal({{"key", nlohmann::json::array()}}).problem == jwks_problem::not_a_key_set);
    CHECK(refusal({{"keys", test::rfc7515_a2_jwk()}}).problem == jwks_problem::not_a_key_set);
    const auto empty = refusal({{"keys", nlohmann::json::array()}});
    CHECK(empty.problem == jwks_problem::no_keys);
    CHECK_FALSE(empty.key_index.has_value());

    std::string huge = jwks_of({test::rfc7515_a2_jwk()}).dump();
    huge.insert(1, crypto::jwks_max_text_bytes, ' ');
    const auto too_large = crypto::parse_jwks(huge);
    REQUIRE_FALSE(too_large);
    CHECK(too_large.error.problem == jwks_problem::too_large);
}

TEST_CASE("jwk: at most 20 keys") {
    nlohmann::json keys = nlohmann::json::array();
    for (int i = 0; i < 20; ++i) {
        keys.push_back(
            with(test::rfc7515_a3_jwk(), "kid", std::string("k").append(std::to_string(i))));
    }
    const auto twenty = crypto::parse_jwks_value(nlohmann::json{{"keys", keys}});
    REQUIRE_MESSAGE(twenty, twenty.error.message);
    CHECK(twenty.keys->size() == 20);
    keys.push_back(with(test::rfc7515_a3_jwk(), "kid", "k20"));
    const auto error = refusal({{"keys", keys}});
    CHECK(error.problem == jwks_problem::too_many_keys);
    CHECK(error.message == "the JWKS document has 21 keys; at most 20 are accepted");
}

TEST_CASE("jwk: each refused key is named by its index and its problem") {
    const auto rsa = test::rfc7515_a2_jwk();
    const auto ec = test::rfc7515_a3_jwk();
    struct refused_key {
        const char* what;
        nlohmann::json jwk;
        jwks_problem problem;
        const char* message;  // after "key 1 "
    };
    const std::vector<refused_key> cases = {
        {"not an object", "RSA", jwks_problem::key_not_an_object, "is not a JSON object"},
        {"RSA private key", with(rsa, "d", "AQAB"), jwks_problem::private_key,
         "has the private member \"d\"; register the public key only"},
        {"RSA prime", with(rsa, "p", "AQAB"), jwks_problem::private_key,
         "has the private member \"p\"; register the public key only"},
        {"RSA CRT member", with(rsa, "qi", "AQAB"), jwks_problem::private_key,
         "has the private member \"qi\"; register the public key only"},
        {"EC private key", with(ec, "d", "jpsQnnGQmL-YBIffH1136cspYG6-0iY7X1fCE9-E9LI"),
         jwks_problem::private_key, "has the private member \"d\"; register the public key only"},
        {"symmetric key",
         {{"kty", "oct"}, {"k", "AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T"}},
         jwks_problem::symmetric_key,
         "is a symmetric (kty \"oct\") key"},
        {"no kty", nlohmann::json{{"n", test::rfc7515_a2_n}, {"e", "AQAB"}},
         jwks_problem::missing_member, "has no \"kty\""},
        {"kty not a string", with(rsa, "kty", 1), jwks_problem::bad_member_type,
         "\"kty\" is not a string"},
        {"OKP key",
         {{"kty", "OKP"}, {"crv", "Ed25519"}, {"x", "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}},
         jwks_problem::unsupported_key_type,
         "has kty \"OKP\"; only RSA and EC are supported"},
        {"lowercase kty", with(rsa, "kty", "rsa"), jwks_problem::unsupported_key_type,
         "has kty \"rsa\"; only RSA and EC are supported"},
        {"P-384", with(ec, "crv", "P-384"), jwks_problem::unsupported_curve,
         "has crv \"P-384\"; only P-256 is supported"},
        {"secp256k1", with(ec, "crv", "secp256k1"), jwks_problem::unsupported_curve,
         "has crv \"secp256k1\"; only P-256 is supported"},
        {"no crv",
         [&] {
             auto k = ec;
             k.erase("crv");
             return k;
         }(),
         jwks_problem::missing_member, "has no \"crv\""},
        {"use enc", with(rsa, "use", "enc"), jwks_problem::bad_use,
         "has \"use\" other than \"sig\""},
        {"use not a string", with(rsa, "use", nlohmann::json::array({"sig"})),
         jwks_problem::bad_member_type, "\"use\" is not a string"},
        {"key_ops without verify", with(rsa, "key_ops", nlohmann::json::array({"encrypt", "sign"})),
         jwks_problem::bad_key_ops, "has \"key_ops\" without \"verify\""},
        {"key_ops not an array", with(rsa, "key_ops", "verify"), jwks_problem::bad_member_type,
         "\"key_ops\" is not an array"},
        {"RSA key for ES256", with(rsa, "alg", "ES256"), jwks_problem::bad_alg,
         "has alg \"ES256\"; RSA keys allow RS256 or PS256"},
        {"RSA key for HS256", with(rsa, "alg", "HS256"), jwks_problem::bad_alg,
         "has alg \"HS256\"; RSA keys allow RS256 or PS256"},
        {"RSA key for RS512", with(rsa, "alg", "RS512"), jwks_problem::bad_alg,
         "has alg \"RS512\"; RSA keys allow RS256 or PS256"},
        {"EC key for RS256", with(ec, "alg", "RS256"), jwks_problem::bad_alg,
         "has alg \"RS256\"; EC keys allow ES256"},
        {"EC key for none", with(ec, "alg", "none"), jwks_problem::bad_alg,
         "has alg \"none\"; EC keys allow ES256"},
        {"alg not a string", with(ec, "alg", 256), jwks_problem::bad_member_type,
         "\"alg\" is not a string"},
        {"empty kid", with(rsa, "kid", ""), jwks_problem::bad_kid,
         "has a kid that is empty or longer than 256 characters"},
        {"long kid", with(rsa, "kid", std::string(257, 'k')), jwks_problem::bad_kid,
         "has a kid that is empty or longer than 256 characters"},
        {"kid not a string", with(rsa, "kid", 7), jwks_problem::bad_member_type,
         "\"kid\" is not a string"},
        {"no n",
         [&] {
             auto k = rsa;
             k.erase("n");
             return k;
         }(),
         jwks_problem::missing_member, "has no \"n\""},
        {"no e",
         [&] {
             auto k = rsa;
             k.erase("e");
             return k;
         }(),
         jwks_problem::missing_member, "has no \"e\""},
        {"n not a string", with(rsa, "n", 12345), jwks_problem::bad_member_type,
         "\"n\" is not a string"},
        {"padded e", with(rsa, "e", "AQAB=="), jwks_problem::bad_base64url,
         "\"e\" is not unpadded base64url"},
        {"n in standard base64", with(rsa, "n", std::string("+").append(test::rfc7515_a2_n, 1)),
         jwks_problem::bad_base64url, "\"n\" is not unpadded base64url"},
        {"padded x", with(ec, "x", test::rfc7515_a3_x + "="), jwks_problem::bad_base64url,
         "\"x\" is not unpadded base64url"},
        {"y with a space", with(ec, "y", " " + test::rfc7515_a3_y), jwks_problem::bad_base64url,
         "\"y\" is not unpadded base64url"},
        {"2040-bit modulus", with_bytes(rsa, "n", [](std::string& n) { n.erase(0, 1); }),
         jwks_problem::rsa_modulus_size, "has a 2040-bit modulus; 2048 to 4096 bits are accepted"},
        {"4097-bit modulus",
         with(rsa, "n", crypto::base64url(std::string(1, '\x01').append(512, '\xff'))),
         jwks_problem::rsa_modulus_size, "has a 4097-bit modulus; 2048 to 4096 bits are accepted"},
        {"even modulus",
         with_bytes(rsa, "n", [](std::string& n) { n.back() = static_cast<char>(n.back() ^ 1); }),
         jwks_problem::invalid_key, "has an even modulus"},
        {"even exponent", with(rsa, "e", "AQAA"), jwks_problem::rsa_exponent,
         "has an exponent that is even, below 3 or longer than 8 bytes"},
        {"exponent 1", with(rsa, "e", "AQ"), jwks_problem::rsa_exponent,
         "has an exponent that is even, below 3 or longer than 8 bytes"},
        {"empty exponent", with(rsa, "e", ""), jwks_problem::rsa_exponent,
         "has an exponent that is even, below 3 or longer than 8 bytes"},
        {"9-byte exponent",
         with(rsa, "e",
              crypto::base64url(std::string(1, '\x01').append(7, '\0').append(1, '\x01'))),
         jwks_problem::rsa_exponent,
         "has an exponent that is even, below 3 or longer than 8 bytes"},
        {"31-byte x", with_bytes(ec, "x", [](std::string& x) { x.erase(0, 1); }),
         jwks_problem::ec_coordinate_size, "has x or y of other than 32 bytes"},
        {"33-byte y", with_bytes(ec, "y", [](std::string& y) { y.insert(0, 1, '\0'); }),
         jwks_problem::ec_coordinate_size, "has x or y of other than 32 bytes"},
        {"point off the curve",
         with_bytes(ec, "y", [](std::string& y) { y.back() = static_cast<char>(y.back() + 1); }),
         jwks_problem::point_not_on_curve, "has (x, y) that is not a point of P-256"},
        {"x beyond the field", with(ec, "x", crypto::base64url(std::string(32, '\xff'))),
         jwks_problem::point_not_on_curve, "has (x, y) that is not a point of P-256"},
    };
    for (const auto& c : cases) {
        CAPTURE(c.what);
        // The bad key is the second: the first, valid, does not save the document.
        const auto error = refusal(jwks_of({test::rfc7515_a3_jwk(), c.jwk}));
        CHECK(error.problem == c.problem);
        CHECK(error.key_index == std::optional<std::size_t>(1));
        CHECK(error.message == std::string("key 1 ") + c.message);
    }
}

TEST_CASE("jwk: two keys with one kid are refused at the second; keys without a kid may be many") {
    const auto error = refusal(
        jwks_of({with(test::rfc7515_a2_jwk(), "kid", "a"), with(test::rfc7515_a3_jwk(), "kid", "b"),
                 with(test::rfc7515_a3_jwk(), "kid", "a")}));
    CHECK(error.problem == jwks_problem::duplicate_kid);
    CHECK(error.key_index == std::optional<std::size_t>(2));
    CHECK(error.message == "key 2 has the same kid as key 0");

    const auto no_kids =
        crypto::parse_jwks_value(jwks_of({test::rfc7515_a2_jwk(), test::rfc7515_a2_jwk()}));
    REQUIRE_MESSAGE(no_kids, no_kids.error.message);
    CHECK(no_kids.keys->size() == 2);
}

TEST_CASE("jwk: a refusal quotes at most 64 printable characters of the document") {
    const auto error =
        refusal(jwks_of({with(test::rfc7515_a2_jwk(), "kty", "\x01" + std::string(100, 'K'))}));
    CHECK(error.problem == jwks_problem::unsupported_key_type);
    CHECK(error.key_index == std::optional<std::size_t>(0));
    CHECK(error.message ==
          "key 0 has kty \"?" + std::string(63, 'K') + "...\"; only RSA and EC are supported");
}
