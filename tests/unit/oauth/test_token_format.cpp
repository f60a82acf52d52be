// Shapes of issued secrets (oauth/token_format.hpp), and the row ids tokens carry.
#include <doctest/doctest.h>

#include <set>
#include <string>
#include <vector>

#include "hsoauth/crypto/random.hpp"
#include "hsoauth/oauth/token_format.hpp"

using namespace hsoauth::oauth;

namespace {

const std::int64_t sample_ids[] = {1, 2, 4096, std::int64_t{1} << 40, 9'007'199'254'740'993};

bool is_lower_hex(std::string_view text) {
    return text.find_first_not_of("0123456789abcdef") == std::string_view::npos;
}

}  // namespace

TEST_CASE("token_format: an access token is C + 54 base64url characters and carries its row id") {
    for (const std::int64_t id : sample_ids) {
        const std::string token = std::string(new_access_token(id));
        CHECK(token.size() == 55);  // 8 bytes of id and 32 random bytes
        CHECK(token.front() == 'C');
        CHECK(token.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_", 1) ==
              std::string::npos);
        CHECK(access_token_id(token) == id);
    }
}

TEST_CASE("token_format: access tokens with the same id differ (256 random bits each)") {
    std::set<std::string> seen;
    for (int i = 0; i < 1000; ++i) seen.insert(std::string(new_access_token(7)));
    CHECK(seen.size() == 1000);
}

TEST_CASE("token_format: a shorter access token, issued before migration 0004, still carries its id") {
    // 8 bytes of id (here 258) and 28 random bytes.
    std::string old_token = "C";
    const std::string id_bytes("\0\0\0\0\0\0\1\2", 8);
    old_token += hsoauth::crypto::base64url(id_bytes + hsoauth::crypto::random_bytes(28));
    REQUIRE(old_token.size() == 49);
    CHECK(access_token_id(old_token) == 258);
}

TEST_CASE("token_format: anything but an access token's shape carries no access id") {
    const std::string token = std::string(new_access_token(42));
    CHECK_FALSE(access_token_id("").has_value());
    CHECK_FALSE(access_token_id(token.substr(1)).has_value());                 // no C
    CHECK_FALSE(access_token_id(token + "A").has_value());                     // too long
    CHECK_FALSE(access_token_id(token.substr(0, 54)).has_value());             // too short
    std::string other_prefix = token;
    other_prefix[0] = 'D';
    CHECK_FALSE(access_token_id(other_prefix).has_value());
    std::string not_base64url = token;
    not_base64url[5] = '%';
    CHECK_FALSE(access_token_id(not_base64url).has_value());
    CHECK_FALSE(access_token_id(new_refresh_token("na1", 42)).has_value());
}

TEST_CASE("token_format: any byte outside base64url among the id's 11 characters refuses the id") {
    const std::string token = std::string(new_access_token(9'007'199'254'740'993));
    const std::string_view alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    for (std::size_t at = 1; at <= 11; ++at) {
        for (int b = 0; b < 256; ++b) {
            std::string changed = token;
            changed[at] = static_cast<char>(b);
            const bool digit = alphabet.find(static_cast<char>(b)) != std::string_view::npos;
            CAPTURE(at);
            CAPTURE(b);
            CHECK(access_token_id(changed).has_value() == digit);
        }
    }
    // The 12th character onwards holds no id bits: a digit there changes nothing.
    std::string changed = token;
    changed[12] = changed[12] == 'A' ? 'B' : 'A';
    CHECK(access_token_id(changed) == access_token_id(token));
}

TEST_CASE("token_format: a refresh token is hublet, 32 random bytes in hex groups, and its row id") {
    for (const std::int64_t id : sample_ids) {
        const std::string token = new_refresh_token("eu1", id);
        REQUIRE(token.rfind("eu1-", 0) == 0);
        // eu1-8-4-4-4-12-32-16
        std::vector<std::string> groups;
        for (std::size_t at = 4;;) {
            const auto dash = token.find('-', at);
            groups.push_back(token.substr(at, dash == std::string::npos ? std::string::npos : dash - at));
            if (dash == std::string::npos) break;
            at = dash + 1;
        }
        REQUIRE(groups.size() == 7);
        const std::size_t widths[] = {8, 4, 4, 4, 12, 32, 16};
        for (std::size_t i = 0; i < groups.size(); ++i) {
            CHECK(groups[i].size() == widths[i]);
            CHECK(is_lower_hex(groups[i]));
        }
        CHECK(refresh_token_id(token) == id);
    }
    CHECK(new_refresh_token("na1", 5) != new_refresh_token("na1", 5));
    const std::string with_id_255 = new_refresh_token("na1", 255);
    CHECK(with_id_255.substr(with_id_255.size() - 17) == "-00000000000000ff");
}

TEST_CASE("token_format: a refresh token issued before migration 0004, or garbage, carries no refresh id") {
    // The old shape: hublet and 32 random bytes, last group 32 hex digits.
    CHECK_FALSE(refresh_token_id(new_authorization_code("na1")).has_value());
    CHECK_FALSE(refresh_token_id("").has_value());
    CHECK_FALSE(refresh_token_id("0000000000000001").has_value());            // no dash
    CHECK_FALSE(refresh_token_id("na1-000000000000001").has_value());         // 15 digits
    CHECK_FALSE(refresh_token_id("na1-00000000000000001").has_value());       // 17 digits
    CHECK_FALSE(refresh_token_id("na1-000000000000000G").has_value());        // not hex
    CHECK_FALSE(refresh_token_id("na1-00000000000000A1").has_value());        // upper case is not ours
    CHECK_FALSE(refresh_token_id("na1-0000000-00000001").has_value());        // a dash among them
    CHECK_FALSE(refresh_token_id(std::string("na1-000000000000000") + '\0').has_value());
    CHECK_FALSE(refresh_token_id("na1-\xff" "000000000000001").has_value());  // a high byte
    CHECK(refresh_token_id("anything-0000000000000001") == 1);                // only the digest decides
    CHECK(refresh_token_id("-0000000000000010") == 16);                       // the dash may lead
    CHECK(refresh_token_id("na1-ffffffffffffffff") == -1);                    // all 64 bits
}

TEST_CASE("token_format: codes start with the hublet and carry 256 random bits, no id") {
    const std::string code = new_authorization_code("na1");
    CHECK(code.rfind("na1-", 0) == 0);
    CHECK(code.size() == 4 + 64 + 5);
    CHECK(new_authorization_code("na1") != code);
    CHECK(new_client_secret().size() == 64 + 5);
}
