#include "support/jwt_signer.hpp"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>

#include <stdexcept>
#include <vector>

#include "support/fixtures.hpp"

namespace hsoauth::e2e {
namespace {

std::string b64(const std::vector<std::uint8_t>& bytes) { return base64url(bytes); }

std::vector<std::uint8_t> bn_bytes(const EVP_PKEY* key, const char* name, int pad) {
    BIGNUM* bn = nullptr;
    if (EVP_PKEY_get_bn_param(key, name, &bn) != 1) throw std::runtime_error("no key parameter");
    const int size = pad > 0 ? pad : BN_num_bytes(bn);
    std::vector<std::uint8_t> out(static_cast<std::size_t>(size));
    BN_bn2binpad(bn, out.data(), size);
    BN_free(bn);
    return out;
}

}  // namespace

struct jwt_key::impl {
    EVP_PKEY* key = nullptr;
    jwt_key_type type;
};

jwt_key::jwt_key(jwt_key_type type) : impl_(std::make_unique<impl>()) {
    impl_->type = type;
    impl_->key = type == jwt_key_type::rsa_2048
                     ? EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<size_t>(2048))
                     : EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256");
    if (!impl_->key) throw std::runtime_error("OpenSSL could not make a key pair");
}

jwt_key::~jwt_key() { EVP_PKEY_free(impl_->key); }

nlohmann::json jwt_key::public_jwk(std::string_view kid) const {
    if (impl_->type == jwt_key_type::rsa_2048) {
        return {{"kty", "RSA"},
                {"kid", kid},
                {"n", b64(bn_bytes(impl_->key, OSSL_PKEY_PARAM_RSA_N, 0))},
                {"e", b64(bn_bytes(impl_->key, OSSL_PKEY_PARAM_RSA_E, 0))}};
    }
    return {{"kty", "EC"},
            {"kid", kid},
            {"crv", "P-256"},
            {"x", b64(bn_bytes(impl_->key, OSSL_PKEY_PARAM_EC_PUB_X, 32))},
            {"y", b64(bn_bytes(impl_->key, OSSL_PKEY_PARAM_EC_PUB_Y, 32))}};
}

std::string base64url_json(const nlohmann::json& value) {
    const std::string text = value.dump();
    return base64url(std::span(reinterpret_cast<const std::uint8_t*>(text.data()), text.size()));
}

std::string jwt_key::sign(std::string_view alg, const nlohmann::json& header,
                          const nlohmann::json& payload) const {
    const std::string input = base64url_json(header) + "." + base64url_json(payload);
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    EVP_PKEY_CTX* pctx = nullptr;
    if (!ctx || EVP_DigestSignInit(ctx, &pctx, EVP_sha256(), nullptr, impl_->key) != 1) {
        EVP_MD_CTX_free(ctx);
        throw std::runtime_error("EVP_DigestSignInit failed");
    }
    if (alg == "PS256") {
        EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING);
        EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, 32);
        EVP_PKEY_CTX_set_rsa_mgf1_md(pctx, EVP_sha256());
    }
    size_t length = 0;
    EVP_DigestSign(ctx, nullptr, &length, reinterpret_cast<const unsigned char*>(input.data()),
                   input.size());
    std::vector<std::uint8_t> signature(length);
    if (EVP_DigestSign(ctx, signature.data(), &length,
                       reinterpret_cast<const unsigned char*>(input.data()), input.size()) != 1) {
        EVP_MD_CTX_free(ctx);
        throw std::runtime_error("EVP_DigestSign failed");
    }
    EVP_MD_CTX_free(ctx);
    signature.resize(length);
    if (alg == "ES256") {  // DER ECDSA-Sig-Value → the 64-byte R||S of RFC 7518 §3.4
        const unsigned char* der = signature.data();
        ECDSA_SIG* sig = d2i_ECDSA_SIG(nullptr, &der, static_cast<long>(signature.size()));
        if (!sig) throw std::runtime_error("ECDSA signature not DER");
        std::vector<std::uint8_t> raw(64);
        BN_bn2binpad(ECDSA_SIG_get0_r(sig), raw.data(), 32);
        BN_bn2binpad(ECDSA_SIG_get0_s(sig), raw.data() + 32, 32);
        ECDSA_SIG_free(sig);
        signature = std::move(raw);
    }
    return input + "." + b64(signature);
}

}  // namespace hsoauth::e2e
