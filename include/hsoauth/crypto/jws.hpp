#pragma once
// Verification of a compact JWS (RFC 7515 §7.1) against a registered key set, following the
// JWT best current practices (RFC 8725 §2-3): the algorithm is one of RS256, PS256 and ES256 and
// must fit the key; the key comes only from the set, never from the token; nothing the verifier
// does not understand ("crit") is accepted.
#include <nlohmann/json.hpp>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "hsoauth/crypto/jwk.hpp"
#include "hsoauth/crypto/jws_algorithm.hpp"

namespace hsoauth::crypto {

// Size caps, in characters of the compact serialization.
inline constexpr std::size_t jws_max_length = 8 * 1024;          // the whole JWS
inline constexpr std::size_t jws_max_header_length = 1024;       // the encoded protected header
inline constexpr std::size_t jws_max_payload_length = 6 * 1024;  // the encoded payload
inline constexpr std::size_t jws_max_signature_length = 683;     // a 4096-bit RSA signature

// Why a JWS was refused, in the order the checks run.
enum class jws_problem {
    malformed,              // not three dot-separated parts of strict unpadded base64url; a part
                            // over its cap; header or payload not a JSON object; "alg" or "kid"
                            // not a string; an empty signature
    unsupported_algorithm,  // "alg" other than RS256, PS256 or ES256: "none", HS256... included
    forbidden_header,       // "jwk", "jku", "x5u", "x5c" (keys from the token) or "crit" present
    key_not_found,          // "kid" names no key of the set, or the key it names (or, without a
                            // "kid", every key) has another type or another "alg" than the header's
    bad_signature,          // no candidate key verifies the signature (an ES256 signature of
                            // other than 64 bytes included)
};

struct jws_failure {
    jws_problem problem = jws_problem::malformed;
    std::string
        detail;  // for a log or a developer; quotes at most 64 printable characters of input
};

struct verified_jws {
    nlohmann::json header;   // the protected header, a JSON object
    nlohmann::json payload;  // the payload, a JSON object
    jws_algorithm alg = jws_algorithm::rs256;
    std::size_t key_index = 0;  // the key of the set that verified the signature
};

struct jws_result {
    std::optional<verified_jws> verified;  // set when the JWS verified
    jws_failure failure;                   // meaningful only when !verified
    explicit operator bool() const { return verified.has_value(); }
};

// Verifies `compact` ("header.payload.signature") against `keys`. The key is the one whose kid
// the header names; without a "kid", each key that allows the header's alg is tried in set order
// (at most jwks_max_keys). The payload is parsed only once the signature verified. Pure and
// thread-safe; a refusal is a value, never an exception (std::runtime_error only when OpenSSL
// cannot run at all).
jws_result verify_jws(std::string_view compact, const key_set& keys);

}  // namespace hsoauth::crypto
