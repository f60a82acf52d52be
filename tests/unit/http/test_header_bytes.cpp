// check_header_bytes (src/http/server_request_reader.hpp, private to the server): the raw header
// check that refuses NUL, bare CR or LF and obsolete line folding, against a byte-by-byte
// reference over the requests the abuse tests send and over random byte strings.
#include <doctest/doctest.h>

#include <cstddef>
#include <random>
#include <string>
#include <string_view>

#include "../../../src/http/server_request_reader.hpp"

namespace {

using hsoauth::http::detail::check_header_bytes;
using hsoauth::http::detail::header_verdict;

// The rule, one byte at a time: each line ends in CRLF, NUL and a lone CR or LF are refused, a
// line after the request line may not begin with a space or a tab, and the first empty line after
// the request line ends the block (empty lines before it are skipped).
header_verdict reference(std::string_view raw) {
    bool line_start = true;
    bool seen_request_line = false;
    for (std::size_t i = 0; i < raw.size(); ++i) {
        const char c = raw[i];
        if (c == '\0') return {false, "NUL"};
        if (c == '\n') return {false, "LF"};
        if (c == '\r') {
            if (i + 1 >= raw.size()) return {};
            if (raw[i + 1] != '\n') return {false, "CR"};
            ++i;
            if (line_start && seen_request_line) return {true, nullptr};
            if (!line_start) seen_request_line = true;
            line_start = true;
            continue;
        }
        if (line_start && seen_request_line && (c == ' ' || c == '\t')) return {false, "fold"};
        line_start = false;
    }
    return {};
}

// The same verdict: complete, or refused (whatever the words), or waiting for more.
void check_same(std::string_view raw) {
    const header_verdict got = check_header_bytes(raw);
    const header_verdict want = reference(raw);
    INFO("raw: ", std::string(raw));
    CHECK(got.complete == want.complete);
    CHECK((got.problem != nullptr) == (want.problem != nullptr));
}

}  // namespace

TEST_CASE("check_header_bytes: the requests the abuse tests send") {
    const std::string ok = "GET /healthz HTTP/1.1\r\nHost: a\r\n\r\n";
    CHECK(check_header_bytes(ok).complete);
    CHECK(check_header_bytes(ok).problem == nullptr);
    CHECK(check_header_bytes("\r\n\r\n" + ok).complete);  // empty lines before the request line
    CHECK_FALSE(check_header_bytes("GET / HTTP/1.1\r\nHost: a\r\n").complete);  // more to come
    CHECK(check_header_bytes("GET / HTTP/1.1\r\nHost: a\r").problem == nullptr);
    CHECK(std::string_view(check_header_bytes("GET / HTTP/1.1\r\nX: a\r\n b\r\n\r\n").problem) ==
          "obsolete line folding in the request header");
    CHECK(std::string_view(check_header_bytes("GET / HTTP/1.1\r\nX: a\r\n\tb\r\n\r\n").problem) ==
          "obsolete line folding in the request header");
    CHECK(std::string_view(check_header_bytes("GET / HTTP/1.1\nHost: a\n\n").problem) ==
          "bare LF in the request header");
    CHECK(std::string_view(check_header_bytes("GET / HTTP/1.1\r\nX: a\rb\r\n\r\n").problem) ==
          "bare CR in the request header");
    constexpr char with_nul[] = "GET / HTTP/1.1\r\nX: a\0b\r\n\r\n";
    CHECK(std::string_view(check_header_bytes(std::string_view(with_nul, sizeof with_nul - 1)).problem) ==
          "NUL byte in the request header");
    for (const std::string_view raw : {std::string_view(ok), std::string_view(" GET / HTTP/1.1\r\n\r\n"),
                                       std::string_view("GET / HTTP/1.1\r\n \r\n"), std::string_view("")}) {
        check_same(raw);
    }
}

TEST_CASE("check_header_bytes agrees with the byte-by-byte rule on random headers") {
    // Pieces of headers, line ends most of all, and every byte the rule looks at.
    const std::string_view pieces[] = {"GET / HTTP/1.1", "X: a", "b", "\r\n", "\r\n", "\r\n", "\r\n",
                                       " ", "\t", std::string_view("\0", 1), "\r", "\n", "\x80",
                                       "Host: a-header-line-longer-than-a-word"};
    std::mt19937 random(20261205);
    std::uniform_int_distribution<std::size_t> pick(0, std::size(pieces) - 1);
    std::uniform_int_distribution<std::size_t> length(0, 12);
    std::string raw;
    int mismatches = 0;
    int complete = 0;
    int refused = 0;
    for (int round = 0; round < 100000; ++round) {
        raw.clear();
        const std::size_t n = length(random);
        for (std::size_t i = 0; i < n; ++i) raw += pieces[pick(random)];
        const header_verdict got = check_header_bytes(raw);
        const header_verdict want = reference(raw);
        complete += want.complete ? 1 : 0;
        refused += want.problem != nullptr ? 1 : 0;
        if (got.complete != want.complete || (got.problem != nullptr) != (want.problem != nullptr)) {
            if (mismatches++ == 0) check_same(raw);  // reports the first input that differs
        }
    }
    CHECK(mismatches == 0);
    // The inputs reached every verdict, not only "refused".
    CHECK(complete > 100);
    CHECK(refused > 100);
    CHECK(100000 - complete - refused > 100);
}
