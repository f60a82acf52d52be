// Compact JWS verification (crypto/jws.hpp): the RFC 7515 examples, keys and signatures made by
// the openssl command, and every refusal with its exact problem and detail.
#include <doctest/doctest.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "hsoauth/crypto/digest.hpp"
#include "hsoauth/crypto/jws.hpp"
#include "hsoauth/crypto/random.hpp"
#include "openssl_cli.hpp"
#include "rfc7515_examples.hpp"

using namespace hsoauth;
using crypto::jws_algorithm;
using crypto::jws_problem;
using test::cli_signature;
using test::jwks_of;
using test::with;

namespace {

crypto::key_set keys_of(const nlohmann::json& jwks) {
    auto parsed = crypto::parse_jwks_value(jwks);
    REQUIRE_MESSAGE(parsed, parsed.error.message);
    return *parsed.keys;
}

// Why `compact` is refused; fails the test when it verifies.
crypto::jws_failure refusal(std::string_view compact, const crypto::key_set& keys) {
    const auto result = crypto::verify_jws(compact, keys);
    REQUIRE_FALSE(result);
    return result.failure;
}

// Checks that `compact` is refused with exactly `problem` and `detail`.
void check_refused(std::string_view compact, const crypto::key_set& keys, jws_problem problem,
                   const std::string& detail) {
    const auto failure = refusal(compact, keys);
    CHECK(failure.problem == problem);
    CHECK(failure.detail == detail);
}

std::string b64(std::string_view bytes) {
    return crypto::base64url(bytes);
}

// The base64url text `encoded` with the low bit of its decoded byte `index` flipped.
std::string with_byte_flipped(const std::string& encoded, std::size_t index) {
    auto bytes = crypto::base64url_decode(encoded);
    REQUIRE(bytes.has_value());
    REQUIRE(index < bytes->size());
    (*bytes)[index] = static_cast<char>((*bytes)[index] ^ 1);
    return b64(*bytes);
}

const std::string rfc_a2_input = test::rfc7515_a2_header + "." + test::rfc7515_payload;
const std::string rfc_a3_input = test::rfc7515_a3_header + "." + test::rfc7515_payload;
const std::string rfc_payload_json =
    "{\"iss\":\"joe\",\r\n \"exp\":1300819380,\r\n \"http://example.com/is_root\":true}";

const nlohmann::json rfc_claims = {
    {"iss", "joe"}, {"exp", 1300819380}, {"http://example.com/is_root", true}};

}  // namespace

TEST_CASE("jws: the RFC 7515 A.2 RS256 example verifies with its published key") {
    REQUIRE(crypto::base64url_decode(test::rfc7515_payload) == rfc_payload_json);
    const auto result =
        crypto::verify_jws(test::rfc7515_a2, keys_of(jwks_of({test::rfc7515_a2_jwk()})));
    REQUIRE_MESSAGE(result, result.failure.detail);
    CHECK(result.verified->alg == jws_algorithm::rs256);
    CHECK(result.verified->key_index == 0);
    CHECK(result.verified->header == nlohmann::json{{"alg", "RS256"}});
    CHECK(result.verified->payload == rfc_claims);
}

TEST_CASE("jws: the A.2 example fails with any one byte of its payload or signature changed") {
    const auto keys = keys_of(jwks_of({test::rfc7515_a2_jwk()}));
    const std::size_t payload_bytes = rfc_payload_json.size();
    for (std::size_t i = 0; i < payload_bytes; ++i) {
        CAPTURE(i);
        const std::string altered = test::rfc7515_a2_header + "." +
                                    with_byte_flipped(test::rfc7515_payload, i) + "." +
                                    test::rfc7515_a2_signature;
        check_refused(altered, keys, jws_problem::bad_signature,
                      "the signature does not verify with key 0");
    }
    for (std::size_t i = 0; i < 256; ++i) {
        CAPTURE(i);
        check_refused(rfc_a2_input + "." + with_byte_flipped(test::rfc7515_a2_signature, i), keys,
                      jws_problem::bad_signature, "the signature does not verify with key 0");
    }
}

