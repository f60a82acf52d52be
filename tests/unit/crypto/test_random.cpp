// Encodings and identifiers: base64url, hex and UUIDv4 (crypto/random.hpp).
#include <doctest/doctest.h>

#include <cctype>
#include <set>
#include <string>

#include "hsoauth/crypto/random.hpp"

using namespace hsoauth;

TEST_CASE("crypto: base64url matches the RFC 4648 test vectors without padding") {
    CHECK(crypto::base64url("") == "");
    CHECK(crypto::base64url("f") == "Zg");
    CHECK(crypto::base64url("fo") == "Zm8");
    CHECK(crypto::base64url("foo") == "Zm9v");
    CHECK(crypto::base64url("foob") == "Zm9vYg");
    CHECK(crypto::base64url("fooba") == "Zm9vYmE");
    CHECK(crypto::base64url("foobar") == "Zm9vYmFy");
}

TEST_CASE("crypto: base64url uses the URL-safe alphabet") {
    // Standard base64 of these bytes is "+/8=" and "/+/+".
    CHECK(crypto::base64url(std::string("\xfb\xff", 2)) == "-_8");
    CHECK(crypto::base64url(std::string("\xff\xef\xfe", 3)) == "_-_-");
    CHECK(crypto::base64url(std::string(3, '\0')) == "AAAA");
}

TEST_CASE("crypto: hex is lowercase, two digits per byte") {
    CHECK(crypto::hex("") == "");
    CHECK(crypto::hex(std::string("\x00\x01\x7f\x80\xab\xff", 6)) == "00017f80abff");
    CHECK(crypto::hex("abc") == "616263");
}

TEST_CASE("crypto: random_bytes gives the requested length and differs between calls") {
    CHECK(crypto::random_bytes(0).empty());
    const auto a = crypto::random_bytes(32);
    const auto b = crypto::random_bytes(32);
    CHECK(a.size() == 32);
    CHECK(b.size() == 32);
    CHECK(a != b);
}

namespace {

bool is_lower_hex(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); }

}  // namespace

TEST_CASE("crypto: uuid_v4 has the RFC 4122 layout, version 4 and variant 10xx") {
    for (int i = 0; i < 200; ++i) {
        const std::string id = crypto::uuid_v4();
        REQUIRE(id.size() == 36);
        for (std::size_t k = 0; k < id.size(); ++k) {
            if (k == 8 || k == 13 || k == 18 || k == 23) {
                CHECK(id[k] == '-');
            } else {
                CHECK_MESSAGE(is_lower_hex(id[k]), id);
            }
        }
        CHECK(id[14] == '4');
        const char variant = id[19];
        CHECK_MESSAGE((variant == '8' || variant == '9' || variant == 'a' || variant == 'b'), id);
    }
}

TEST_CASE("crypto: uuid_v4 does not repeat") {
    std::set<std::string> seen;
    for (int i = 0; i < 2000; ++i) seen.insert(crypto::uuid_v4());
    CHECK(seen.size() == 2000);
}

TEST_CASE("crypto: base64url_decode inverts base64url on the RFC 4648 vectors and on every byte") {
    for (const char* text : {"", "f", "fo", "foo", "foob", "fooba", "foobar"}) {
        CAPTURE(text);
        const auto decoded = crypto::base64url_decode(crypto::base64url(text));
        REQUIRE(decoded.has_value());
        CHECK(*decoded == text);
    }
    std::string all;
    for (int b = 0; b < 256; ++b) all.push_back(static_cast<char>(b));
    for (std::size_t length = 0; length <= all.size(); length += 37) {
        const std::string bytes = all.substr(all.size() - length);
        CHECK(crypto::base64url_decode(crypto::base64url(bytes)) == bytes);
    }
    CHECK(crypto::base64url_decode("-_8") == std::string("\xfb\xff", 2));
}

TEST_CASE("crypto: base64url_decode refuses padding, the standard alphabet, stray characters and loose bits") {
    // Each is one change away from a valid text (Zm9vYg is "foob", Zg is "f").
    for (const char* text : {"Zm9vYg==", "Zg=", "Zm9vYg=", "+/8", "/_8", "-+8", "Zm9v Yg", "Zm9vYg\n",
                             "Zm9v.Yg", "Z", "Zm9vY", "Zh", "Zm9vYh", "Zm9="}) {
        CAPTURE(text);
        CHECK_FALSE(crypto::base64url_decode(text).has_value());
    }
    CHECK_FALSE(crypto::base64url_decode(std::string("Zm\0v", 4)).has_value());
    // The two-character form of one byte keeps 4 unused bits, the three-character form of two
    // bytes 2: only the all-zero choice is canonical.
    CHECK(crypto::base64url_decode("Zg") == std::string("f"));
    CHECK_FALSE(crypto::base64url_decode("Zh").has_value());
    CHECK_FALSE(crypto::base64url_decode("Zv").has_value());
    CHECK(crypto::base64url_decode("Zm8") == std::string("fo"));
    CHECK_FALSE(crypto::base64url_decode("Zm9").has_value());
}

TEST_CASE("crypto: a seeded source repeats its stream for the same seed and differs for another") {
    auto a = crypto::seeded_random("golden");
    auto b = crypto::seeded_random("golden");
    auto c = crypto::seeded_random("golden2");
    std::string first = a->bytes(10);
    first += a->bytes(40);  // across a 32-byte block boundary
    CHECK(first == b->bytes(50));
    CHECK(first != c->bytes(50));
    CHECK(first.size() == 50);
    CHECK(crypto::uuid_v4(*a) != crypto::uuid_v4(*c));
    // The system source is OpenSSL's: two draws differ.
    CHECK(crypto::system_random().bytes(32) != crypto::system_random().bytes(32));
}
