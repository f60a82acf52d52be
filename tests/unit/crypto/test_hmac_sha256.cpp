// HMAC-SHA256 keyed once (crypto/hmac_sha256.hpp): RFC 4231's test vectors, keys and messages
// around the SHA-256 block size against the openssl command, and secret_hasher's two outputs.
#include <doctest/doctest.h>

#include <cstdio>
#include <span>
#include <string>
#include <thread>
#include <vector>

#include "hsoauth/crypto/digest.hpp"
#include "hsoauth/crypto/hmac_sha256.hpp"
#include "hsoauth/crypto/random.hpp"
#include "openssl_cli.hpp"

using namespace hsoauth;

namespace {

std::string bytes_from_hex(std::string_view hex) {
    std::string out;
    for (std::size_t i = 0; i + 1 < hex.size(); i += 2) {
        out.push_back(static_cast<char>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16)));
    }
    return out;
}

// HMAC-SHA256 of each message under `key`, computed by `openssl dgst` (one call for all).
std::vector<std::string> openssl_hmacs(const std::string& key, const std::vector<std::string>& messages,
                                       const test::temp_dir& directory) {
    std::string command = "openssl dgst -sha256 -mac HMAC -macopt hexkey:" + crypto::hex(key);
    for (std::size_t i = 0; i < messages.size(); ++i) {
        const std::string path = directory.file("message" + std::to_string(i));
        test::write_file(path, messages[i]);
        command += " " + path;
    }
    std::vector<std::string> out;
    FILE* pipe = popen(command.c_str(), "r");
    REQUIRE(pipe != nullptr);
    char line[512];
    while (std::fgets(line, sizeof line, pipe) != nullptr) {
        std::string text(line);
        const auto equals = text.rfind("= ");
        if (equals != std::string::npos) out.push_back(text.substr(equals + 2, 64));
    }
    REQUIRE(pclose(pipe) == 0);
    return out;
}

}  // namespace

TEST_CASE("crypto: hmac_sha256 gives RFC 4231's HMAC-SHA256 values (cases 1-4, 6, 7)") {
    struct vector_case {
        const char* name;
        std::string key;
        std::string data;
        const char* mac;
    };
    const std::string long_key(131, '\xaa');
    const vector_case cases[] = {
        {"1", std::string(20, '\x0b'), "Hi There",
         "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"},
        {"2", "Jefe", "what do ya want for nothing?",
         "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"},
        {"3", std::string(20, '\xaa'), std::string(50, '\xdd'),
         "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe"},
        {"4", bytes_from_hex("0102030405060708090a0b0c0d0e0f10111213141516171819"), std::string(50, '\xcd'),
         "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b"},
        {"6 (key longer than a block)", long_key, "Test Using Larger Than Block-Size Key - Hash Key First",
         "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"},
        {"7 (key and data longer than a block)", long_key,
         "This is a test using a larger than block-size key and a larger than block-size data. "
         "The key needs to be hashed before being used by the HMAC algorithm.",
         "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2"},
    };
    for (const auto& c : cases) {
        CAPTURE(c.name);
        CHECK(crypto::hex(crypto::hmac_sha256(c.key, c.data)) == c.mac);
        const crypto::hmac_sha256_key keyed(c.key);
        std::string twice(2 * crypto::hmac_sha256_size, '\0');  // the same key object, used twice
        keyed.mac(c.data, std::span<char, crypto::hmac_sha256_size>(twice.data(), crypto::hmac_sha256_size));
        keyed.mac(c.data, std::span<char, crypto::hmac_sha256_size>(twice.data() + crypto::hmac_sha256_size,
                                                                     crypto::hmac_sha256_size));
        CHECK(crypto::hex(twice) == std::string(c.mac) + c.mac);
    }
}

TEST_CASE("crypto: hmac_sha256 agrees with openssl dgst for keys and messages around the block size") {
    SKIP_WITHOUT_OPENSSL_CLI();
    const test::temp_dir directory;
    std::vector<std::string> messages;
    for (const std::size_t length : {0, 1, 31, 32, 55, 56, 63, 64, 65, 119, 120, 128, 129, 1000}) {
        std::string message(length, '\0');
        for (std::size_t i = 0; i < length; ++i) message[i] = static_cast<char>((i * 131 + length) & 0xff);
        messages.push_back(message);
    }
    for (const std::size_t key_length : {1, 32, 63, 64, 65, 200}) {
        CAPTURE(key_length);
        std::string key(key_length, '\0');
        for (std::size_t i = 0; i < key_length; ++i) key[i] = static_cast<char>((i * 7 + 1) & 0xff);
        const auto expected = openssl_hmacs(key, messages, directory);
        REQUIRE(expected.size() == messages.size());
        for (std::size_t m = 0; m < messages.size(); ++m) {
            CAPTURE(messages[m].size());
            CHECK(crypto::hex(crypto::hmac_sha256(key, messages[m])) == expected[m]);
        }
    }
}

TEST_CASE("crypto: secret_hasher's inline digest holds the same bytes as its string digest") {
    const crypto::secret_hasher hasher(std::string(131, '\xaa'));
    const crypto::inline_digest in_place = hasher.hash_inline("Test Using Larger Than Block-Size Key - Hash Key First");
    CHECK(crypto::hex(in_place) == "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
    for (const std::string& value : {std::string(), std::string("a"), std::string(64, 'x'), std::string(300, 'y')}) {
        CHECK(std::string(std::string_view(hasher.hash_inline(value))) == hasher.hash(value));
    }
}

TEST_CASE("crypto: secret_hashers used from several threads at once give each thread the right digests") {
    const crypto::secret_hasher first(std::string(32, 'a'));
    const crypto::secret_hasher second(std::string(40, 'b'));
    const std::string first_expected = crypto::hmac_sha256(std::string(32, 'a'), "token");
    const std::string second_expected = crypto::hmac_sha256(std::string(40, 'b'), "token");
    std::vector<int> wrong(4, 0);
    std::vector<std::thread> threads;
    for (std::size_t t = 0; t < wrong.size(); ++t) {
        threads.emplace_back([&, t] {
            for (int i = 0; i < 2000; ++i) {
                if (first.hash("token") != first_expected) ++wrong[t];
                if (std::string_view(second.hash_inline("token")) != second_expected) ++wrong[t];
            }
        });
    }
    for (auto& thread : threads) thread.join();
    CHECK(wrong == std::vector<int>(wrong.size(), 0));
}