TEST_CASE("jws: the RFC 7515 A.3 ES256 example verifies; altered, it fails") {
    const auto keys = keys_of(jwks_of({with(test::rfc7515_a3_jwk(), "kid", "a3")}));
    const auto result = crypto::verify_jws(test::rfc7515_a3, keys);
    REQUIRE_MESSAGE(result, result.failure.detail);
    CHECK(result.verified->alg == jws_algorithm::es256);
    CHECK(result.verified->header == nlohmann::json{{"alg", "ES256"}});
    CHECK(result.verified->payload == rfc_claims);

    for (std::size_t i = 0; i < rfc_payload_json.size(); ++i) {
        CAPTURE(i);
        check_refused(test::rfc7515_a3_header + "." + with_byte_flipped(test::rfc7515_payload, i) +
                          "." + test::rfc7515_a3_signature,
                      keys, jws_problem::bad_signature,
                      "the signature does not verify with key \"a3\"");
    }
    for (std::size_t i = 0; i < 64; ++i) {
        CAPTURE(i);
        check_refused(rfc_a3_input + "." + with_byte_flipped(test::rfc7515_a3_signature, i), keys,
                      jws_problem::bad_signature, "the signature does not verify with key \"a3\"");
    }
}

TEST_CASE("jws: an ES256 signature of other than 64 bytes is refused before any verification") {
    const auto keys = keys_of(jwks_of({test::rfc7515_a3_jwk()}));
    const auto signature = *crypto::base64url_decode(test::rfc7515_a3_signature);
    check_refused(rfc_a3_input + "." + b64(signature + '\0'), keys, jws_problem::bad_signature,
                  "an ES256 signature is the 64 bytes R||S (RFC 7518 §3.4), not 65 bytes");
    check_refused(rfc_a3_input + "." + b64(signature.substr(1)), keys, jws_problem::bad_signature,
                  "an ES256 signature is the 64 bytes R||S (RFC 7518 §3.4), not 63 bytes");
    check_refused(rfc_a3_input + "." + b64(signature.substr(0, 32)), keys,
                  jws_problem::bad_signature,
                  "an ES256 signature is the 64 bytes R||S (RFC 7518 §3.4), not 32 bytes");
}

TEST_CASE("jws: without a kid, every key that allows the alg is tried, in set order") {
    const auto rsa_then_ec =
        keys_of(jwks_of({test::rfc7515_a3_jwk(), with(test::rfc7515_a2_jwk(), "alg", "PS256"),
                         test::rfc7515_a2_jwk()}));
    const auto a2 = crypto::verify_jws(test::rfc7515_a2, rsa_then_ec);
    REQUIRE_MESSAGE(a2, a2.failure.detail);
    CHECK(a2.verified->key_index == 2);  // key 0 is EC and key 1 is for PS256 only
    const auto a3 = crypto::verify_jws(test::rfc7515_a3, rsa_then_ec);
    REQUIRE_MESSAGE(a3, a3.failure.detail);
    CHECK(a3.verified->key_index == 0);

    const auto twice = keys_of(jwks_of({test::rfc7515_a2_jwk(), test::rfc7515_a2_jwk()}));
    check_refused(rfc_a2_input + "." + with_byte_flipped(test::rfc7515_a2_signature, 0), twice,
                  jws_problem::bad_signature,
                  "the signature verifies with none of the 2 keys that allow RS256");
}

