#include "hsoauth/crypto/random.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <mutex>
#include <stdexcept>

namespace hsoauth::crypto {

namespace {

void fill_random(unsigned char* out, std::size_t count) {
    if (RAND_bytes(out, static_cast<int>(count)) != 1) throw std::runtime_error("OpenSSL RAND_bytes failed");
}

// Bytes from OpenSSL's CSPRNG, drawn 4 KiB at a time per thread: one RAND_bytes call (and its
// fork check, a getpid(2)) serves about a hundred tokens. Each byte is handed out once and
// wiped from the pool as it goes. The process never forks, so no two processes share a pool.
class random_pool {
public:
    ~random_pool() { OPENSSL_cleanse(bytes_.data(), bytes_.size()); }

    void take(unsigned char* out, std::size_t count) {
        if (count > bytes_.size()) return fill_random(out, count);
        if (count > bytes_.size() - used_) {
            fill_random(bytes_.data(), bytes_.size());
            used_ = 0;
        }
        std::memcpy(out, bytes_.data() + used_, count);
        OPENSSL_cleanse(bytes_.data() + used_, count);
        used_ += count;
    }

private:
    std::array<unsigned char, 4096> bytes_{};
    std::size_t used_ = bytes_.size();  // empty until the first draw
};

// This thread's pool.
random_pool& thread_pool() {
    thread_local random_pool pool;
    return pool;
}

}  // namespace

std::string random_source::bytes(std::size_t count) {
    std::string out(count, '\0');
    fill(out);
    return out;
}

std::string random_bytes(std::size_t count) {
    std::string out(count, '\0');
    thread_pool().take(reinterpret_cast<unsigned char*>(out.data()), count);
    return out;
}

std::string base64url(std::string_view bytes) {
    std::string out;
    base64url_append(out, bytes);
    return out;
}

void base64url_append(std::string& out, std::string_view bytes) {
    const std::size_t at = out.size();
    out.resize(at + base64url_length(bytes.size()));
    base64url_write(bytes, out.data() + at);
}

void base64url_write(std::string_view bytes, char* out) {
    static constexpr char alphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    std::size_t i = 0;
    const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(bytes[k]); };
    for (; i + 3 <= bytes.size(); i += 3) {
        const unsigned v = (byte(i) << 16) | (byte(i + 1) << 8) | byte(i + 2);
        *out++ = alphabet[(v >> 18) & 63];
        *out++ = alphabet[(v >> 12) & 63];
        *out++ = alphabet[(v >> 6) & 63];
        *out++ = alphabet[v & 63];
    }
    if (bytes.size() - i == 1) {
        const unsigned v = byte(i) << 16;
        *out++ = alphabet[(v >> 18) & 63];
        *out++ = alphabet[(v >> 12) & 63];
    } else if (bytes.size() - i == 2) {
        const unsigned v = (byte(i) << 16) | (byte(i + 1) << 8);
        *out++ = alphabet[(v >> 18) & 63];
        *out++ = alphabet[(v >> 12) & 63];
        *out++ = alphabet[(v >> 6) & 63];
    }
}

std::optional<std::string> base64_decode_unpadded(std::string_view text, char digit62,
                                                  char digit63) {
    if (text.size() % 4 == 1) return std::nullopt;  // one digit holds 6 bits: not a whole byte
    std::string out;
    out.reserve(text.size() * 3 / 4);
    unsigned buffer = 0;  // bits read but not yet emitted, in its low `bits` bits
    int bits = 0;
    for (const char c : text) {
        const int digit = base64_digit(c, digit62, digit63);
        if (digit < 0) return std::nullopt;
        buffer = (buffer << 6) | static_cast<unsigned>(digit);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out.push_back(static_cast<char>((buffer >> bits) & 0xff));
            buffer &= (1u << bits) - 1;
        }
    }
    if (buffer != 0) return std::nullopt;  // non-zero bits after the last byte: not canonical
    return out;
}

std::string hex(std::string_view bytes) {
    static constexpr char digits[] = "0123456789abcdef";
    std::string out;
    out.reserve(bytes.size() * 2);
    for (const char c : bytes) {
        const auto b = static_cast<unsigned char>(c);
        out += digits[b >> 4];
        out += digits[b & 15];
    }
    return out;
}

namespace {

class csprng_source final : public random_source {
public:
    void fill(std::span<char> out) override {
        thread_pool().take(reinterpret_cast<unsigned char*>(out.data()), out.size());
    }
};

class hmac_stream_source final : public random_source {
public:
    explicit hmac_stream_source(std::string_view seed) {
        SHA256(reinterpret_cast<const unsigned char*>(seed.data()), seed.size(), key_.data());
    }
    ~hmac_stream_source() override {
        OPENSSL_cleanse(key_.data(), key_.size());
        OPENSSL_cleanse(block_.data(), block_.size());
    }

    void fill(std::span<char> out) override {
        std::lock_guard lock(mutex_);
        std::size_t done = 0;
        while (done < out.size()) {
            if (used_ == block_.size()) next_block();
            const std::size_t take = std::min(out.size() - done, block_.size() - used_);
            std::memcpy(out.data() + done, block_.data() + used_, take);
            done += take;
            used_ += take;
        }
    }

private:
    void next_block() {
        unsigned char counter[8];
        for (int i = 0; i < 8; ++i) counter[i] = static_cast<unsigned char>(blocks_ >> (8 * (7 - i)));
        unsigned int length = 0;
        if (!HMAC(EVP_sha256(), key_.data(), static_cast<int>(key_.size()), counter, sizeof counter,
                  block_.data(), &length) ||
            length != block_.size()) {
            throw std::runtime_error("OpenSSL HMAC failed");
        }
        ++blocks_;
        used_ = 0;
    }

    std::array<unsigned char, 32> key_{};
    std::mutex mutex_;
    std::array<unsigned char, 32> block_{};  // guarded by mutex_
    std::size_t used_ = 32;                  // guarded by mutex_
    std::uint64_t blocks_ = 0;               // guarded by mutex_
};

}  // namespace

random_source& system_random() {
    static csprng_source source;
    return source;
}

std::unique_ptr<random_source> seeded_random(std::string_view seed) {
    return std::make_unique<hmac_stream_source>(seed);
}

std::string uuid_v4() { return uuid_v4(system_random()); }

std::string uuid_v4(random_source& source) {
    std::string raw = source.bytes(16);
    raw[6] = static_cast<char>((raw[6] & 0x0f) | 0x40);
    raw[8] = static_cast<char>((raw[8] & 0x3f) | 0x80);
    const std::string h = hex(raw);
    std::string out;
    out.reserve(36);
    std::size_t at = 0;
    for (const std::size_t group : {8, 4, 4, 4, 12}) {
        if (at > 0) out.push_back('-');
        out.append(h, at, group);
        at += group;
    }
    return out;
}

}  // namespace hsoauth::crypto
