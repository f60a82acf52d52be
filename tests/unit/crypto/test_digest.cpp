// HMAC digests of secrets, SHA-256 and constant-time comparison (crypto/digest.hpp).
#include <doctest/doctest.h>

#include <stdexcept>
#include <string>

#include "hsoauth/crypto/digest.hpp"
#include "hsoauth/crypto/random.hpp"

using namespace hsoauth;

TEST_CASE("crypto: sha256 of \"abc\" is the FIPS 180-2 value") {
    CHECK(crypto::hex(crypto::sha256("abc")) ==
          "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    CHECK(crypto::hex(crypto::sha256("")) ==
          "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST_CASE("crypto: secret_hasher is HMAC-SHA256 (RFC 4231 test case 6)") {
    const crypto::secret_hasher hasher(std::string(131, '\xaa'));
    const auto d = hasher.hash("Test Using Larger Than Block-Size Key - Hash Key First");
    CHECK(d.size() == 32);
    CHECK(crypto::hex(d) == "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
}

TEST_CASE("crypto: secret_hasher is deterministic per pepper and differs across peppers") {
    const crypto::secret_hasher a(std::string(32, 'a'));
    const crypto::secret_hasher a_again(std::string(32, 'a'));
    const crypto::secret_hasher b(std::string(32, 'b'));
    CHECK(a.hash("client-secret") == a.hash("client-secret"));
    CHECK(a.hash("client-secret") == a_again.hash("client-secret"));
    CHECK(a.hash("client-secret") != b.hash("client-secret"));
    CHECK(a.hash("client-secret") != a.hash("client-secret2"));
    CHECK(a.hash("") != b.hash(""));
    CHECK(a.hash("client-secret").size() == 32);
}

TEST_CASE("crypto: secret_hasher refuses a pepper shorter than 32 bytes") {
    CHECK_THROWS_AS(crypto::secret_hasher(std::string(31, 'x')), std::invalid_argument);
    CHECK_THROWS_AS(crypto::secret_hasher(std::string()), std::invalid_argument);
    CHECK_NOTHROW(crypto::secret_hasher(std::string(32, 'x')));
}

TEST_CASE("crypto: constant_time_equal compares content and length") {
    CHECK(crypto::constant_time_equal("", ""));
    CHECK(crypto::constant_time_equal("secret", "secret"));
    CHECK_FALSE(crypto::constant_time_equal("secret", "secreT"));
    CHECK_FALSE(crypto::constant_time_equal("secret", "secret "));
    CHECK_FALSE(crypto::constant_time_equal("secret", "secre"));
    CHECK_FALSE(crypto::constant_time_equal("", "x"));
    CHECK(crypto::constant_time_equal(std::string("a\0b", 3), std::string("a\0b", 3)));
    CHECK_FALSE(crypto::constant_time_equal(std::string("a\0b", 3), std::string("a\0c", 3)));
}

TEST_CASE("crypto: constant_time_equal compares every byte of inputs longer than 8 bytes") {
    // A comparison that stopped early (say after 8 bytes, a word) would call these equal.
    for (const std::size_t length : {9, 16, 32, 33, 64, 100}) {
        CAPTURE(length);
        const std::string key(length, 'k');
        std::string last = key;
        last.back() = 'K';
        std::string first = key;
        first.front() = 'K';
        CHECK(crypto::constant_time_equal(key, std::string(length, 'k')));
        CHECK_FALSE(crypto::constant_time_equal(key, last));
        CHECK_FALSE(crypto::constant_time_equal(last, key));
        CHECK_FALSE(crypto::constant_time_equal(key, first));
        CHECK_FALSE(crypto::constant_time_equal(first, key));
    }
}