TEST_CASE("jws: alg none, HMAC and every other algorithm are refused") {
    const auto keys = keys_of(jwks_of({test::rfc7515_a2_jwk(), test::rfc7515_a3_jwk()}));
    for (const char* alg :
         {"none", "None", "NONE", "HS256", "HS384", "HS512", "RS384", "RS512", "PS384", "PS512",
          "ES384", "ES512", "ES256K", "EdDSA", "rs256", "RS256 ", " ES256", ""}) {
        CAPTURE(alg);
        const std::string header = b64(nlohmann::json{{"alg", alg}}.dump());
        const std::string detail =
            std::string("alg \"") + alg + "\" is not accepted; use RS256, PS256 or ES256";
        // An unsecured JWS (RFC 7515 §A.5) has an empty signature; a forged one may have any.
        check_refused(header + "." + test::rfc7515_payload + ".", keys,
                      jws_problem::unsupported_algorithm, detail);
        check_refused(header + "." + test::rfc7515_payload + "." + test::rfc7515_a2_signature, keys,
                      jws_problem::unsupported_algorithm, detail);
    }
}

TEST_CASE("jws: HS256 keyed with the RSA public key's bytes (key confusion) is refused") {
    const auto keys = keys_of(jwks_of({with(test::rfc7515_a2_jwk(), "kid", "rsa")}));
    const std::string n_bytes = *crypto::base64url_decode(test::rfc7515_a2_n);
    const std::string jwk_text = test::rfc7515_a2_jwk().dump();
    for (const char* header_json : {R"({"alg":"HS256"})", R"({"alg":"HS256","kid":"rsa"})"}) {
        for (const std::string& hmac_key : {n_bytes, jwk_text}) {
            CAPTURE(header_json);
            const std::string input = b64(header_json) + "." + test::rfc7515_payload;
            const std::string forged =
                input + "." + b64(crypto::secret_hasher(hmac_key).hash(input));
            check_refused(forged, keys, jws_problem::unsupported_algorithm,
                          "alg \"HS256\" is not accepted; use RS256, PS256 or ES256");
        }
    }
}

TEST_CASE("jws: a header without a string alg, or not a JSON object, is malformed") {
    const auto keys = keys_of(jwks_of({test::rfc7515_a2_jwk()}));
    const std::string tail = "." + test::rfc7515_payload + "." + test::rfc7515_a2_signature;
    for (const char* header : {R"({})", R"({"alg":256})", R"({"alg":null})", R"({"alg":["RS256"]})",
                               R"({"ALG":"RS256"})"}) {
        CAPTURE(header);
        check_refused(b64(header) + tail, keys, jws_problem::malformed,
                      "the header has no \"alg\" string");
    }
    for (const char* header : {R"(["RS256"])", R"("RS256")", R"({"alg":"RS256")", "", "RS256",
                               "{\"alg\":\"RS256\",\"x\":\"\xff\"}"}) {
        CAPTURE(header);
        check_refused(b64(header) + tail, keys, jws_problem::malformed,
                      "the header is not a JSON object");
    }
    check_refused(b64(R"({"alg":"RS256","kid":7})") + tail, keys, jws_problem::malformed,
                  "the header's \"kid\" is not a string");
    check_refused(rfc_a2_input + ".", keys, jws_problem::malformed, "the signature is empty");
}

TEST_CASE("jws: anything but three parts is malformed") {
    const auto keys = keys_of(jwks_of({test::rfc7515_a2_jwk()}));
    const std::string detail = "a compact JWS has exactly three parts separated by '.'";
    for (const std::string& compact :
         {std::string(), std::string("."), rfc_a2_input, test::rfc7515_a2_header,
          test::rfc7515_a2 + ".", test::rfc7515_a2 + "." + test::rfc7515_a2_signature,
          std::string("...."), rfc_a2_input + ".." + test::rfc7515_a2_signature}) {
        CAPTURE(compact);
        check_refused(compact, keys, jws_problem::malformed, detail);
    }
}

