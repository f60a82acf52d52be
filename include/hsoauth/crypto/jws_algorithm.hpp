#pragma once
// The JWS algorithms a client assertion may be signed with (RFC 7518 §3.1): asymmetric only.
// "none" and the HMAC algorithms are not values of this type, so no code path can pick them.
#include <optional>
#include <string_view>

namespace hsoauth::crypto {

enum class jws_algorithm {
    rs256,  // RSASSA-PKCS1-v1_5 with SHA-256 (RFC 7518 §3.3)
    ps256,  // RSASSA-PSS with SHA-256, MGF1-SHA-256 and a 32-byte salt (RFC 7518 §3.5)
    es256,  // ECDSA on P-256 with SHA-256, the signature as 64 bytes R||S (RFC 7518 §3.4)
};

// The "alg" name: "RS256", "PS256" or "ES256".
constexpr std::string_view name(jws_algorithm alg) {
    switch (alg) {
        case jws_algorithm::rs256:
            return "RS256";
        case jws_algorithm::ps256:
            return "PS256";
        case jws_algorithm::es256:
            return "ES256";
    }
    return "";
}

// The algorithm named exactly `alg_name` (case-sensitive, as RFC 7515 §4.1.1 requires), or
// nullopt for every other name, "none" and "HS256" included.
constexpr std::optional<jws_algorithm> jws_algorithm_named(std::string_view alg_name) {
    for (const auto alg : {jws_algorithm::rs256, jws_algorithm::ps256, jws_algorithm::es256}) {
        if (name(alg) == alg_name) return alg;
    }
    return std::nullopt;
}

}  // namespace hsoauth::crypto
