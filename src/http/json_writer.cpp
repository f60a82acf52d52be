#include "hsoauth/http/json_writer.hpp"

#include <charconv>
#include <cstdint>

#include "hsoauth/util/byte_words.hpp"

namespace hsoauth::http {

namespace {

bool needs_escape(char c) { return c == '"' || c == '\\' || static_cast<unsigned char>(c) < 0x20; }

// Whether none of the 8 bytes at `p` needs escaping: no '"', no '\\', nothing below 0x20.
bool plain_word(const char* p) {
    const std::uint64_t word = util::load_word(p);
    return (util::byte_below(word, 0x20) | util::byte_in(word, '"') | util::byte_in(word, '\\')) ==
           0;
}

}  // namespace

void append_json_string(std::string& out, std::string_view text) {
    static constexpr char digits[] = "0123456789abcdef";
    out += '"';
    std::size_t plain_from = 0;  // start of the run of bytes copied as they are
    for (std::size_t i = 0; i < text.size(); ++i) {
        // Eight plain bytes at a time while there are eight left (most text has nothing to escape).
        while (i + 8 <= text.size() && plain_word(text.data() + i)) i += 8;
        if (i == text.size()) break;
        const char c = text[i];
        if (!needs_escape(c)) continue;
        out.append(text.data() + plain_from, i - plain_from);
        plain_from = i + 1;
        switch (c) {
            case '"': out += "\\\""; break;
            case '\\': out += "\\\\"; break;
            case '\b': out += "\\b"; break;
            case '\f': out += "\\f"; break;
            case '\n': out += "\\n"; break;
            case '\r': out += "\\r"; break;
            case '\t': out += "\\t"; break;
            default: {
                const auto byte = static_cast<unsigned char>(c);
                out += "\\u00";
                out += digits[byte >> 4];
                out += digits[byte & 15];
            }
        }
    }
    out.append(text.data() + plain_from, text.size() - plain_from);
    out += '"';
}

json_object_writer& json_object_writer::add(json_key name, std::string_view value) {
    key(name);
    append_json_string(out_, value);
    return *this;
}

json_object_writer& json_object_writer::add_bool(json_key name, bool value) {
    key(name);
    out_ += value ? std::string_view("true") : std::string_view("false");
    return *this;
}

json_object_writer& json_object_writer::add(json_key name, std::int64_t value) {
    key(name);
    char digits[24];  // an int64 in decimal, sign included, is at most 20 bytes
    const auto written = std::to_chars(digits, digits + sizeof digits, value);
    out_.append(digits, static_cast<std::size_t>(written.ptr - digits));
    return *this;
}

json_object_writer& json_object_writer::begin_object(json_key name) {
    key(name);
    out_ += '{';
    first_ = true;
    return *this;
}

json_object_writer& json_object_writer::end_object() {
    out_ += '}';
    first_ = false;
    return *this;
}

std::string json_object_writer::finish() {
    out_ += '}';
    return std::move(out_);
}

}  // namespace hsoauth::http