TEST_CASE("jws: padding, the standard alphabet and stray characters in any part are malformed") {
    const auto keys = keys_of(jwks_of({test::rfc7515_a2_jwk()}));
    const std::string& header = test::rfc7515_a2_header;
    const std::string& payload = test::rfc7515_payload;
    const std::string& signature = test::rfc7515_a2_signature;
    REQUIRE(signature.find('-') != std::string::npos);
    REQUIRE(signature.find('_') != std::string::npos);
    const auto replaced = [](std::string text, char from, char to) {
        text[text.find(from)] = to;
        return text;
    };
    const struct {
        std::string compact;
        const char* part;
    } cases[] = {
        {header + "=." + payload + "." + signature, "header"},
        {header + "." + payload + "==." + signature, "payload"},
        {header + "." + payload + "." + signature + "==", "signature"},
        {header + "." + payload + "." + replaced(signature, '-', '+'), "signature"},
        {header + "." + payload + "." + replaced(signature, '_', '/'), "signature"},
        {header + "." + payload + "." + signature.substr(0, 100) + "\n" + signature.substr(100),
         "signature"},
        {header + " ." + payload + "." + signature, "header"},
        {header + "." + payload.substr(0, 50) + "%3D" + payload.substr(50) + "." + signature,
         "payload"},
        // One character short: a length of 1 mod 4 holds no whole byte.
        {header + "." + payload + "." + signature.substr(0, signature.size() - 1), "signature"},
        {header + "." + payload.substr(0, payload.size() - 1) + "." + signature, "payload"},
        // A final character whose unused bits are not zero: another text for the same bytes.
        {header + "." + payload + "." + signature.substr(0, signature.size() - 1) + "x",
         "signature"},
    };
    for (const auto& c : cases) {
        CAPTURE(c.compact);
        check_refused(c.compact, keys, jws_problem::malformed,
                      std::string("the ") + c.part + " is not unpadded base64url");
    }
    // Two characters short, a part is whole bytes again, and the signature no longer matches.
    check_refused(header + "." + payload + "." + signature.substr(0, signature.size() - 2), keys,
                  jws_problem::bad_signature, "the signature does not verify with key 0");
    check_refused(header + "." + payload.substr(0, payload.size() - 2) + "." + signature, keys,
                  jws_problem::bad_signature, "the signature does not verify with key 0");
}

TEST_CASE("jws: oversized JWS and parts are malformed before anything is decoded") {
    const auto keys = keys_of(jwks_of({test::rfc7515_a2_jwk()}));
    const std::string too_long =
        "a part is too long (header 1024, payload 6144, signature 683 characters at most)";
    check_refused(std::string(8193, 'A'), keys, jws_problem::malformed,
                  "the JWS is over 8192 characters");
    check_refused(
        std::string(1025, 'A') + "." + test::rfc7515_payload + "." + test::rfc7515_a2_signature,
        keys, jws_problem::malformed, too_long);
    check_refused(
        test::rfc7515_a2_header + "." + std::string(6145, 'A') + "." + test::rfc7515_a2_signature,
        keys, jws_problem::malformed, too_long);
    check_refused(rfc_a2_input + "." + std::string(684, 'A'), keys, jws_problem::malformed,
                  too_long);
    // 683 characters is the cap itself (512 bytes, a 4096-bit signature): decoded, then refused.
    check_refused(rfc_a2_input + "." + std::string(683, 'A'), keys, jws_problem::bad_signature,
                  "the signature does not verify with key 0");
}

