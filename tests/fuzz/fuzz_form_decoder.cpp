// libFuzzer target: the strict decoders of http/form.hpp against independent reference
// implementations written here.
//   decode_form          accepts exactly what the reference accepts, with the same fields; every
//                        field has a non-empty name, valid UTF-8 and no control character; names
//                        are unique; re-encoding the fields with percent_encode decodes back to them.
//   decode_path_segment  the same, for one segment ('+' stays '+').
//   is_valid_utf8        agrees with the reference (Unicode's table of well-formed sequences).
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "hsoauth/http/form.hpp"

namespace {

using hsoauth::http::decode_form;
using hsoauth::http::decode_path_segment;
using hsoauth::http::is_valid_utf8;
using hsoauth::http::percent_encode;
using fields = std::vector<std::pair<std::string, std::string>>;

[[noreturn]] void broken(const char* what, std::string_view input) {
    std::fprintf(stderr, "\n=== form decoder invariant broken: %s\ninput (%zu bytes):", what, input.size());
    for (const char c : input) std::fprintf(stderr, " %02x", static_cast<unsigned char>(c));
    std::fprintf(stderr, "\n");
    std::abort();
}

// Unicode 15, table 3-7: the well-formed UTF-8 byte sequences, by ranges of the lead byte.
bool reference_utf8(std::string_view text) {
    std::size_t i = 0;
    const auto at = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
    const auto in = [](unsigned char b, unsigned lo, unsigned hi) { return b >= lo && b <= hi; };
    while (i < text.size()) {
        const unsigned char b = at(i);
        unsigned lo = 0x80;  // allowed range of the second byte
        unsigned hi = 0xbf;
        std::size_t length = 0;
        if (b <= 0x7f) {
            length = 1;
        } else if (in(b, 0xc2, 0xdf)) {
            length = 2;
        } else if (b == 0xe0) {
            length = 3;
            lo = 0xa0;
        } else if (in(b, 0xe1, 0xec) || in(b, 0xee, 0xef)) {
            length = 3;
        } else if (b == 0xed) {
            length = 3;
            hi = 0x9f;
        } else if (b == 0xf0) {
            length = 4;
            lo = 0x90;
        } else if (in(b, 0xf1, 0xf3)) {
            length = 4;
        } else if (b == 0xf4) {
            length = 4;
            hi = 0x8f;
        } else {
            return false;
        }
        if (text.size() - i < length) return false;
        if (length > 1 && !in(at(i + 1), lo, hi)) return false;
        for (std::size_t k = 2; k < length; ++k) {
            if (!in(at(i + k), 0x80, 0xbf)) return false;
        }
        i += length;
    }
    return true;
}

bool reference_has_control(std::string_view text) {
    for (const char c : text) {
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) return true;
    }
    return false;
}

int reference_hex(char c) {
    static constexpr std::string_view lower = "0123456789abcdef";
    static constexpr std::string_view upper = "0123456789ABCDEF";
    if (const auto p = lower.find(c); p != std::string_view::npos) return static_cast<int>(p);
    if (const auto p = upper.find(c); p != std::string_view::npos) return static_cast<int>(p);
    return -1;
}

std::optional<std::string> reference_decode(std::string_view text, bool plus_is_space) {
    std::string out;
    std::size_t i = 0;
    while (i < text.size()) {
        if (text[i] == '%') {
            if (text.size() - i < 3) return std::nullopt;
            const int hi = reference_hex(text[i + 1]);
            const int lo = reference_hex(text[i + 2]);
            if (hi < 0 || lo < 0) return std::nullopt;
            out.push_back(static_cast<char>((hi << 4) | lo));
            i += 3;
        } else {
            out.push_back(plus_is_space && text[i] == '+' ? ' ' : text[i]);
            ++i;
        }
    }
    if (!reference_utf8(out) || reference_has_control(out)) return std::nullopt;
    return out;
}

std::optional<fields> reference_form(std::string_view text) {
    fields out;
    std::size_t start = 0;
    while (start <= text.size()) {
        std::size_t end = text.find('&', start);
        if (end == std::string_view::npos) end = text.size();
        const std::string_view pair = text.substr(start, end - start);
        start = end + 1;
        if (pair.empty()) continue;
        const std::size_t eq = pair.find('=');
        auto name = reference_decode(pair.substr(0, eq), true);
        auto value = reference_decode(eq == std::string_view::npos ? std::string_view{} : pair.substr(eq + 1), true);
        if (!name || name->empty() || !value) return std::nullopt;
        for (const auto& field : out) {
            if (field.first == *name) return std::nullopt;
        }
        out.emplace_back(std::move(*name), std::move(*value));
        if (out.size() > 64) return std::nullopt;
    }
    return out;
}

// Whether two lists of (name, value) pairs hold the same text in the same order, whatever their
// string types (decode_form's views, the reference's strings).
template <class A, class B>
bool same_fields(const A& a, const B& b) {
    return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](const auto& x, const auto& y) {
        return std::string_view(x.first) == std::string_view(y.first) &&
               std::string_view(x.second) == std::string_view(y.second);
    });
}

void check_form(std::string_view input) {
    const auto decoded = decode_form(input);
    const auto expected = reference_form(input);
    if (decoded.ok() != expected.has_value()) {
        broken(decoded.ok() ? "decode_form accepted what the reference refuses"
                            : "decode_form refused what the reference accepts",
               input);
    }
    if (!decoded) {
        if (decoded.err().code != hsoauth::oauth::errc::malformed_request) broken("decode_form: wrong error code", input);
        return;
    }
    const auto& all = decoded->all();
    if (!same_fields(all, *expected)) broken("decode_form's fields differ from the reference's", input);
    std::string encoded;
    for (const auto& [name, value] : all) {
        if (name.empty()) broken("decode_form: empty name", input);
        if (!is_valid_utf8(name) || !is_valid_utf8(value)) broken("decode_form: invalid UTF-8", input);
        if (reference_has_control(name) || reference_has_control(value)) broken("decode_form: control character", input);
        const auto found = decoded->get(name);
        if (!found || *found != value) broken("decode_form: get() disagrees with all()", input);
        if (!encoded.empty()) encoded += '&';
        encoded += percent_encode(name) + "=" + percent_encode(value);
    }
    const auto again = decode_form(encoded);
    if (!again || !same_fields(again->all(), all)) broken("decode_form(percent_encode(fields)) does not give the fields back", input);
}

void check_segment(std::string_view input) {
    const auto decoded = decode_path_segment(input);
    const auto expected = reference_decode(input, false);
    if (decoded != expected) broken("decode_path_segment differs from the reference", input);
    if (decoded) {
        if (!is_valid_utf8(*decoded) || reference_has_control(*decoded)) {
            broken("decode_path_segment returned invalid text", input);
        }
        if (decode_path_segment(percent_encode(*decoded)) != decoded) {
            broken("decode_path_segment(percent_encode(x)) != x", input);
        }
    }
    // Any valid text without control characters survives percent_encode unchanged in meaning.
    if (reference_utf8(input) && !reference_has_control(input)) {
        const std::string encoded = percent_encode(input);
        if (decode_path_segment(encoded) != std::optional<std::string>(input)) {
            broken("percent_encode does not round-trip through decode_path_segment", input);
        }
        for (const char c : encoded) {
            const bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                                    c == '-' || c == '.' || c == '_' || c == '~' || c == '%';
            if (!unreserved) broken("percent_encode left a reserved character", input);
        }
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    if (is_valid_utf8(input) != reference_utf8(input)) broken("is_valid_utf8 differs from the reference", input);
    check_form(input);
    check_segment(input);
    return 0;
}
