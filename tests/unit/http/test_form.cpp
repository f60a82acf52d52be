// Strict application/x-www-form-urlencoded decoding (http/form.hpp).
#include <doctest/doctest.h>

#include <forward_list>
#include <string>
#include <vector>

#include "hsoauth/http/form.hpp"

using namespace hsoauth;
using oauth::errc;

namespace {

// Decodes and requires success. A form views the text it was decoded from, which is kept here
// for the whole run (callers pass temporaries).
http::form_fields ok_form(std::string_view text) {
    static std::forward_list<std::string> texts;
    auto r = http::decode_form(texts.emplace_front(text));
    REQUIRE_MESSAGE(r.ok(), "decode_form refused: ", std::string(text));
    return std::move(*r);
}

// True when decode_form refuses `text` as malformed_request.
bool refused(std::string_view text) {
    const auto r = http::decode_form(text);
    return !r.ok() && r.err().code == errc::malformed_request;
}

}  // namespace

TEST_CASE("http: decode_form reads names and values in order") {
    const auto f = ok_form("grant_type=authorization_code&client_id=abc&code=na1-1");
    REQUIRE(f.all().size() == 3);
    CHECK(f.all()[0].first == "grant_type");
    CHECK(f.all()[0].second == "authorization_code");
    CHECK(f.value_or_empty("client_id") == "abc");
    CHECK(f.get("code") == std::optional<std::string_view>("na1-1"));
    CHECK_FALSE(f.get("missing").has_value());
    CHECK(f.value_or_empty("missing") == "");
}

TEST_CASE("http: decode_form turns + into a space and %XX into a byte") {
    const auto f = ok_form("a=x+y&b=%41%62%2B&c=%e2%82%ac&d+e=1&f=%25");
    CHECK(f.value_or_empty("a") == "x y");
    CHECK(f.value_or_empty("b") == "Ab+");
    CHECK(f.value_or_empty("c") == "\xe2\x82\xac");  // EURO SIGN, lowercase hex accepted
    CHECK(f.value_or_empty("d e") == "1");
    CHECK(f.value_or_empty("f") == "%");
}

TEST_CASE("http: decode_form finds every separator and byte to decode at any offset of a long run") {
    // Each separator, byte to decode and refused byte, at every offset of a 24-byte value: the
    // scan must see it wherever it falls, first byte and last included.
    const std::string plain = "abcdefghijklmnopqrstuvwx";
    for (std::size_t at = 0; at < plain.size(); ++at) {
        CAPTURE(at);
        const auto with = [&](std::string_view part) {
            return "client_id=" + plain.substr(0, at) + std::string(part) + plain.substr(at + 1);
        };
        const auto expect_value = [&](std::string_view text, std::string_view decoded) {
            return plain.substr(0, at) + std::string(decoded) + plain.substr(at + 1) == std::string(text);
        };
        CHECK(expect_value(ok_form(with("+")).value_or_empty("client_id"), " "));
        CHECK(expect_value(ok_form(with("%41")).value_or_empty("client_id"), "A"));
        CHECK(expect_value(ok_form(with("=")).value_or_empty("client_id"), "="));
        CHECK(expect_value(ok_form(with("\xc3\xa9")).value_or_empty("client_id"), "\xc3\xa9"));
        const auto split = ok_form(with("&"));
        CHECK(split.value_or_empty("client_id") == plain.substr(0, at));
        CHECK(split.all().size() == (at + 1 < plain.size() ? 2u : 1u));
        CHECK(refused(with("%")));
        CHECK(refused(with(std::string_view("\x01", 1))));
        CHECK(refused(with("\x1f")));
        CHECK(expect_value(ok_form(with(" ")).value_or_empty("client_id"), " "));
        CHECK(expect_value(ok_form(with("~")).value_or_empty("client_id"), "~"));
        CHECK(refused(with("\x7f")));
        CHECK(refused(with("\xff")));
    }
}

TEST_CASE("http: decode_form keeps a name without '=' as an empty value") {
    const auto f = ok_form("flag&x=");
    CHECK(f.get("flag") == std::optional<std::string_view>(""));
    CHECK(f.get("x") == std::optional<std::string_view>(""));
}

TEST_CASE("http: decode_form skips empty pairs") {
    const auto f = ok_form("&&a=1&&b=2&");
    REQUIRE(f.all().size() == 2);
    CHECK(f.value_or_empty("a") == "1");
    CHECK(f.value_or_empty("b") == "2");
    CHECK(ok_form("").all().empty());
    CHECK(ok_form("&").all().empty());
}

TEST_CASE("http: decode_form refuses bad and truncated percent-encoding") {
    CHECK(refused("a=%zz"));
    CHECK(refused("a=%4g"));
    CHECK(refused("a=%"));
    CHECK(refused("a=%4"));
    CHECK(refused("a=1%2"));
    CHECK(refused("a=%4&b=1"));
    CHECK(refused("%zz=1"));
    CHECK(refused("a%=1"));
    const auto r = http::decode_form("client_id=ok&code=%G1");
    REQUIRE_FALSE(r.ok());
    CHECK(r.err().field == "code");
}