TEST_CASE("jws: a kid that names no key, or a key that does not fit the alg, finds no key") {
    const auto keys = keys_of(jwks_of(
        {with(test::rfc7515_a2_jwk(), "kid", "rsa"), with(test::rfc7515_a3_jwk(), "kid", "ec"),
         with(with(test::rfc7515_a2_jwk(), "kid", "pss"), "alg", "PS256")}));
    const std::string tail = "." + test::rfc7515_payload + "." + test::rfc7515_a2_signature;
    check_refused(b64(R"({"alg":"RS256","kid":"nope"})") + tail, keys, jws_problem::key_not_found,
                  "no registered key has kid \"nope\"");
    check_refused(b64(R"({"alg":"RS256","kid":"RSA"})") + tail, keys, jws_problem::key_not_found,
                  "no registered key has kid \"RSA\"");
    check_refused(b64(R"({"alg":"RS256","kid":""})") + tail, keys, jws_problem::key_not_found,
                  "no registered key has kid \"\"");
    check_refused(b64(R"({"alg":"RS256","kid":"ec"})") + tail, keys, jws_problem::key_not_found,
                  "key \"ec\" is an EC P-256 key, which cannot verify RS256");
    check_refused(b64(R"({"alg":"ES256","kid":"rsa"})") + tail, keys, jws_problem::key_not_found,
                  "key \"rsa\" is an RSA key, which cannot verify ES256");
    check_refused(b64(R"({"alg":"RS256","kid":"pss"})") + tail, keys, jws_problem::key_not_found,
                  "key \"pss\" is registered for PS256, not RS256");

    // Without a kid: the A.3 ES256 example against RSA keys only, and the A.2 RS256 example
    // against an RSA key registered for PS256 only.
    check_refused(test::rfc7515_a3, keys_of(jwks_of({test::rfc7515_a2_jwk()})),
                  jws_problem::key_not_found, "no registered key can verify ES256");
    check_refused(test::rfc7515_a2,
                  keys_of(jwks_of({with(test::rfc7515_a2_jwk(), "alg", "PS256")})),
                  jws_problem::key_not_found, "no registered key can verify RS256");
    check_refused(test::rfc7515_a2, crypto::key_set(), jws_problem::key_not_found,
                  "no registered key can verify RS256");
}

TEST_CASE("jws: one key set verifies from several threads at once") {
    const auto keys = keys_of(jwks_of({test::rfc7515_a2_jwk(), test::rfc7515_a3_jwk()}));
    std::atomic<int> verified{0};
    std::atomic<int> refused{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
        threads.emplace_back([&, t] {
            for (int i = 0; i < 25; ++i) {
                const bool good = (i + t) % 3 != 0;
                const std::string& example = (i % 2 == 0) ? test::rfc7515_a2 : test::rfc7515_a3;
                const std::string compact =
                    good ? example : example.substr(0, example.size() - 2) + "AA";
                if (crypto::verify_jws(compact, keys)) {
                    ++verified;
                } else {
                    ++refused;
                }
            }
        });
    }
    for (auto& thread : threads) thread.join();
    int expected_good = 0;
    for (int t = 0; t < 4; ++t) {
        for (int i = 0; i < 25; ++i) expected_good += (i + t) % 3 != 0 ? 1 : 0;
    }
    CHECK(verified.load() == expected_good);
    CHECK(refused.load() == 100 - expected_good);
}

// --- Keys and signatures made by the openssl command ---------------------------------------

namespace {

// The openssl keys as a key set: RSA with kid "rsa", EC with kid "ec".
crypto::key_set cli_key_set() {
    return keys_of(jwks_of({with(test::cli_keys().rsa_jwk(), "kid", "rsa"),
                            with(test::cli_keys().ec_jwk(), "kid", "ec")}));
}

const std::string cli_payload = R"({"iss":"my-client","sub":"my-client","jti":"1"})";

}  // namespace

