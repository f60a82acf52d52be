#include "hsoauth/crypto/jwk.hpp"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/rsa.h>

#include <bit>
#include <stdexcept>

#include "hsoauth/crypto/random.hpp"

namespace hsoauth::crypto {

namespace {

struct openssl_deleter {
    void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
    void operator()(EVP_PKEY_CTX* p) const { EVP_PKEY_CTX_free(p); }
    void operator()(EVP_MD_CTX* p) const { EVP_MD_CTX_free(p); }
    void operator()(OSSL_PARAM_BLD* p) const { OSSL_PARAM_BLD_free(p); }
    void operator()(OSSL_PARAM* p) const { OSSL_PARAM_free(p); }
    void operator()(BIGNUM* p) const { BN_free(p); }
    void operator()(ECDSA_SIG* p) const { ECDSA_SIG_free(p); }
};
template <class T>
using owned = std::unique_ptr<T, openssl_deleter>;

const unsigned char* bytes_of(std::string_view s) {
    return reinterpret_cast<const unsigned char*>(s.data());
}

owned<BIGNUM> big_endian_number(std::string_view bytes) {
    owned<BIGNUM> n(BN_bin2bn(bytes_of(bytes), static_cast<int>(bytes.size()), nullptr));
    if (!n) throw std::runtime_error("OpenSSL BN_bin2bn failed");
    return n;
}

// `bytes` without its leading zero bytes (a big-endian integer's value stays the same).
std::string_view without_leading_zeros(std::string_view bytes) {
    while (!bytes.empty() && bytes.front() == '\0') bytes.remove_prefix(1);
    return bytes;
}

// The bit length of a big-endian unsigned integer with no leading zero byte.
std::size_t bit_length(std::string_view bytes) {
    if (bytes.empty()) return 0;
    return (bytes.size() - 1) * 8 +
           static_cast<std::size_t>(std::bit_width(static_cast<unsigned char>(bytes[0])));
}

// A public EVP_PKEY of `key_type_name` ("RSA" or "EC") from `params`, or null when OpenSSL
// refuses the parameters or the key fails OpenSSL's public-key check (for EC: on the curve, not
// the point at infinity, coordinates below the field prime).
owned<EVP_PKEY> public_key_from(const char* key_type_name, OSSL_PARAM_BLD* builder) {
    const owned<OSSL_PARAM> params(OSSL_PARAM_BLD_to_param(builder));
    const owned<EVP_PKEY_CTX> ctx(EVP_PKEY_CTX_new_from_name(nullptr, key_type_name, nullptr));
    if (!params || !ctx) throw std::runtime_error("OpenSSL cannot set up a public key");
    EVP_PKEY* raw = nullptr;
    if (EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
        EVP_PKEY_fromdata(ctx.get(), &raw, EVP_PKEY_PUBLIC_KEY, params.get()) != 1) {
        ERR_clear_error();
        return nullptr;
    }
    owned<EVP_PKEY> key(raw);
    const owned<EVP_PKEY_CTX> check(EVP_PKEY_CTX_new_from_pkey(nullptr, key.get(), nullptr));
    if (!check) throw std::runtime_error("OpenSSL cannot set up a key check");
    if (EVP_PKEY_public_check(check.get()) != 1) {
        ERR_clear_error();
        return nullptr;
    }
    return key;
}

owned<EVP_PKEY> rsa_public_key(std::string_view modulus, std::string_view exponent) {
    const owned<OSSL_PARAM_BLD> builder(OSSL_PARAM_BLD_new());
    if (!builder) throw std::runtime_error("OpenSSL OSSL_PARAM_BLD_new failed");
    const owned<BIGNUM> n = big_endian_number(modulus);
    const owned<BIGNUM> e = big_endian_number(exponent);
    if (OSSL_PARAM_BLD_push_BN(builder.get(), OSSL_PKEY_PARAM_RSA_N, n.get()) != 1 ||
        OSSL_PARAM_BLD_push_BN(builder.get(), OSSL_PKEY_PARAM_RSA_E, e.get()) != 1) {
        throw std::runtime_error("OpenSSL cannot build RSA parameters");
    }
    return public_key_from("RSA", builder.get());
}

owned<EVP_PKEY> p256_public_key(std::string_view x, std::string_view y) {
    const owned<OSSL_PARAM_BLD> builder(OSSL_PARAM_BLD_new());
    if (!builder) throw std::runtime_error("OpenSSL OSSL_PARAM_BLD_new failed");
    std::string point = "\x04";  // SEC 1 §2.3.3 uncompressed: 04 || X || Y
    point.append(x).append(y);
    if (OSSL_PARAM_BLD_push_utf8_string(builder.get(), OSSL_PKEY_PARAM_GROUP_NAME, "prime256v1",
                                        0) != 1 ||
        OSSL_PARAM_BLD_push_octet_string(builder.get(), OSSL_PKEY_PARAM_PUB_KEY, point.data(),
                                         point.size()) != 1) {
        throw std::runtime_error("OpenSSL cannot build EC parameters");
    }
    return public_key_from("EC", builder.get());
}

// The DER ECDSA-Sig-Value (RFC 3279 §2.2.3) OpenSSL verifies, from the JWS form R||S.
std::string ecdsa_der(std::string_view r_and_s) {
    const std::size_t half = r_and_s.size() / 2;
    owned<ECDSA_SIG> sig(ECDSA_SIG_new());
    owned<BIGNUM> r = big_endian_number(r_and_s.substr(0, half));
    owned<BIGNUM> s = big_endian_number(r_and_s.substr(half));
    if (!sig || ECDSA_SIG_set0(sig.get(), r.get(), s.get()) != 1) {
        throw std::runtime_error("OpenSSL ECDSA_SIG_set0 failed");
    }
    r.release();  // owned by sig now
    s.release();
    const int length = i2d_ECDSA_SIG(sig.get(), nullptr);
    if (length <= 0) throw std::runtime_error("OpenSSL i2d_ECDSA_SIG failed");
    std::string der(static_cast<std::size_t>(length), '\0');
    auto* out = reinterpret_cast<unsigned char*>(der.data());
    if (i2d_ECDSA_SIG(sig.get(), &out) != length) {
        throw std::runtime_error("OpenSSL i2d_ECDSA_SIG failed");
    }
    return der;
}

// Sets up `ctx` (from EVP_DigestVerifyInit_ex) for `alg`'s padding; false when OpenSSL refuses.
bool set_padding(EVP_PKEY_CTX* ctx, jws_algorithm alg) {
    switch (alg) {
        case jws_algorithm::rs256:
            return EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_PADDING) == 1;
        case jws_algorithm::ps256:
            // RFC 7518 §3.5: MGF1 with SHA-256, and a salt as long as the hash. The salt length is
            // checked exactly on verification, not auto-detected.
            return EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_PSS_PADDING) == 1 &&
                   EVP_PKEY_CTX_set_rsa_mgf1_md_name(ctx, "SHA256", nullptr) == 1 &&
                   EVP_PKEY_CTX_set_rsa_pss_saltlen(ctx, 32) == 1;
        case jws_algorithm::es256:
            return true;
    }
    return false;
}

