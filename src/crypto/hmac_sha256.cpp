// OpenSSL 3 deprecates the low-level SHA256_* functions in favour of EVP_MD. They are used here on
// purpose: a SHA256_CTX is a plain struct, so a pre-keyed state is copied by assignment, while
// copying an EVP_MD_CTX (EVP_MD_CTX_copy_ex) goes through the provider and allocates a new
// algorithm context on every copy. Both run the same SHA-256 block code. The suppression is
// confined to this file.
#define OPENSSL_SUPPRESS_DEPRECATED

#include "hsoauth/crypto/hmac_sha256.hpp"

#include <openssl/crypto.h>
#include <openssl/sha.h>

#include <array>
#include <cstring>

namespace hsoauth::crypto {

namespace {

constexpr std::size_t block_size = SHA256_CBLOCK;  // 64 bytes

const unsigned char* bytes_of(std::string_view text) {
    return reinterpret_cast<const unsigned char*>(text.data());
}

// A SHA-256 state that has absorbed `pad` XOR the block-sized key.
void absorb_padded_key(SHA256_CTX& state, const std::array<unsigned char, block_size>& key_block,
                       unsigned char pad) {
    std::array<unsigned char, block_size> padded;
    for (std::size_t i = 0; i < block_size; ++i) padded[i] = key_block[i] ^ pad;
    SHA256_Init(&state);
    SHA256_Update(&state, padded.data(), padded.size());
    OPENSSL_cleanse(padded.data(), padded.size());
}

}  // namespace

struct hmac_sha256_key::keyed_states {
    SHA256_CTX inner;  // after key XOR ipad
    SHA256_CTX outer;  // after key XOR opad
};

hmac_sha256_key::hmac_sha256_key(std::string_view key) : states_(std::make_unique<keyed_states>()) {
    std::array<unsigned char, block_size> key_block{};  // the key, zero-padded to a block
    if (key.size() > block_size) {
        SHA256(bytes_of(key), key.size(), key_block.data());
    } else if (!key.empty()) {
        std::memcpy(key_block.data(), key.data(), key.size());
    }
    absorb_padded_key(states_->inner, key_block, 0x36);
    absorb_padded_key(states_->outer, key_block, 0x5c);
    OPENSSL_cleanse(key_block.data(), key_block.size());
}

hmac_sha256_key::~hmac_sha256_key() { OPENSSL_cleanse(states_.get(), sizeof(keyed_states)); }

void hmac_sha256_key::mac(std::string_view message, std::span<char, hmac_sha256_size> out) const noexcept {
    auto* const result = reinterpret_cast<unsigned char*>(out.data());
    SHA256_CTX work = states_->inner;
    SHA256_Update(&work, bytes_of(message), message.size());
    SHA256_Final(result, &work);  // the inner hash, absorbed next by the outer state
    work = states_->outer;
    SHA256_Update(&work, result, hmac_sha256_size);
    SHA256_Final(result, &work);
    OPENSSL_cleanse(&work, sizeof(work));  // it held a key-equivalent state until the last block
}

std::string hmac_sha256(std::string_view key, std::string_view message) {
    const hmac_sha256_key keyed(key);
    std::string out(hmac_sha256_size, '\0');
    keyed.mac(message, std::span<char, hmac_sha256_size>(out.data(), out.size()));
    return out;
}

}  // namespace hsoauth::crypto