TEST_CASE(
    "jws: RS256, PS256 and ES256 made by the openssl command verify, with and without a kid") {
    SKIP_WITHOUT_OPENSSL_CLI();
    const auto keys = cli_key_set();
    CHECK(keys.keys()[0].bits() == 2048);
    const struct {
        const char* header;
        cli_signature how;
        jws_algorithm alg;
        std::size_t key_index;
    } cases[] = {
        {R"({"alg":"RS256","kid":"rsa"})", cli_signature::rs256, jws_algorithm::rs256, 0},
        {R"({"alg":"RS256"})", cli_signature::rs256, jws_algorithm::rs256, 0},
        {R"({"alg":"PS256","kid":"rsa","typ":"JWT"})", cli_signature::ps256, jws_algorithm::ps256,
         0},
        {R"({"alg":"PS256"})", cli_signature::ps256, jws_algorithm::ps256, 0},
        {R"({"alg":"ES256","kid":"ec"})", cli_signature::es256, jws_algorithm::es256, 1},
        {R"({"typ":"JWT","alg":"ES256"})", cli_signature::es256, jws_algorithm::es256, 1},
    };
    for (const auto& c : cases) {
        CAPTURE(c.header);
        const auto result =
            crypto::verify_jws(test::cli_keys().compact(c.header, cli_payload, c.how), keys);
        REQUIRE_MESSAGE(result, result.failure.detail);
        CHECK(result.verified->alg == c.alg);
        CHECK(result.verified->key_index == c.key_index);
        CHECK(result.verified->header == nlohmann::json::parse(c.header));
        CHECK(result.verified->payload == nlohmann::json::parse(cli_payload));
    }
}

TEST_CASE(
    "jws: a signature made with another padding, salt length or encoding than the alg's fails") {
    SKIP_WITHOUT_OPENSSL_CLI();
    const auto keys = cli_key_set();
    const auto& cli = test::cli_keys();
    check_refused(
        cli.compact(R"({"alg":"PS256","kid":"rsa"})", cli_payload, cli_signature::ps256_salt_20),
        keys, jws_problem::bad_signature, "the signature does not verify with key \"rsa\"");
    check_refused(cli.compact(R"({"alg":"RS256","kid":"rsa"})", cli_payload, cli_signature::ps256),
                  keys, jws_problem::bad_signature,
                  "the signature does not verify with key \"rsa\"");
    check_refused(cli.compact(R"({"alg":"PS256","kid":"rsa"})", cli_payload, cli_signature::rs256),
                  keys, jws_problem::bad_signature,
                  "the signature does not verify with key \"rsa\"");

    // ECDSA in OpenSSL's DER form (70 to 72 bytes) instead of R||S.
    const std::string der =
        cli.compact(R"({"alg":"ES256","kid":"ec"})", cli_payload, cli_signature::es256_der);
    const auto der_bytes = crypto::base64url_decode(der.substr(der.rfind('.') + 1));
    REQUIRE(der_bytes.has_value());
    REQUIRE(der_bytes->size() >= 8);
    CHECK((*der_bytes)[0] == '\x30');
    check_refused(der, keys, jws_problem::bad_signature,
                  "an ES256 signature is the 64 bytes R||S (RFC 7518 §3.4), not " +
                      std::to_string(der_bytes->size()) + " bytes");
}

TEST_CASE("jws: HS256 keyed with the openssl RSA public key's PEM text is refused") {
    SKIP_WITHOUT_OPENSSL_CLI();
    const auto keys = cli_key_set();
    const std::string& pem = test::cli_keys().rsa_public_pem();
    REQUIRE(pem.rfind("-----BEGIN PUBLIC KEY-----", 0) == 0);
    for (const char* header : {R"({"alg":"HS256"})", R"({"alg":"HS256","kid":"rsa"})",
                               R"({"alg":"HS256","typ":"JWT"})"}) {
        CAPTURE(header);
        const std::string input = b64(header) + "." + b64(cli_payload);
        check_refused(input + "." + b64(crypto::secret_hasher(pem).hash(input)), keys,
                      jws_problem::unsupported_algorithm,
                      "alg \"HS256\" is not accepted; use RS256, PS256 or ES256");
    }
}

