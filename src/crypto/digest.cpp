#include "hsoauth/crypto/digest.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <stdexcept>

namespace hsoauth::crypto {

secret_hasher::secret_hasher(std::string pepper) : pepper_(std::move(pepper)) {
    if (pepper_.size() < 32) throw std::invalid_argument("the pepper must have at least 32 bytes");
}

secret_hasher::~secret_hasher() { OPENSSL_cleanse(pepper_.data(), pepper_.size()); }

digest secret_hasher::hash(std::string_view value) const {
    digest out(32, '\0');
    unsigned int length = 0;
    if (HMAC(EVP_sha256(), pepper_.data(), static_cast<int>(pepper_.size()),
             reinterpret_cast<const unsigned char*>(value.data()), value.size(),
             reinterpret_cast<unsigned char*>(out.data()), &length) == nullptr ||
        length != 32) {
        throw std::runtime_error("HMAC-SHA256 failed");
    }
    return out;
}

std::string sha256(std::string_view data) {
    std::string out(32, '\0');
    unsigned int length = 0;
    if (EVP_Digest(data.data(), data.size(), reinterpret_cast<unsigned char*>(out.data()), &length,
                   EVP_sha256(), nullptr) != 1) {
        throw std::runtime_error("SHA-256 failed");
    }
    return out;
}

bool constant_time_equal(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace hsoauth::crypto
