// The JSON writer of the hot responses (http/json_writer.hpp): its output parses back to what
// went in, whatever the strings hold.
#include <doctest/doctest.h>

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