constexpr const char* private_members[] = {"d", "p", "q", "dp", "dq", "qi", "oth"};

}  // namespace

struct public_key::evp_key {
    explicit evp_key(owned<EVP_PKEY> k) : pkey(std::move(k)) {}
    const owned<EVP_PKEY> pkey;
};

bool public_key::verify(jws_algorithm alg, std::string_view data,
                        std::string_view signature) const {
    if (!key_ || !allows(alg)) return false;
    std::string der;
    if (alg == jws_algorithm::es256) {
        if (signature.size() != 64) return false;  // R||S, 32 bytes each for P-256
        der = ecdsa_der(signature);
        signature = der;
    }
    const owned<EVP_MD_CTX> ctx(EVP_MD_CTX_new());
    if (!ctx) throw std::runtime_error("OpenSSL EVP_MD_CTX_new failed");
    EVP_PKEY_CTX* key_ctx = nullptr;  // owned by ctx
    if (EVP_DigestVerifyInit_ex(ctx.get(), &key_ctx, "SHA256", nullptr, nullptr, key_->pkey.get(),
                                nullptr) != 1 ||
        !set_padding(key_ctx, alg)) {
        ERR_clear_error();
        throw std::runtime_error("OpenSSL cannot set up a signature verification");
    }
    const int verified = EVP_DigestVerify(ctx.get(), bytes_of(signature), signature.size(),
                                          bytes_of(data), data.size());
    ERR_clear_error();  // a refused signature leaves errors on this thread's queue
    return verified == 1;
}

