// The JSON writer of the hot responses (http/json_writer.hpp): its output parses back to what
// went in, whatever the strings hold.
#include <doctest/doctest.h>

#include <limits>

#include <nlohmann/json.hpp>

#include "hsoauth/http/json_writer.hpp"

using namespace hsoauth::http;

TEST_CASE("json_writer: members come out in the order given, with numbers, strings and arrays") {
    const std::string text = json_object_writer()
                                 .add("access_token", "CAbc")
                                 .add("expires_in", std::int64_t{1800})
                                 .add("hub_id", std::int64_t{-7})
                                 .add("scopes", std::vector<std::string>{"oauth", "crm.objects.contacts.read"})
                                 .add("none", std::vector<std::string>{})
                                 .finish();
    CHECK(text ==
          R"({"access_token":"CAbc","expires_in":1800,"hub_id":-7,)"
          R"("scopes":["oauth","crm.objects.contacts.read"],"none":[]})");
}

TEST_CASE("json_writer: strings are escaped so that they parse back byte for byte") {
    std::string nasty = "quote\" backslash\\ slash/ tab\t newline\n cr\r bell\x07 unit\x1f é ✓";
    nasty.push_back('\0');
    const std::string text = json_object_writer().add("user", nasty).add("empty", "").finish();
    const auto parsed = nlohmann::json::parse(text);
    CHECK(parsed["user"].get<std::string>() == nasty);
    CHECK(parsed["empty"].get<std::string>().empty());
    CHECK(text.find('\n') == std::string::npos);
    CHECK(text.find("\\u0007") != std::string::npos);
}

TEST_CASE("json_writer: an empty object") { CHECK(json_object_writer().finish() == "{}"); }

TEST_CASE("json_writer: a character to escape is found wherever it falls among the eight-byte words") {
    for (const char special : {'"', '\\', '\n', '\x01', '\x1f', '\0'}) {
        for (std::size_t length = 1; length <= 40; ++length) {
            for (std::size_t at = 0; at < length; ++at) {
                std::string text(length, 'a');
                text[at] = special;
                if (at + 2 < length) {  // a two-byte UTF-8 character beside it
                    text[at + 1] = '\xc3';
                    text[at + 2] = '\xa9';
                }
                const std::string written = json_object_writer().add("s", text).finish();
                CHECK(written == nlohmann::json{{"s", text}}.dump());
            }
        }
    }
}

TEST_CASE("json_writer: bytes at and around the escape boundaries are kept or escaped exactly") {
    std::string text;
    for (int b = 0; b < 256; ++b) text.push_back(static_cast<char>(b));
    for (std::size_t shift = 0; shift < 8; ++shift) {
        const std::string shifted = std::string(shift, 'x') + text;
        const std::string written = json_object_writer().add("s", shifted).finish();
        // Every byte >= 0x20 other than '"' and '\\' comes out as it went in.
        std::string expected = "{\"s\":\"" + std::string(shift, 'x');
        for (int b = 0; b < 256; ++b) {
            const char c = static_cast<char>(b);
            if (c == '"' || c == '\\' || b < 0x20) {
                expected += nlohmann::json(std::string(1, c)).dump().substr(1, std::string::npos);
                expected.pop_back();
            } else {
                expected += c;
            }
        }
        expected += "\"}";
        CHECK(written == expected);
    }
}

TEST_CASE("json_writer: a member name is checked and quoted when the program is compiled") {
    static_assert(json_key::needs_no_escaping("signed_access_token"));
    static_assert(json_key::needs_no_escaping("héllo"));  // UTF-8 is written as it is
    static_assert(!json_key::needs_no_escaping("a\"b"));
    static_assert(!json_key::needs_no_escaping("a\\b"));
    static_assert(!json_key::needs_no_escaping("tab\there"));
    static_assert(!json_key::needs_no_escaping(std::string_view("nul\0", 4)));
    constexpr json_key key("expiresAt");
    static_assert(key.first() == "\"expiresAt\":");
    static_assert(key.next() == ",\"expiresAt\":");
    constexpr json_key longest("0123456789012345678901234567890123456789");
    static_assert(longest.next().size() == json_key::max_length + 4);
    CHECK(json_object_writer().add("", "empty name").finish() == R"({"":"empty name"})");
}

TEST_CASE("json_writer: a constant member is written as the same bytes as its name and value added apart") {
    constexpr json_constant bearer("token_type", "Bearer");
    static_assert(bearer.first() == R"("token_type":"Bearer")");
    static_assert(bearer.next() == R"(,"token_type":"Bearer")");
    static_assert(json_constant("active", true).next() == R"(,"active":true)");
    static_assert(json_constant("active", false).first() == R"("active":false)");
    static_assert(json_constant("e", "").first() == R"("e":"")");
    constexpr json_constant longest("012345678901234567", "0123456789012345678901234567890123456789");
    static_assert(longest.next().size() == json_constant::max_length);
    const std::string apart = json_object_writer()
                                  .add_bool("active", true)
                                  .add("token_type", "Bearer")
                                  .begin_object("inner")
                                  .add("token_use", "access_token")
                                  .end_object()
                                  .add("hub_id", std::int64_t{62515})
                                  .add("token_use", "access_token")
                                  .finish();
    const std::string constants = json_object_writer()
                                      .add(json_constant{"active", true})
                                      .add(json_constant{"token_type", "Bearer"})
                                      .begin_object("inner")
                                      .add(json_constant{"token_use", "access_token"})
                                      .end_object()
                                      .add("hub_id", std::int64_t{62515})
                                      .add(json_constant{"token_use", "access_token"})
                                      .finish();
    CHECK(constants == apart);
    CHECK(constants ==
          R"({"active":true,"token_type":"Bearer","inner":{"token_use":"access_token"},)"
          R"("hub_id":62515,"token_use":"access_token"})");
}

TEST_CASE("json_writer: a nested object is written in place, its values escaped") {
    std::string nasty = "quote\" backslash\\ newline\n unit\x1f é";
    nasty.push_back('\0');
    json_object_writer out;
    out.add("before", "a\"b").begin_object("inner").add("text", nasty).add("n", std::int64_t{-1});
    out.begin_object("deeper").end_object().add_bool("flag", false).end_object();
    out.begin_object("first").add("only", std::vector<std::string>{"x\\y"}).end_object();
    out.add("after", std::int64_t{1778000000000});
    const std::string text = out.finish();
    CHECK(text == R"({"before":"a\"b","inner":{"text":"quote\" backslash\\ newline\n unit\u001f é\u0000",)"
                  R"("n":-1,"deeper":{},"flag":false},"first":{"only":["x\\y"]},"after":1778000000000})");
    const auto parsed = nlohmann::json::parse(text);
    CHECK(parsed["inner"]["text"].get<std::string>() == nasty);
    CHECK(parsed["inner"]["deeper"].empty());
    CHECK(parsed["after"].get<std::int64_t>() == 1778000000000);
}

TEST_CASE("json_writer: numbers at the ends of the 64-bit range") {
    const std::string text = json_object_writer()
                                 .add("min", std::numeric_limits<std::int64_t>::min())
                                 .add("max", std::numeric_limits<std::int64_t>::max())
                                 .add("zero", std::int64_t{0})
                                 .finish();
    CHECK(text == R"({"min":-9223372036854775808,"max":9223372036854775807,"zero":0})");
}