TEST_CASE(
    "jws: a header that carries its own key (jwk, jku, x5u, x5c) or crit is refused, signed or "
    "not") {
    SKIP_WITHOUT_OPENSSL_CLI();
    const auto keys = cli_key_set();
    const auto& cli = test::cli_keys();
    // The control: the same header without the forbidden parameter verifies.
    REQUIRE(crypto::verify_jws(
        cli.compact(R"({"alg":"RS256","kid":"rsa"})", cli_payload, cli_signature::rs256), keys));

    const nlohmann::json embedded_key = cli.rsa_jwk();
    const struct {
        nlohmann::json extra;
        const char* name;
    } cases[] = {
        {{{"jwk", embedded_key}}, "jwk"},
        {{{"jku", "https://attacker.example/jwks.json"}}, "jku"},
        {{{"x5u", "https://attacker.example/cert.pem"}}, "x5u"},
        {{{"x5c", nlohmann::json::array({"MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA"})}}, "x5c"},
        {{{"jwk", nullptr}}, "jwk"},
    };
    for (const auto& c : cases) {
        CAPTURE(c.name);
        nlohmann::json header = {{"alg", "RS256"}, {"kid", "rsa"}};
        header.update(c.extra);
        check_refused(cli.compact(header.dump(), cli_payload, cli_signature::rs256), keys,
                      jws_problem::forbidden_header,
                      std::string("the header carries \"") + c.name +
                          "\"; keys come only from the registered key set");
    }
    for (const char* header : {R"({"alg":"ES256","kid":"ec","crit":["exp"],"exp":1})",
                               R"({"alg":"ES256","kid":"ec","crit":[]})",
                               R"({"alg":"ES256","crit":["b64"],"b64":false})"}) {
        CAPTURE(header);
        check_refused(cli.compact(header, cli_payload, cli_signature::es256), keys,
                      jws_problem::forbidden_header,
                      "the header has \"crit\"; no extension is understood here");
    }
}

TEST_CASE("jws: a validly signed payload that is not a JSON object is malformed") {
    SKIP_WITHOUT_OPENSSL_CLI();
    const auto keys = cli_key_set();
    for (const char* payload : {"[1,2]", "\"my-client\"", "42", "null", "true", "not json",
                                R"({"iss":"x")", "", "{\"iss\":\"\xc3\x28\"}"}) {
        CAPTURE(payload);
        check_refused(test::cli_keys().compact(R"({"alg":"ES256","kid":"ec"})", payload,
                                               cli_signature::es256),
                      keys, jws_problem::malformed, "the payload is not a JSON object");
    }
}

TEST_CASE("jws: the header and payload caps are exact") {
    SKIP_WITHOUT_OPENSSL_CLI();
    const auto keys = cli_key_set();
    const auto& cli = test::cli_keys();
    // A header of 768 bytes is 1024 characters; a payload of 4608 bytes is 6144.
    const auto header_of = [](std::size_t bytes) {
        const std::string start = R"({"alg":"ES256","kid":"ec","pad":")";
        return start + std::string(bytes - start.size() - 2, 'h') + "\"}";
    };
    const auto payload_of = [](std::size_t bytes) {
        const std::string start = R"({"iss":"my-client","pad":")";
        return start + std::string(bytes - start.size() - 2, 'p') + "\"}";
    };
    REQUIRE(b64(header_of(768)).size() == 1024);
    REQUIRE(b64(payload_of(4608)).size() == 6144);
    const auto at_caps = crypto::verify_jws(
        cli.compact(header_of(768), payload_of(4608), cli_signature::es256), keys);
    REQUIRE_MESSAGE(at_caps, at_caps.failure.detail);
    CHECK(at_caps.verified->payload.at("pad").get<std::string>().size() == 4608 - 28);
    const std::string too_long =
        "a part is too long (header 1024, payload 6144, signature 683 characters at most)";
    check_refused(cli.compact(header_of(769), payload_of(4608), cli_signature::es256), keys,
                  jws_problem::malformed, too_long);
    check_refused(cli.compact(header_of(768), payload_of(4609), cli_signature::es256), keys,
                  jws_problem::malformed, too_long);
}