// Builds one public_key from one JWK; the only code that can make one.
class jwk_builder {
public:
    jwk_builder(const nlohmann::json& jwk, std::size_t index) : jwk_(jwk), index_(index) {}

    // The key, or the error that refuses it (and with it the whole document).
    std::optional<jwks_error> build(public_key& out) {
        if (!jwk_.is_object()) return fail(jwks_problem::key_not_an_object, "is not a JSON object");
        for (const char* private_member : private_members) {
            if (jwk_.contains(private_member)) {
                return fail(jwks_problem::private_key, std::string("has the private member \"") +
                                                           private_member +
                                                           "\"; register the public key only");
            }
        }
        const nlohmann::json* kty = nullptr;
        if (auto e = member("kty", true, kty)) return e;
        const std::string& type = kty->get_ref<const std::string&>();
        if (type == "oct") {
            return fail(jwks_problem::symmetric_key, "is a symmetric (kty \"oct\") key");
        }
        if (type == "RSA") {
            out.type_ = key_type::rsa;
        } else if (type == "EC") {
            out.type_ = key_type::ec_p256;
        } else {
            return fail(jwks_problem::unsupported_key_type,
                        "has kty \"" + printable(type) + "\"; only RSA and EC are supported");
        }
        if (auto e = check_use_and_key_ops()) return e;
        if (auto e = read_alg(out)) return e;
        if (auto e = read_kid(out)) return e;
        owned<EVP_PKEY> key;
        if (auto e = out.type_ == key_type::rsa ? read_rsa(out, key) : read_ec(out, key)) return e;
        out.key_ = std::make_shared<const public_key::evp_key>(std::move(key));
        return std::nullopt;
    }

private:
    jwks_error fail(jwks_problem problem, std::string what) const {
        return jwks_error{problem, index_, "key " + std::to_string(index_) + " " + what};
    }

    // A string member: `out` is null when it is absent and not `required`.
    std::optional<jwks_error> member(const char* name, bool required,
                                     const nlohmann::json*& out) const {
        out = nullptr;
        const auto it = jwk_.find(name);
        if (it == jwk_.end()) {
            if (!required) return std::nullopt;
            return fail(jwks_problem::missing_member, std::string("has no \"") + name + "\"");
        }
        if (!it->is_string()) {
            return fail(jwks_problem::bad_member_type,
                        std::string("\"") + name + "\" is not a string");
        }
        out = &*it;
        return std::nullopt;
    }

    // The bytes of a required base64url member.
    std::optional<jwks_error> bytes_member(const char* name, std::string& out) const {
        const nlohmann::json* text = nullptr;
        if (auto e = member(name, true, text)) return e;
        auto decoded = base64url_decode(text->get_ref<const std::string&>());
        if (!decoded) {
            return fail(jwks_problem::bad_base64url,
                        std::string("\"") + name + "\" is not unpadded base64url");
        }
        out = std::move(*decoded);
        return std::nullopt;
    }

