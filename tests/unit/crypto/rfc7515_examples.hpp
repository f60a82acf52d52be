#pragma once
// The signed examples of RFC 7515 Appendix A.2 (RS256) and A.3 (ES256) with their public keys,
// typed in from the RFC (line breaks removed). Both sign the same payload:
//   {"iss":"joe",\r\n "exp":1300819380,\r\n "http://example.com/is_root":true}
#include <nlohmann/json.hpp>

#include <initializer_list>
#include <string>
#include <utility>

namespace hsoauth::test {

inline const std::string rfc7515_payload =
    "eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlf"
    "Q";

// A.2: {"alg":"RS256"}
inline const std::string rfc7515_a2_header = "eyJhbGciOiJSUzI1NiJ9";
inline const std::string rfc7515_a2_signature =
    "cC4hiUPoj9Eetdgtv3hF80EGrhuB__dzERat0XF9g2VtQgr9PJbu3XOiZj5RZmh7"
    "AAuHIm4Bh-0Qc_lF5YKt_O8W2Fp5jujGbds9uJdbF9CUAr7t1dnZcAcQjbKBYNX4"
    "BAynRFdiuB--f_nZLgrnbyTyWzO75vRK5h6xBArLIARNPvkSjtQBMHlb1L07Qe7K"
    "0GarZRmB_eSN9383LcOLn6_dO--xi12jzDwusC-eOkHWEsqtFZESc6BfI7noOPqv"
    "hJ1phCnvWh6IeYI2w9QOYEUipUTI8np6LbgGY9Fs98rqVt5AXLIhWkWywlVmtVrB"
    "p0igcN_IoypGlUPQGe77Rw";
inline const std::string rfc7515_a2 =
    rfc7515_a2_header + "." + rfc7515_payload + "." + rfc7515_a2_signature;

inline const std::string rfc7515_a2_n =
    "ofgWCuLjybRlzo0tZWJjNiuSfb4p4fAkd_wWJcyQoTbji9k0l8W26mPddx"
    "HmfHQp-Vaw-4qPCJrcS2mJPMEzP1Pt0Bm4d4QlL-yRT-SFd2lZS-pCgNMs"
    "D1W_YpRPEwOWvG6b32690r2jZ47soMZo9wGzjb_7OMg0LOL-bSf63kpaSH"
    "SXndS5z5rexMdbBYUsLA9e-KXBdQOS-UTo7WTBEMa2R2CapHg665xsmtdV"
    "MTBQY4uDZlxvb3qCo5ZwKh9kG4LT6_I5IhlJH7aGhyxXFvUK-DWNmoudF8"
    "NAco9_h9iaGNj8q2ethFkMLs91kzk2PAcDTW9gb54h4FRWyuXpoQ";

inline nlohmann::json rfc7515_a2_jwk() {
    return {{"kty", "RSA"}, {"n", rfc7515_a2_n}, {"e", "AQAB"}};
}

// A.3: {"alg":"ES256"}
inline const std::string rfc7515_a3_header = "eyJhbGciOiJFUzI1NiJ9";
inline const std::string rfc7515_a3_signature =
    "DtEhU3ljbEg8L38VWAfUAqOyKAM6-Xx-F4GawxaepmXFCgfTjDxw5djxLa8ISlSA"
    "pmWQxfKTUJqPP3-Kg6NU1Q";
inline const std::string rfc7515_a3 =
    rfc7515_a3_header + "." + rfc7515_payload + "." + rfc7515_a3_signature;

inline const std::string rfc7515_a3_x = "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU";
inline const std::string rfc7515_a3_y = "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0";

inline nlohmann::json rfc7515_a3_jwk() {
    return {{"kty", "EC"}, {"crv", "P-256"}, {"x", rfc7515_a3_x}, {"y", rfc7515_a3_y}};
}

// {"keys": [jwk...]}
inline nlohmann::json jwks_of(std::initializer_list<nlohmann::json> jwks) {
    nlohmann::json keys = nlohmann::json::array();
    for (const auto& jwk : jwks) keys.push_back(jwk);
    return {{"keys", keys}};
}

// `jwk` with `member` set to `value`.
inline nlohmann::json with(nlohmann::json jwk, const std::string& member, nlohmann::json value) {
    jwk[member] = std::move(value);
    return jwk;
}

}  // namespace hsoauth::test