TEST_CASE("http: decode_form refuses invalid UTF-8, overlong forms and surrogates") {
    CHECK(refused("a=%FF"));
    CHECK(refused("a=%80"));           // lone continuation byte
    CHECK(refused("a=%C3"));           // truncated two-byte sequence
    CHECK(refused("a=%C3%28"));        // bad continuation
    CHECK(refused("a=%C0%AF"));        // overlong '/'
    CHECK(refused("a=%C1%BF"));        // overlong
    CHECK(refused("a=%E0%80%AF"));     // overlong three-byte '/'
    CHECK(refused("a=%F0%80%80%AF"));  // overlong four-byte '/'
    CHECK(refused("a=%ED%A0%80"));     // U+D800, a surrogate
    CHECK(refused("a=%ED%BF%BF"));     // U+DFFF, a surrogate
    CHECK(refused("a=%F4%90%80%80"));  // above U+10FFFF
    CHECK(refused("a=%F8%88%80%80%80"));
    CHECK(refused("%FF=1"));           // in a name
    // Well-formed sequences pass.
    CHECK(ok_form("a=%C3%A9").value_or_empty("a") == "\xc3\xa9");
    CHECK(ok_form("a=%ED%9F%BF").value_or_empty("a") == "\xed\x9f\xbf");          // U+D7FF
    CHECK(ok_form("a=%F0%9F%98%80").value_or_empty("a") == "\xf0\x9f\x98\x80");  // U+1F600
    CHECK(ok_form("a=%F4%8F%BF%BF").value_or_empty("a") == "\xf4\x8f\xbf\xbf");  // U+10FFFF
}

TEST_CASE("http: decode_form refuses NUL and control characters, encoded or raw") {
    CHECK(refused("a=%00"));
    CHECK(refused("a=x%00y"));
    CHECK(refused("a=%0A"));
    CHECK(refused("a=%0D%0A"));
    CHECK(refused("a=%09"));
    CHECK(refused("a=%1F"));
    CHECK(refused("a=%7F"));
    CHECK(refused(std::string_view("a=x\0y", 5)));
    CHECK(refused("a=x\ny"));
    CHECK(refused("a%00=1"));
    CHECK(ok_form("a=%20%7E").value_or_empty("a") == " ~");
}

TEST_CASE("http: decode_form refuses a name given twice, however it is encoded") {
    auto r = http::decode_form("code=1&client_id=x&code=2");
    REQUIRE_FALSE(r.ok());
    CHECK(r.err().code == errc::malformed_request);
    CHECK(r.err().field == "code");
    CHECK(refused("a=1&%61=2"));
    CHECK(refused("a=&a="));
    CHECK(refused("a b=1&a+b=2"));
    CHECK(ok_form("a=1&A=2").all().size() == 2);
}

TEST_CASE("http: decode_form takes 64 fields and refuses 65") {
    std::string text;
    for (int i = 0; i < 64; ++i) text += (i ? "&f" : "f") + std::to_string(i) + "=v";
    CHECK(ok_form(text).all().size() == 64);
    CHECK(refused(text + "&f64=v"));
    CHECK(ok_form(text + "&&&").all().size() == 64);  // empty pairs do not count
}

TEST_CASE("http: decode_form finds a repeated name among the first eight fields and beyond them") {
    const auto numbered = [](std::string_view prefix, int i) {
        std::string out(prefix);
        out += std::to_string(i);
        return out;
    };
    const auto fields = [&](int count) {
        std::string text;
        for (int i = 0; i < count; ++i) {
            if (i > 0) text += '&';
            text += numbered("f", i);
            text += '=';
            text += numbered("v", i);
        }
        return text;
    };
    const auto all = ok_form(fields(40));
    REQUIRE(all.all().size() == 40);
    for (int i = 0; i < 40; ++i) CHECK(all.value_or_empty(numbered("f", i)) == numbered("v", i));
    // The first name, the 8th (the last kept inline), the 9th and a late one, repeated at the end
    // or right after the 8th, 9th or 10th field.
    for (const int repeated : {0, 7, 8, 25}) {
        std::string again = "&";
        again += numbered("f", repeated);
        again += "=again";
        CAPTURE(repeated);
        auto r = http::decode_form(fields(40) + again);
        REQUIRE_FALSE(r.ok());
        CHECK(r.err().field == numbered("f", repeated));
        for (const int cut : {8, 9, 10}) {
            if (cut <= repeated) continue;
            CAPTURE(cut);
            CHECK(refused(fields(cut) + again));
        }
    }
}

TEST_CASE("http: decode_form refuses an empty name") {
    CHECK(refused("=value"));
    CHECK(refused("a=1&=2"));
}

