#pragma once
// An app's registered public keys, parsed from its JWKS document (RFC 7517 §5): the only keys a
// client assertion may be verified with. Parsing is strict, and a document with one bad key is
// refused whole, so that what an app registers is exactly what verifies its assertions.
#include <nlohmann/json.hpp>

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "hsoauth/crypto/jws_algorithm.hpp"

namespace hsoauth::crypto {

// What a key set accepts (RFC 7517, RFC 7518 §6).
inline constexpr std::size_t jwks_max_keys = 20;
inline constexpr std::size_t jwks_max_text_bytes = 64 * 1024;
inline constexpr std::size_t jwk_min_rsa_bits = 2048;
// The largest modulus bounds what trying every key of a set (a JWS without a kid) can cost.
inline constexpr std::size_t jwk_max_rsa_bits = 4096;
inline constexpr std::size_t jwk_max_kid_length = 256;

enum class key_type {
    rsa,      // kty "RSA": RS256 and PS256
    ec_p256,  // kty "EC", crv "P-256": ES256
};

struct jwks_parse_result;

// Whether a key of `type` can make `alg` signatures.
constexpr bool fits(key_type type, jws_algorithm alg) {
    return type == key_type::ec_p256 ? alg == jws_algorithm::es256 : alg != jws_algorithm::es256;
}

// One public key of a key set. Made only by parse_jwks_value; immutable. Copies share one OpenSSL
// key, and verify may run on any number of threads at once (each call has its own OpenSSL context).
class public_key {
public:
    key_type type() const { return type_; }
    const std::string& kid() const { return kid_; }            // "" when the JWK has no "kid"
    std::optional<jws_algorithm> alg() const { return alg_; }  // the JWK's "alg", when it has one
    std::size_t bits() const { return bits_; }                 // RSA modulus size, or 256 for P-256

    // Whether this key may check `alg` signatures: its type fits `alg`, and its own "alg", when
    // set, is `alg`.
    bool allows(jws_algorithm alg) const { return fits(type_, alg) && (!alg_ || *alg_ == alg); }

    // Whether `signature`, in its JWS form, is a valid `alg` signature of `data` by this key.
    // False, never an exception, when it is not, when !allows(alg), and when an ES256 signature
    // is not 64 bytes (R||S, RFC 7518 §3.4). Throws std::runtime_error only when OpenSSL cannot
    // set up a verification at all (out of memory, SHA-256 missing).
    bool verify(jws_algorithm alg, std::string_view data, std::string_view signature) const;

private:
    friend class jwk_builder;
    friend jwks_parse_result parse_jwks_value(const nlohmann::json& jwks);
    public_key() = default;
    struct evp_key;  // the OpenSSL EVP_PKEY, hidden from every header

    std::shared_ptr<const evp_key> key_;
    key_type type_ = key_type::rsa;
    std::string kid_;
    std::optional<jws_algorithm> alg_;
    std::size_t bits_ = 0;
};

// Why a JWKS document was refused.
enum class jwks_problem {
    too_large,             // JSON text over jwks_max_text_bytes
    not_json,              // not valid JSON (or not UTF-8)
    not_a_key_set,         // not an object with a "keys" array
    no_keys,               // "keys" is empty
    too_many_keys,         // more than jwks_max_keys keys
    key_not_an_object,     // an element of "keys" is not a JSON object
    missing_member,        // a required member (kty, n, e, crv, x, y) is absent
    bad_member_type,       // a member is not of its JSON type (e.g. "n" not a string)
    bad_base64url,         // n, e, x or y is not strict unpadded base64url
    symmetric_key,         // kty "oct": a shared secret has no place in a public key set
    private_key,           // a private member (d, p, q, dp, dq, qi, oth) is present
    unsupported_key_type,  // kty other than RSA or EC
    unsupported_curve,     // EC crv other than P-256
    bad_use,               // "use" present and not "sig"
    bad_key_ops,           // "key_ops" present and without "verify"
    bad_alg,               // "alg" present and not RS256/PS256 (RSA) or ES256 (EC)
    bad_kid,               // "kid" empty or longer than jwk_max_kid_length
    duplicate_kid,         // two keys share a "kid"
    rsa_modulus_size,      // modulus below jwk_min_rsa_bits or above jwk_max_rsa_bits
    rsa_exponent,          // exponent even, below 3, or longer than 8 bytes
    ec_coordinate_size,    // x or y not exactly 32 bytes
    point_not_on_curve,    // (x, y) is not a point of P-256
    invalid_key,           // OpenSSL refused the key material for another reason
};

struct jwks_error {
    jwks_problem problem = jwks_problem::not_json;
    std::optional<std::size_t> key_index;  // the offending element of "keys", when there is one
    std::string message;                   // names the problem, and the key as "key <index>"
};

class key_set;

// Parses a JWKS document: a JSON object whose "keys" array holds 1 to jwks_max_keys public keys,
// each RSA (n, e; 2048 to 4096 bits) or EC P-256 (x, y), with optional kid (unique), alg and use.
// Members this parser does not know are ignored; x5c, x5t and x5u are neither used nor trusted.
// Pure: no I/O, no exceptions for bad input (std::runtime_error only if OpenSSL itself fails).
// parse_jwks takes the JSON text (at most jwks_max_text_bytes), parse_jwks_value the parsed
// document; they are two names because a string converts to both std::string_view and json.
jwks_parse_result parse_jwks(std::string_view jwks_text);
jwks_parse_result parse_jwks_value(const nlohmann::json& jwks);

// The keys of one JWKS document, in document order. Immutable; safe to share between threads.
class key_set {
public:
    key_set() = default;  // no keys: verifies nothing

    const std::vector<public_key>& keys() const { return keys_; }
    std::size_t size() const { return keys_.size(); }
    bool empty() const { return keys_.empty(); }
    // The key whose kid is `kid` (exact, case-sensitive), or nullptr.
    const public_key* find(std::string_view kid) const;

private:
    friend jwks_parse_result parse_jwks_value(const nlohmann::json& jwks);
    explicit key_set(std::vector<public_key> keys) : keys_(std::move(keys)) {}

    std::vector<public_key> keys_;
};

// The keys, or why the document was refused.
struct jwks_parse_result {
    std::optional<key_set> keys;  // set when the document was accepted
    jwks_error error;             // meaningful only when !keys
    explicit operator bool() const { return keys.has_value(); }
};

}  // namespace hsoauth::crypto
