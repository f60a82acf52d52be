#pragma once

// The client's side of RFC 7523 for the e2e tests: key pairs made by OpenSSL in the test, their
// public JWKs, and compact JWS assertions signed with them (RS256, PS256 with a 32-byte salt,
// ES256 as R||S), plus the forged shapes a verifier must refuse. Nothing here comes from hsoauth.

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace hsoauth::e2e {

enum class jwt_key_type { rsa_2048, ec_p256 };

class jwt_key {
  public:
    // A fresh key pair. Throws std::runtime_error when OpenSSL cannot make one.
    explicit jwt_key(jwt_key_type type);
    ~jwt_key();
    jwt_key(const jwt_key&) = delete;
    jwt_key& operator=(const jwt_key&) = delete;

    // The public JWK: kty, kid and n, e (RSA) or crv, x, y (EC).
    nlohmann::json public_jwk(std::string_view kid) const;

    // "header.payload.signature" with `alg` ("RS256", "PS256" or "ES256") over the two JSON
    // objects as given (the header is not completed: put alg, kid, typ in it yourself).
    std::string sign(std::string_view alg, const nlohmann::json& header,
                     const nlohmann::json& payload) const;

  private:
    struct impl;
    std::unique_ptr<impl> impl_;
};

// base64url(JSON text) of `value`, no padding.
std::string base64url_json(const nlohmann::json& value);

}  // namespace hsoauth::e2e
