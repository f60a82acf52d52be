#include "hsoauth/crypto/digest.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <span>
#include <stdexcept>

namespace hsoauth::crypto {

namespace {

const EVP_MD* fetched_sha256() {
    static EVP_MD* const md = EVP_MD_fetch(nullptr, "SHA256", nullptr);
    if (md == nullptr) throw std::runtime_error("OpenSSL has no SHA256");
    return md;
}

std::string_view checked_pepper(const std::string& pepper) {
    if (pepper.size() < 32) throw std::invalid_argument("the pepper must have at least 32 bytes");
    return pepper;
}

}  // namespace

// The pepper is cleansed once the key has absorbed it, or when the check or the keying threw.
secret_hasher::secret_hasher(std::string pepper) try : key_(checked_pepper(pepper)) {
    OPENSSL_cleanse(pepper.data(), pepper.size());
} catch (...) {
    OPENSSL_cleanse(pepper.data(), pepper.size());
}

digest secret_hasher::hash(std::string_view value) const {
    digest out(hmac_sha256_size, '\0');
    key_.mac(value, std::span<char, hmac_sha256_size>(out.data(), out.size()));
    return out;
}

inline_digest secret_hasher::hash_inline(std::string_view value) const noexcept {
    inline_digest out;
    key_.mac(value, out.bytes);
    return out;
}

std::string sha256(std::string_view data) {
    std::string out(32, '\0');
    unsigned int length = 0;
    if (EVP_Digest(data.data(), data.size(), reinterpret_cast<unsigned char*>(out.data()), &length,
                   fetched_sha256(), nullptr) != 1) {
        throw std::runtime_error("SHA-256 failed");
    }
    return out;
}

bool constant_time_equal(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace hsoauth::crypto
