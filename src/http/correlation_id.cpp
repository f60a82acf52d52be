#include "hsoauth/http/correlation_id.hpp"

#include <cstring>

#include "hsoauth/crypto/random.hpp"

namespace hsoauth::http {

correlation_id_source::correlation_id_source() {
    const std::string seed = crypto::random_bytes(sizeof state_);
    std::memcpy(state_, seed.data(), sizeof state_);
    if (state_[0] == 0 && state_[1] == 0) state_[0] = 1;
}

correlation_id_source::correlation_id_source(std::uint64_t seed) {
    // SplitMix64 spreads the seed over both words (xorshift128+ wants them well mixed).
    const auto mix = [](std::uint64_t x) {
        x += 0x9e3779b97f4a7c15ULL;
        x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
        x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
        return x ^ (x >> 31);
    };
    state_[0] = mix(seed);
    state_[1] = mix(state_[0]);
    if (state_[0] == 0 && state_[1] == 0) state_[0] = 1;
}

std::string correlation_id_source::next() {
    std::string out;
    next(out);
    return out;
}

void correlation_id_source::next(std::string& out) {
    // xorshift128+: two 64-bit outputs make the 122 random bits of a version-4 UUID.
    const auto step = [this] {
        std::uint64_t a = state_[0];
        const std::uint64_t b = state_[1];
        state_[0] = b;
        a ^= a << 23;
        state_[1] = a ^ b ^ (a >> 17) ^ (b >> 26);
        return state_[1] + b;
    };
    std::uint64_t hi = step();
    std::uint64_t lo = step();
    hi = (hi & ~0xf000ULL) | 0x4000ULL;                        // version 4
    lo = (lo & 0x3fffffffffffffffULL) | 0x8000000000000000ULL;  // RFC 4122 variant
    static constexpr char digits[] = "0123456789abcdef";
    out.assign(36, '-');
    std::size_t at = 0;
    const auto put = [&](std::uint64_t value, int nibbles) {
        for (int i = nibbles - 1; i >= 0; --i) {
            if (at == 8 || at == 13 || at == 18 || at == 23) ++at;
            out[at++] = digits[(value >> (i * 4)) & 15];
        }
    };
    put(hi, 16);
    put(lo, 16);
}

}  // namespace hsoauth::http
