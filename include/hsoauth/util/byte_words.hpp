#pragma once
// Tests on eight bytes of text at once, for scanners that skip long runs of ordinary bytes (JSON
// strings, header lines and values) a word at a time and look at single bytes only where a word
// holds something to look at. A word is the eight bytes at a pointer, read with memcpy (any
// alignment, any byte order: the tests ask about any byte of the word, not which one). Each test
// is exact: nonzero if and only if some byte of the word has the property (the classic "has a
// zero byte" arithmetic, whose bits above a true hit may be false ones; only "zero or not" is
// used).
#include <cstdint>
#include <cstring>

namespace hsoauth::util {

inline constexpr std::uint64_t byte_ones = 0x0101010101010101ULL;
inline constexpr std::uint64_t byte_highs = 0x8080808080808080ULL;

// The eight bytes at `p`, which must all be readable.
inline std::uint64_t load_word(const char* p) {
    std::uint64_t word;
    std::memcpy(&word, p, sizeof word);
    return word;
}

// Nonzero when some byte of `word` is 0.
constexpr std::uint64_t zero_byte_in(std::uint64_t word) {
    return (word - byte_ones) & ~word & byte_highs;
}

// Nonzero when some byte of `word` is `byte`.
constexpr std::uint64_t byte_in(std::uint64_t word, unsigned char byte) {
    return zero_byte_in(word ^ (byte_ones * byte));
}

// Nonzero when some byte of `word` is below `bound`, which must be at most 0x80.
constexpr std::uint64_t byte_below(std::uint64_t word, unsigned char bound) {
    return (word - byte_ones * bound) & ~word & byte_highs;
}

}  // namespace hsoauth::util
