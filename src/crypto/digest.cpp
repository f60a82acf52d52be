#include "hsoauth/crypto/digest.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/core_names.h>
#include <openssl/params.h>

#include <array>
#include <atomic>
#include <stdexcept>

namespace hsoauth::crypto {

namespace {

std::atomic<std::uint64_t> next_hasher_id{1};

struct mac_context_deleter {
    void operator()(EVP_MAC_CTX* ctx) const { EVP_MAC_CTX_free(ctx); }
};
using mac_context = std::unique_ptr<EVP_MAC_CTX, mac_context_deleter>;

// This thread's copy of one hasher's keyed context.
struct thread_copy {
    std::uint64_t owner = 0;
    mac_context ctx;
};
// A few hashers take turns on one thread (the pepper's, and the two keys that sign access tokens,
// in one introspection): each keeps its copy rather than evicting the others' on every call.
constexpr std::size_t copies_per_thread = 4;
struct thread_copies {
    std::array<thread_copy, copies_per_thread> slots;
    std::size_t next_victim = 0;  // replaced when a hasher without a copy arrives

    thread_copy& for_hasher(std::uint64_t id) {
        for (auto& slot : slots) {
            if (slot.owner == id) return slot;
        }
        thread_copy& victim = slots[next_victim];
        next_victim = (next_victim + 1) % copies_per_thread;
        victim.owner = 0;
        return victim;
    }
};
thread_local thread_copies this_thread_copies;

const EVP_MD* fetched_sha256() {
    static EVP_MD* const md = EVP_MD_fetch(nullptr, "SHA256", nullptr);
    if (md == nullptr) throw std::runtime_error("OpenSSL has no SHA256");
    return md;
}

}  // namespace

struct secret_hasher::keyed_context {
    mac_context ctx;
};

secret_hasher::secret_hasher(std::string pepper)
    : id_(next_hasher_id.fetch_add(1)), keyed_(std::make_unique<keyed_context>()) {
    if (pepper.size() < 32) throw std::invalid_argument("the pepper must have at least 32 bytes");
    EVP_MAC* mac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
    if (mac == nullptr) throw std::runtime_error("OpenSSL has no HMAC");
    keyed_->ctx.reset(EVP_MAC_CTX_new(mac));
    EVP_MAC_free(mac);  // the context keeps its own reference
    char digest_name[] = "SHA256";
    const OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string("digest", digest_name, 0),
                                 OSSL_PARAM_construct_end()};
    const bool keyed = keyed_->ctx &&
                       EVP_MAC_init(keyed_->ctx.get(), reinterpret_cast<const unsigned char*>(pepper.data()),
                                    pepper.size(), params) == 1;
    OPENSSL_cleanse(pepper.data(), pepper.size());
    if (!keyed) throw std::runtime_error("cannot set up HMAC-SHA256");
}

secret_hasher::~secret_hasher() = default;

digest secret_hasher::hash(std::string_view value) const {
    thread_copy& mine = this_thread_copies.for_hasher(id_);
    if (mine.owner != id_) {
        mine.ctx.reset(EVP_MAC_CTX_dup(keyed_->ctx.get()));
        mine.owner = mine.ctx ? id_ : 0;
        if (!mine.ctx) throw std::runtime_error("cannot copy the HMAC context");
    } else if (EVP_MAC_init(mine.ctx.get(), nullptr, 0, nullptr) != 1) {  // same key, fresh state
        throw std::runtime_error("HMAC-SHA256 failed");
    }
    digest out(32, '\0');
    std::size_t length = 0;
    if (EVP_MAC_update(mine.ctx.get(), reinterpret_cast<const unsigned char*>(value.data()), value.size()) != 1 ||
        EVP_MAC_final(mine.ctx.get(), reinterpret_cast<unsigned char*>(out.data()), &length, out.size()) != 1 ||
        length != 32) {
        mine.owner = 0;
        throw std::runtime_error("HMAC-SHA256 failed");
    }
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