TEST_CASE("http: decode_path_segment keeps '+' and refuses what decode_form refuses") {
    CHECK(http::decode_path_segment("a+b") == std::optional<std::string>("a+b"));
    CHECK(http::decode_path_segment("na1-%61") == std::optional<std::string>("na1-a"));
    CHECK_FALSE(http::decode_path_segment("%").has_value());
    CHECK_FALSE(http::decode_path_segment("%00").has_value());
    CHECK_FALSE(http::decode_path_segment("%C0%AF").has_value());
}

TEST_CASE("http: percent_encode leaves only RFC 3986 unreserved characters") {
    CHECK(http::percent_encode("") == "");
    CHECK(http::percent_encode("AZaz09-._~") == "AZaz09-._~");
    CHECK(http::percent_encode("a b&c=d/e?f#g+h") == "a%20b%26c%3Dd%2Fe%3Ff%23g%2Bh");
    CHECK(http::percent_encode("\xc3\xa9") == "%C3%A9");
    CHECK(http::percent_encode(std::string("\0\x7f", 2)) == "%00%7F");
    CHECK(http::percent_encode("https://app.example.com/cb?x=1") ==
          "https%3A%2F%2Fapp.example.com%2Fcb%3Fx%3D1");
}

TEST_CASE("http: percent_encode round-trips through decode_form") {
    const std::string value = "x y+z&=%\xe2\x82\xac/~";
    const auto f = ok_form("v=" + http::percent_encode(value));
    CHECK(f.value_or_empty("v") == value);
}

TEST_CASE("http: is_valid_utf8") {
    CHECK(http::is_valid_utf8(""));
    CHECK(http::is_valid_utf8("plain ascii"));
    CHECK(http::is_valid_utf8("\xc2\x80"));              // U+0080, smallest two-byte
    CHECK(http::is_valid_utf8("\xe0\xa0\x80"));          // U+0800, smallest three-byte
    CHECK(http::is_valid_utf8("\xf0\x90\x80\x80"));      // U+10000, smallest four-byte
    CHECK(http::is_valid_utf8("\xef\xbf\xbf"));          // U+FFFF
    CHECK(http::is_valid_utf8(std::string_view("\0", 1)));  // NUL is valid UTF-8 (control check is separate)
    CHECK_FALSE(http::is_valid_utf8("\xc0\x80"));        // overlong NUL
    CHECK_FALSE(http::is_valid_utf8("\xc2"));            // truncated
    CHECK_FALSE(http::is_valid_utf8("\xe2\x82"));        // truncated
    CHECK_FALSE(http::is_valid_utf8("\xe0\x9f\xbf"));    // overlong U+07FF
    CHECK_FALSE(http::is_valid_utf8("\xf0\x8f\xbf\xbf"));  // overlong U+FFFF
    CHECK_FALSE(http::is_valid_utf8("\xed\xa0\x80"));    // U+D800
    CHECK_FALSE(http::is_valid_utf8("\xed\xb0\x80"));    // U+DC00
    CHECK_FALSE(http::is_valid_utf8("\xf4\x90\x80\x80"));  // U+110000
    CHECK_FALSE(http::is_valid_utf8("\xf5\x80\x80\x80"));
    CHECK_FALSE(http::is_valid_utf8("\xfe"));
    CHECK_FALSE(http::is_valid_utf8("\xff"));
    CHECK_FALSE(http::is_valid_utf8("ok\x80"));
    CHECK_FALSE(http::is_valid_utf8("\xe2\x28\xa1"));
}

TEST_CASE("http: parse_positive_id accepts positive decimal ids only") {
    CHECK(http::parse_positive_id("62515") == std::optional<std::int64_t>(62515));
    CHECK_FALSE(http::parse_positive_id("0"));
    CHECK_FALSE(http::parse_positive_id("-3"));
    CHECK_FALSE(http::parse_positive_id("12a"));
    CHECK_FALSE(http::parse_positive_id(""));
    CHECK_FALSE(http::parse_positive_id("99999999999999999999"));
}

TEST_CASE("http: a form keeps its values when moved, decoded ones and views of the text alike") {
    const std::string text = "plain=abc&coded=%41%20b+c&f3=3&f4=4&f5=5&f6=6&f7=7&f8=8&f9=9&f10=ten";
    auto decoded = http::decode_form(text);
    REQUIRE(decoded.ok());
    http::form_fields moved = std::move(*decoded);
    std::vector<http::form_fields> elsewhere;
    elsewhere.push_back(std::move(moved));
    const auto& f = elsewhere.front();
    CHECK(f.value_or_empty("plain") == "abc");
    CHECK(f.value_or_empty("coded") == "A b c");
    CHECK(f.value_or_empty("f10") == "ten");
    REQUIRE(f.all().size() == 10);
    CHECK(f.all()[9].first == "f10");
}
