#include "hsoauth/http/form.hpp"

#include <array>
#include <charconv>

#include "hsoauth/http/message.hpp"

namespace hsoauth::http {
namespace {

constexpr std::size_t max_fields = 64;

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

bool has_control(std::string_view text) {
    for (const char c : text) {
        const auto b = static_cast<unsigned char>(c);
        if (b < 0x20 || b == 0x7f) return true;
    }
    return false;
}

// A byte that decodes to itself and keeps any text valid UTF-8 without control characters:
// printable ASCII other than '%' and '+'.
constexpr bool decodes_to_itself(char c) {
    const auto b = static_cast<unsigned char>(c);
    return b >= 0x20 && b < 0x7f && c != '%' && c != '+';
}

// How decode_form's scan treats a byte: `plain` bytes decode to themselves (decodes_to_itself),
// `to_decode` bytes need percent_decode (and its checks), '=' and '&' split the pairs.
enum class form_byte : unsigned char { plain, to_decode, equals, pair_end };
static_assert(static_cast<int>(form_byte::plain) == 0, "plain_run ORs kinds and tests for 0");
constexpr std::array<form_byte, 256> form_byte_kinds = [] {
    std::array<form_byte, 256> kinds{};
    for (int b = 0; b < 256; ++b) {
        kinds[b] = decodes_to_itself(static_cast<char>(b)) ? form_byte::plain : form_byte::to_decode;
    }
    kinds['='] = form_byte::equals;
    kinds['&'] = form_byte::pair_end;
    return kinds;
}();

// Whether the four bytes at `at` are all plain (plain is 0, so their kinds OR to 0).
bool plain_run(const char* at) {
    const auto kind = [at](int i) { return static_cast<unsigned>(form_byte_kinds[static_cast<unsigned char>(at[i])]); };
    return (kind(0) | kind(1) | kind(2) | kind(3)) == 0;
}

// Percent-decodes; '+' becomes a space when `plus_is_space`.
std::optional<std::string> percent_decode(std::string_view text, bool plus_is_space) {
    std::size_t plain = 0;
    while (plain < text.size() && decodes_to_itself(text[plain])) ++plain;
    if (plain == text.size()) return std::string(text);
    std::string out;
    out.reserve(text.size());
    out.append(text.data(), plain);
    for (std::size_t i = plain; i < text.size(); ++i) {
        const char c = text[i];
        if (c == '%') {
            if (i + 2 >= text.size()) return std::nullopt;
            const int hi = hex_value(text[i + 1]);
            const int lo = hex_value(text[i + 2]);
            if (hi < 0 || lo < 0) return std::nullopt;
            out += static_cast<char>(hi * 16 + lo);
            i += 2;
        } else if (c == '+' && plus_is_space) {
            out += ' ';
        } else {
            out += c;
        }
    }
    if (!is_valid_utf8(out) || has_control(out)) return std::nullopt;
    return out;
}

}  // namespace

std::optional<std::string> decode_form_component(std::string_view text) {
    return percent_decode(text, true);
}

std::optional<std::string_view> form_fields::get(std::string_view name) const {
    for (const auto& [key, value] : all()) {
        if (key == name) return value;
    }
    return std::nullopt;
}

std::string_view form_fields::value_or_empty(std::string_view name) const {
    return get(name).value_or(std::string_view{});
}

std::span<const form_fields::field> form_fields::all() const {
    if (count_ <= inline_fields) return {inline_.data(), count_};
    return more_;
}

void form_fields::add(std::string_view name, std::string_view value) {
    if (count_ < inline_fields) {
        inline_[count_++] = {name, value};
        return;
    }
    if (count_ == inline_fields) more_.assign(inline_.begin(), inline_.end());
    more_.emplace_back(name, value);
    ++count_;
}

std::string_view form_fields::keep(std::string decoded) {
    decoded_.push_front(std::move(decoded));
    return decoded_.front();
}

oauth::result<form_fields> decode_form(std::string_view text) {
    using oauth::errc;
    using oauth::make_error;
    form_fields fields;
    // A name or value as it decodes: a view of `text` when the scan found nothing to decode.
    const auto decoded = [&fields](std::string_view part, bool plain) -> std::optional<std::string_view> {
        if (plain) return part;
        auto out = percent_decode(part, true);
        if (!out) return std::nullopt;
        return fields.keep(std::move(*out));
    };
    std::size_t start = 0;
    while (start <= text.size()) {
        // One pass over the pair: where it ends, where its first '=' is, and whether the name
        // or the value holds a byte that does not decode to itself.
        std::size_t end = start;
        std::size_t eq = std::string_view::npos;
        bool plain_name = true;
        bool plain_value = true;
        for (; end < text.size(); ++end) {
            // Plain bytes decide nothing: a run of them is skipped four at a time.
            while (end + 4 <= text.size() && plain_run(text.data() + end)) end += 4;
            if (end == text.size()) break;
            const form_byte kind = form_byte_kinds[static_cast<unsigned char>(text[end])];
            if (kind == form_byte::plain) continue;
            if (kind == form_byte::pair_end) break;
            if (kind == form_byte::equals && eq == std::string_view::npos) {
                eq = end;
            } else if (kind == form_byte::to_decode) {
                (eq == std::string_view::npos ? plain_name : plain_value) = false;
            }
        }
        const std::size_t pair_start = start;
        start = end + 1;
        if (end == pair_start) continue;
        const std::size_t name_end = eq == std::string_view::npos ? end : eq;
        const auto name = decoded(text.substr(pair_start, name_end - pair_start), plain_name);
        if (!name || name->empty()) {
            return make_error(errc::malformed_request, "a form field name is empty or badly encoded");
        }
        const auto value = decoded(
            eq == std::string_view::npos ? std::string_view{} : text.substr(eq + 1, end - eq - 1), plain_value);
        if (!value) {
            const std::string shown(*name);
            return make_error(errc::malformed_request, "form field '" + shown + "' is badly encoded", shown);
        }
        if (fields.get(*name)) {
            const std::string shown(*name);
            return make_error(errc::malformed_request, "form field '" + shown + "' appears more than once", shown);
        }
        if (fields.count_ >= max_fields) {
            return make_error(errc::malformed_request, "too many form fields");
        }
        fields.add(*name, *value);
    }
    return fields;
}

std::optional<std::string> decode_path_segment(std::string_view segment) {
    return percent_decode(segment, false);
}

std::optional<std::int64_t> parse_positive_id(std::string_view text) {
    std::int64_t id = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
    if (ec != std::errc() || end != text.data() + text.size() || id <= 0) return std::nullopt;
    return id;
}

std::string percent_encode(std::string_view text) {
    static constexpr char digits[] = "0123456789ABCDEF";
    std::string out;
    out.reserve(text.size() * 3);
    for (const char c : text) {
        const auto b = static_cast<unsigned char>(c);
        if ((b >= 'A' && b <= 'Z') || (b >= 'a' && b <= 'z') || (b >= '0' && b <= '9') || b == '-' ||
            b == '.' || b == '_' || b == '~') {
            out += c;
        } else {
            out += '%';
            out += digits[b >> 4];
            out += digits[b & 15];
        }
    }
    return out;
}

bool is_valid_utf8(std::string_view text) {
    std::size_t i = 0;
    const std::size_t n = text.size();
    while (i < n) {
        const auto b = static_cast<unsigned char>(text[i]);
        if (b < 0x80) {
            ++i;
            continue;
        }
        std::size_t length = 0;
        std::uint32_t code = 0;
        if ((b & 0xe0) == 0xc0) {
            length = 2;
            code = b & 0x1f;
        } else if ((b & 0xf0) == 0xe0) {
            length = 3;
            code = b & 0x0f;
        } else if ((b & 0xf8) == 0xf0) {
            length = 4;
            code = b & 0x07;
        } else {
            return false;
        }
        if (i + length > n) return false;
        for (std::size_t k = 1; k < length; ++k) {
            const auto c = static_cast<unsigned char>(text[i + k]);
            if ((c & 0xc0) != 0x80) return false;
            code = (code << 6) | (c & 0x3f);
        }
        const bool overlong = (length == 2 && code < 0x80) || (length == 3 && code < 0x800) ||
                              (length == 4 && code < 0x10000);
        if (overlong || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return false;
        i += length;
    }
    return true;
}

bool is_form_content_type(std::string_view content_type) {
    constexpr std::string_view form = "application/x-www-form-urlencoded";
    // Clients send the media type as written here: compare bytes first, then case-insensitively.
    if (!content_type.starts_with(form) && !istarts_with(content_type, form)) return false;
    const auto rest = content_type.substr(form.size());
    return rest.empty() || rest.front() == ';' || rest.front() == ' ';
}

}  // namespace hsoauth::http
