// Token masking in the request log (http/request_log.hpp).
#include <doctest/doctest.h>

#include <string>

#include "hsoauth/http/request_log.hpp"

using namespace hsoauth;

TEST_CASE("http: masked_path hides the token after access-tokens and refresh-tokens") {
    CHECK(http::masked_path("/oauth/v1/access-tokens/CJSecretToken123") == "/oauth/v1/access-tokens/***");
    CHECK(http::masked_path("/oauth/v1/refresh-tokens/na1-aaaa-bbbb") == "/oauth/v1/refresh-tokens/***");
    CHECK(http::masked_path("/oauth/v1/refresh-tokens/na1-aaaa/extra") ==
          "/oauth/v1/refresh-tokens/***/extra");
}

TEST_CASE("http: masked_path leaves other paths unchanged") {
    CHECK(http::masked_path("/oauth/v1/token") == "/oauth/v1/token");
    CHECK(http::masked_path("/admin/v1/apps/12") == "/admin/v1/apps/12");
    CHECK(http::masked_path("/") == "/");
    CHECK(http::masked_path("") == "");
    CHECK(http::masked_path("/oauth/v1/access-tokens") == "/oauth/v1/access-tokens");
    CHECK(http::masked_path("/oauth/v1/access-tokensX/abc") == "/oauth/v1/access-tokensX/abc");
}

TEST_CASE("http: masked_path masks the token even behind an empty segment") {
    CHECK(http::masked_path("/oauth/v1/access-tokens//CJSecret") == "/oauth/v1/access-tokens//***");
    CHECK(http::masked_path("/oauth/v1/refresh-tokens///na1-x") == "/oauth/v1/refresh-tokens///***");
}

TEST_CASE("http: masked_path masks any segment longer than 24 characters") {
    const std::string short_segment(24, 'a');
    const std::string long_segment(25, 'a');
    CHECK(http::masked_path("/admin/v1/apps/" + short_segment) == "/admin/v1/apps/" + short_segment);
    CHECK(http::masked_path("/admin/v1/apps/" + long_segment) == "/admin/v1/apps/***");
    CHECK(http::masked_path("/" + long_segment + "/x") == "/***/x");
}

TEST_CASE("http: masked_path never prints control bytes and caps the length") {
    const std::string shown = http::masked_path(std::string("/a\x01\n\x7f" "b", 6));
    CHECK(shown == "/a\\x01\\x0a\\x7fb");
    std::string long_path;
    for (int i = 0; i < 100; ++i) long_path += "/abc";
    const std::string capped = http::masked_path(long_path);
    CHECK(capped.size() < 220);
    CHECK(capped.rfind("/abc/abc", 0) == 0);
}

// True when every byte of `text` is printable ASCII.
static bool printable_ascii(const std::string& text) {
    for (const char c : text) {
        if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) > 0x7e) return false;
    }
    return true;
}

TEST_CASE("http: append_escaped writes every byte outside printable ASCII, and the backslash, as \\xNN") {
    std::string out;
    http::append_escaped(out, "/a b\\c");
    CHECK(out == "/a\\x20b\\x5cc");
    out.clear();
    // U+202E RIGHT-TO-LEFT OVERRIDE, a C1 control (U+0085 as UTF-8, and a raw 0x9b CSI), invalid UTF-8.
    http::append_escaped(out, "\xe2\x80\xae" "\xc2\x85" "\x9b" "\xff\xfe" "\x1b[2J");
    CHECK(out == "\\xe2\\x80\\xae\\xc2\\x85\\x9b\\xff\\xfe\\x1b[2J");
    CHECK(printable_ascii(out));
}

TEST_CASE("http: masked_path escapes direction overrides and invalid UTF-8, and never cuts an escape") {
    CHECK(http::masked_path("/x\xe2\x80\xaey") == "/x\\xe2\\x80\\xaey");
    std::string hostile = "/";
    for (int i = 0; i < 30; ++i) hostile += "/\xff\xfe";
    const std::string shown = http::masked_path(hostile);
    CHECK(printable_ascii(shown));
    REQUIRE(shown.size() > 3);
    CHECK(shown.substr(shown.size() - 3) == "...");
    // Before the "...": whole escapes only.
    const std::string body = shown.substr(0, shown.size() - 3);
    const auto last_escape = body.rfind("\\x");
    REQUIRE(last_escape != std::string::npos);
    CHECK(body.size() - last_escape >= 4);
}

TEST_CASE("http: the request log line escapes the method and the path") {
    std::string line;
    http::format_request_line(line, 0, "G\xe2\x80\xaeT", "/a\xc2\x85\\b\n", 400, 1234,
                              "0f8fad5b-d9cb-469f-a165-70867728950e");
    CHECK(line == "1970-01-01T00:00:00Z G\\xe2\\x80\\xaeT /a\\xc2\\x85\\x5cb\\x0a 400 1.234ms "
                  "corr=0f8fad5b-d9cb-469f-a165-70867728950e");
    CHECK(printable_ascii(line));
}

TEST_CASE("http: append_masked_path appends what masked_path returns, cut included") {
    std::string escaped_segments;  // escaped, about 480 characters: cut near an escape
    for (int i = 0; i < 80; ++i) escaped_segments += "/a\x01";
    std::string plain_segments;  // about 300 characters
    for (int i = 0; i < 30; ++i) plain_segments += "/abcdefghi";
    for (const std::string& path : {std::string("/oauth/v1/access-tokens/CJSecretToken123"), std::string("/healthz"),
                                    std::string("/x/\x7f\x80/y"), escaped_segments, plain_segments}) {
        std::string line = "GET ";
        http::append_masked_path(line, path);
        CHECK(line == "GET " + http::masked_path(path));
        CHECK(line.size() <= 4 + 203);
    }
}

TEST_CASE("http: append_escaped agrees with escaping byte by byte, on random text after any prefix") {
    // The rule stated in request_log.hpp, one byte at a time.
    const auto by_byte = [](std::string_view text) {
        static constexpr char hex[] = "0123456789abcdef";
        std::string out;
        for (const char c : text) {
            const auto byte = static_cast<unsigned char>(c);
            if (byte > 0x20 && byte < 0x7f && c != '\\') {
                out += c;
            } else {
                out += "\\x";
                out += hex[byte >> 4];
                out += hex[byte & 0xf];
            }
        }
        return out;
    };
    unsigned seed = 99;
    for (int round = 0; round < 2000; ++round) {
        std::string text;
        seed = seed * 1103515245u + 12345u;
        const std::size_t length = (seed >> 16) % 40;
        for (std::size_t i = 0; i < length; ++i) {
            seed = seed * 1103515245u + 12345u;
            // Mostly printable runs, with a few bytes that must be escaped among them.
            const unsigned pick = (seed >> 16) % 100;
            text += pick < 85 ? static_cast<char>('!' + pick % 94) : static_cast<char>((seed >> 8) & 0xff);
        }
        std::string out = "prefix ";
        http::append_escaped(out, text);
        REQUIRE(out == "prefix " + by_byte(text));
    }
}