    std::optional<jwks_error> check_use_and_key_ops() const {
        const nlohmann::json* use = nullptr;
        if (auto e = member("use", false, use)) return e;
        if (use && *use != "sig") {
            return fail(jwks_problem::bad_use, "has \"use\" other than \"sig\"");
        }
        const auto ops = jwk_.find("key_ops");
        if (ops == jwk_.end()) return std::nullopt;
        if (!ops->is_array()) {
            return fail(jwks_problem::bad_member_type, "\"key_ops\" is not an array");
        }
        for (const auto& op : *ops) {
            if (op == "verify") return std::nullopt;
        }
        return fail(jwks_problem::bad_key_ops, "has \"key_ops\" without \"verify\"");
    }

    std::optional<jwks_error> read_alg(public_key& out) const {
        const nlohmann::json* alg = nullptr;
        if (auto e = member("alg", false, alg)) return e;
        if (!alg) return std::nullopt;
        const std::string& alg_name = alg->get_ref<const std::string&>();
        const auto parsed = jws_algorithm_named(alg_name);
        if (!parsed || !fits(out.type_, *parsed)) {
            return fail(jwks_problem::bad_alg,
                        "has alg \"" + printable(alg_name) + "\"; " +
                            (out.type_ == key_type::rsa ? "RSA keys allow RS256 or PS256"
                                                        : "EC keys allow ES256"));
        }
        out.alg_ = parsed;
        return std::nullopt;
    }

    std::optional<jwks_error> read_kid(public_key& out) const {
        const nlohmann::json* kid = nullptr;
        if (auto e = member("kid", false, kid)) return e;
        if (!kid) return std::nullopt;
        const std::string& value = kid->get_ref<const std::string&>();
        if (value.empty() || value.size() > jwk_max_kid_length) {
            return fail(jwks_problem::bad_kid, "has a kid that is empty or longer than " +
                                                   std::to_string(jwk_max_kid_length) +
                                                   " characters");
        }
        out.kid_ = value;
        return std::nullopt;
    }

    std::optional<jwks_error> read_rsa(public_key& out, owned<EVP_PKEY>& key) const {
        std::string n;
        std::string e;
        if (auto error = bytes_member("n", n)) return error;
        if (auto error = bytes_member("e", e)) return error;
        // RFC 7518 §6.3.1 wants no leading zero octets; some encoders add one, and the value is
        // the same, so it is tolerated.
        const std::string_view modulus = without_leading_zeros(n);
        const std::string_view exponent = without_leading_zeros(e);
        out.bits_ = bit_length(modulus);
        if (out.bits_ < jwk_min_rsa_bits || out.bits_ > jwk_max_rsa_bits) {
            return fail(jwks_problem::rsa_modulus_size,
                        "has a " + std::to_string(out.bits_) + "-bit modulus; " +
                            std::to_string(jwk_min_rsa_bits) + " to " +
                            std::to_string(jwk_max_rsa_bits) + " bits are accepted");
        }
        if ((modulus.back() & 1) == 0) {
            return fail(jwks_problem::invalid_key, "has an even modulus");
        }
        if (exponent.empty() || exponent.size() > 8 || (exponent.back() & 1) == 0 ||
            (exponent.size() == 1 && static_cast<unsigned char>(exponent[0]) < 3)) {
            return fail(jwks_problem::rsa_exponent,
                        "has an exponent that is even, below 3 or longer than 8 bytes");
        }
        key = rsa_public_key(modulus, exponent);
        if (!key) {
            return fail(jwks_problem::invalid_key, "was refused by OpenSSL's RSA public key check");
        }
        return std::nullopt;
    }

