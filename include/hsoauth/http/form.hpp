#pragma once
// Decoding of application/x-www-form-urlencoded bodies and query strings, strictly: a request
// that cannot be read unambiguously is refused rather than guessed at.
#include <array>
#include <cstdint>
#include <forward_list>
#include <span>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "hsoauth/oauth/result.hpp"

namespace hsoauth::http {

// A decoded form: its names and values view the text it was decoded from (which must outlive
// it) where nothing needed decoding, and strings of its own otherwise; moving it keeps both valid.
// Up to inline_fields fields take no allocation.
class form_fields {
public:
    using field = std::pair<std::string_view, std::string_view>;
    static constexpr std::size_t inline_fields = 8;

    // The value of `name`, or nullopt when absent.
    std::optional<std::string_view> get(std::string_view name) const;
    // The value of `name`, or "" when absent.
    std::string_view value_or_empty(std::string_view name) const;
    // Every field, in the order given.
    std::span<const field> all() const;

private:
    friend oauth::result<form_fields> decode_form(std::string_view text);
    void add(std::string_view name, std::string_view value);
    // Keeps a decoded name or value; the view stays valid for this object's life.
    std::string_view keep(std::string decoded);

    std::array<field, inline_fields> inline_{};
    std::vector<field> more_;  // every field, once there are more than inline_fields
    std::size_t count_ = 0;
    std::forward_list<std::string> decoded_;  // nodes do not move when the object does
};

// Decodes `a=1&b=2` (the result views `text`). '+' is a space; %XX is a byte. Refused with malformed_request (naming the
// field when it can): bad percent-encoding, a decoded name or value that is not valid UTF-8 or
// holds a control character (NUL included), a name given twice, more than 64 fields.
oauth::result<form_fields> decode_form(std::string_view text);

// One form-encoded name or value decoded ('+' is a space), with decode_form's rules; nullopt
// when it breaks them.
std::optional<std::string> decode_form_component(std::string_view text);

// Whether a Content-Type header names application/x-www-form-urlencoded (case-insensitively,
// parameters such as a charset allowed).
bool is_form_content_type(std::string_view content_type);

// Percent-decodes one path segment ('+' stays '+'); nullopt on bad encoding, invalid UTF-8 or
// control characters.
std::optional<std::string> decode_path_segment(std::string_view segment);

// A positive decimal id ("62515") as found in paths and form fields; nullopt for anything else.
std::optional<std::int64_t> parse_positive_id(std::string_view text);

// Percent-encodes everything but RFC 3986 unreserved characters (for query values).
std::string percent_encode(std::string_view text);

// True when `text` is well-formed UTF-8 without overlong forms or surrogates.
bool is_valid_utf8(std::string_view text);

}  // namespace hsoauth::http
