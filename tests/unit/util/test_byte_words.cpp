// util/byte_words.hpp: the word-at-a-time tests against a byte-by-byte reference, for every byte
// value at every position of a word, among neighbours of every kind (a hit's borrow must not make
// or hide another).
#include <doctest/doctest.h>

#include <array>
#include <cstdint>

#include "hsoauth/util/byte_words.hpp"

using namespace hsoauth;

namespace {

constexpr std::array<unsigned char, 7> neighbours{'a', 0x00, 0x01, 0x1f, 0x20, 0x80, 0xff};

// Eight bytes of `fill` with `byte` at `position`.
std::array<char, 8> word_bytes(unsigned char fill, unsigned char byte, std::size_t position) {
    std::array<char, 8> bytes{};
    bytes.fill(static_cast<char>(fill));
    bytes[position] = static_cast<char>(byte);
    return bytes;
}

template <class Test>
bool any_byte(const std::array<char, 8>& bytes, Test test) {
    for (const char c : bytes) {
        if (test(static_cast<unsigned char>(c))) return true;
    }
    return false;
}

}  // namespace

TEST_CASE("byte_words: each test is exact for every byte at every position") {
    int mismatches = 0;
    for (const unsigned char fill : neighbours) {
        for (std::size_t position = 0; position < 8; ++position) {
            for (int value = 0; value < 256; ++value) {
                const auto bytes = word_bytes(fill, static_cast<unsigned char>(value), position);
                const std::uint64_t word = util::load_word(bytes.data());
                const bool zero = util::zero_byte_in(word) != 0;
                mismatches += zero != any_byte(bytes, [](unsigned char b) { return b == 0; });
                for (const unsigned char wanted : {'"', '\\', '\0', '\r'}) {
                    const bool found = util::byte_in(word, wanted) != 0;
                    const bool want = any_byte(bytes, [=](unsigned char b) { return b == wanted; });
                    mismatches += found != want;
                }
                for (const unsigned char bound : {1, 0x20, 0x80}) {
                    const bool below = util::byte_below(word, bound) != 0;
                    const bool want = any_byte(bytes, [=](unsigned char b) { return b < bound; });
                    mismatches += below != want;
                }
            }
        }
    }
    CHECK(mismatches == 0);
}