    std::optional<jwks_error> read_ec(public_key& out, owned<EVP_PKEY>& key) const {
        const nlohmann::json* crv = nullptr;
        if (auto e = member("crv", true, crv)) return e;
        if (*crv != "P-256") {
            return fail(jwks_problem::unsupported_curve,
                        "has crv \"" + printable(crv->get_ref<const std::string&>()) +
                            "\"; only P-256 is supported");
        }
        std::string x;
        std::string y;
        if (auto e = bytes_member("x", x)) return e;
        if (auto e = bytes_member("y", y)) return e;
        // RFC 7518 §6.2.1.2: each coordinate is the full 32 bytes, leading zeros included.
        if (x.size() != 32 || y.size() != 32) {
            return fail(jwks_problem::ec_coordinate_size, "has x or y of other than 32 bytes");
        }
        out.bits_ = 256;
        key = p256_public_key(x, y);
        if (!key) {
            return fail(jwks_problem::point_not_on_curve,
                        "has (x, y) that is not a point of P-256");
        }
        return std::nullopt;
    }

    // At most 64 characters of a value from the document, for a message; anything outside
    // printable ASCII becomes '?'.
    static std::string printable(std::string_view value) {
        std::string out(value.substr(0, 64));
        for (char& c : out) {
            if (c < 0x20 || c > 0x7e) c = '?';
        }
        if (value.size() > 64) out += "...";
        return out;
    }

    const nlohmann::json& jwk_;
    const std::size_t index_;
};

jwks_parse_result parse_jwks(std::string_view jwks_text) {
    jwks_parse_result result;
    if (jwks_text.size() > jwks_max_text_bytes) {
        result.error = {
            jwks_problem::too_large, std::nullopt,
            "the JWKS document is over " + std::to_string(jwks_max_text_bytes) + " bytes"};
        return result;
    }
    const auto document = nlohmann::json::parse(jwks_text, nullptr, false);
    if (document.is_discarded()) {
        result.error = {jwks_problem::not_json, std::nullopt,
                        "the JWKS document is not valid JSON"};
        return result;
    }
    return parse_jwks_value(document);
}

jwks_parse_result parse_jwks_value(const nlohmann::json& jwks) {
    jwks_parse_result result;
    const auto refuse = [&](jwks_problem problem, std::string message) {
        result.error = {problem, std::nullopt, std::move(message)};
        return std::move(result);
    };
    if (!jwks.is_object()) {
        return refuse(jwks_problem::not_a_key_set, "the JWKS document is not a JSON object");
    }
    const auto keys = jwks.find("keys");
    if (keys == jwks.end() || !keys->is_array()) {
        return refuse(jwks_problem::not_a_key_set, "the JWKS document has no \"keys\" array");
    }
    if (keys->empty()) return refuse(jwks_problem::no_keys, "the JWKS document has no keys");
    if (keys->size() > jwks_max_keys) {
        return refuse(jwks_problem::too_many_keys,
                      "the JWKS document has " + std::to_string(keys->size()) + " keys; at most " +
                          std::to_string(jwks_max_keys) + " are accepted");
    }
    std::vector<public_key> parsed;
    parsed.reserve(keys->size());
    for (std::size_t index = 0; index < keys->size(); ++index) {
        public_key key;
        if (auto error = jwk_builder((*keys)[index], index).build(key)) {
            result.error = std::move(*error);
            return result;
        }
        for (std::size_t earlier = 0; earlier < parsed.size(); ++earlier) {
            if (!key.kid().empty() && parsed[earlier].kid() == key.kid()) {
                result.error = {jwks_problem::duplicate_kid, index,
                                "key " + std::to_string(index) + " has the same kid as key " +
                                    std::to_string(earlier)};
                return result;
            }
        }
        parsed.push_back(std::move(key));
    }
    result.keys = key_set(std::move(parsed));
    return result;
}

const public_key* key_set::find(std::string_view kid) const {
    if (kid.empty()) return nullptr;
    for (const auto& key : keys_) {
        if (key.kid() == kid) return &key;
    }
    return nullptr;
}

}  // namespace hsoauth::crypto
