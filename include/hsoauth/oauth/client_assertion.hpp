#pragma once
// Client authentication by a signed JWT (RFC 7523 §2.2, §3; "private_key_jwt"): the token
// endpoints' alternative to a client secret. This checks one assertion against the app's
// registered keys and the RFC 7523 §3 claim rules; refusing a replayed jti is the caller's job,
// with the jti and expiry returned here.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "hsoauth/crypto/jwk.hpp"
#include "hsoauth/crypto/jws_algorithm.hpp"

namespace hsoauth::oauth {

// The client_assertion_type that announces a JWT assertion (RFC 7523 §2.2).
inline constexpr std::string_view jwt_bearer_assertion_type =
    "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

// Clock skew tolerated on exp, nbf and iat, in seconds.
inline constexpr std::int64_t assertion_leeway = 30;
// How far ahead of now an assertion's exp may be (plus the leeway), in seconds: an assertion is
// a one-shot credential, not a long-lived one.
inline constexpr std::int64_t assertion_max_lifetime = 300;
inline constexpr std::size_t assertion_max_jti_length = 256;

// Why a client assertion was refused; the checks run in this order.
enum class assertion_problem {
    malformed,              // not a compact JWS of strict base64url JSON objects, a part over
                            // its cap, or nbf/iat present and not a number
    unsupported_algorithm,  // alg other than RS256, PS256 or ES256 ("none" and HS* included)
    forbidden_header,       // jwk, jku, x5u, x5c or crit in the header
    key_not_found,          // no registered key has the header's kid, or none allows its alg
    bad_signature,          // the signature verifies with no candidate key
    wrong_issuer,           // iss or sub missing, not a string, or not the client_id
    wrong_audience,         // aud missing, or none of its values is an accepted audience
    missing_expiry,         // exp missing or not a number
    expired,                // exp more than assertion_leeway seconds ago
    too_long_lived,         // exp more than assertion_max_lifetime + assertion_leeway ahead
    not_yet_valid,          // nbf or iat more than assertion_leeway seconds ahead
    missing_jti,            // jti missing, not a string, empty, or over assertion_max_jti_length
};

struct assertion_failure {
    assertion_problem problem = assertion_problem::malformed;
    std::string detail;  // human-readable, for a log or a developer; not for the wire as is
};

// What the caller needs to refuse a replay: remember (client_id, jti) until remember_until.
struct verified_assertion {
    std::string jti;
    std::int64_t exp = 0;  // the assertion's exp, rounded up to a whole second
    std::int64_t remember_until =
        0;  // exp + assertion_leeway: later, the assertion is refused anyway
    crypto::jws_algorithm alg = crypto::jws_algorithm::rs256;
    std::size_t key_index = 0;  // the registered key that verified it
};

struct assertion_result {
    std::optional<verified_assertion> verified;  // set when the assertion authenticates the client
    assertion_failure failure;                   // meaningful only when !verified
    explicit operator bool() const { return verified.has_value(); }
};

// Verifies `assertion` (the client_assertion form field) for `client_id`: the JWS signature by
// one of `keys` (crypto::verify_jws), then iss == sub == client_id; aud (a string or an array of
// strings) holds one of `accepted_audiences` (exact comparison; the caller passes the token
// endpoint's URL and the server's issuer URL); exp present, not more than assertion_leeway
// seconds past `now` and at most assertion_max_lifetime + assertion_leeway ahead; nbf and iat,
// when present, not more than assertion_leeway ahead; jti a non-empty string of at most
// assertion_max_jti_length characters. `now` is the sandbox clock (clock::now()), in seconds.
// Pure and thread-safe; refusals are values.
assertion_result verify_client_assertion(std::string_view assertion, const crypto::key_set& keys,
                                         std::string_view client_id,
                                         std::span<const std::string> accepted_audiences,
                                         std::int64_t now);

}  // namespace hsoauth::oauth
