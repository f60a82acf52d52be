#pragma once
// A JSON object written straight into a string, for the hot responses (token grants and
// introspection) where building an nlohmann::json tree costs more than the rest of the reply.
// Callers add members in the order they want them on the wire; strings must be UTF-8 (every
// value stored here was parsed from JSON or a form and is). Member names are string literals,
// checked when the program is compiled (json_key); values are escaped as they are written.
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <ranges>
#include <string>
#include <string_view>
#include <vector>

#include "hsoauth/http/body_buffers.hpp"

namespace hsoauth::http {

// A member name known when the program is compiled, kept as the text that introduces its
// member, `,"name":`, so that writing it is one append. Made only from a string literal, in a
// constant expression: a name that would need escaping in JSON (a '"', a '\\', a byte below
// 0x20) or longer than max_length does not compile.
class json_key {
public:
    static constexpr std::size_t max_length = 40;

    template <std::size_t N>
    consteval json_key(const char (&name)[N]) : size_(static_cast<unsigned char>(N - 1 + 4)) {
        static_assert(N >= 1 && N - 1 <= max_length, "a JSON member name of at most max_length bytes");
        if (name[N - 1] != '\0' || !needs_no_escaping(std::string_view(name, N - 1))) {
            throw "a JSON member name must be written as it is: no '\"', '\\\\' or control byte";
        }
        text_[0] = ',';
        text_[1] = '"';
        for (std::size_t i = 0; i + 1 < N; ++i) text_[2 + i] = name[i];
        text_[N + 1] = '"';
        text_[N + 2] = ':';
    }

    // Whether `name` is written in JSON as it is (RFC 8259 §7: no quotation mark, reverse
    // solidus or control character below 0x20).
    static constexpr bool needs_no_escaping(std::string_view name) {
        for (const char c : name) {
            if (c == '"' || c == '\\' || static_cast<unsigned char>(c) < 0x20) return false;
        }
        return true;
    }

    // `"name":`, for the first member of an object.
    constexpr std::string_view first() const { return {text_ + 1, size_ - 1u}; }
    // `,"name":`, for a member after another.
    constexpr std::string_view next() const { return {text_, size_}; }

private:
    char text_[max_length + 4] = {};
    unsigned char size_;
};

// A member whose name and value are both known when the program is compiled ("token_type":
// "Bearer", "active": true), kept as the text `,"name":value` so that writing it is one append.
// Made only from string literals (and a bool), in a constant expression: a name or string value
// that would need escaping, or a member longer than max_length, does not compile.
class json_constant {
public:
    static constexpr std::size_t max_length = 64;  // `,"name":value`, punctuation included

    template <std::size_t N, std::size_t M>
    consteval json_constant(const char (&name)[N], const char (&value)[M]) {
        static_assert(N - 1 + M - 1 + 6 <= max_length, "a constant JSON member of at most max_length bytes");
        if (name[N - 1] != '\0' || value[M - 1] != '\0' ||
            !json_key::needs_no_escaping(std::string_view(name, N - 1)) ||
            !json_key::needs_no_escaping(std::string_view(value, M - 1))) {
            throw "a constant JSON member must be written as it is: no '\"', '\\\\' or control byte";
        }
        start(std::string_view(name, N - 1));
        append("\"");
        append(std::string_view(value, M - 1));
        append("\"");
    }
    template <std::size_t N>
    consteval json_constant(const char (&name)[N], bool value) {
        static_assert(N - 1 + 9 <= max_length, "a constant JSON member of at most max_length bytes");
        if (name[N - 1] != '\0' || !json_key::needs_no_escaping(std::string_view(name, N - 1))) {
            throw "a JSON member name must be written as it is: no '\"', '\\\\' or control byte";
        }
        start(std::string_view(name, N - 1));
        append(value ? "true" : "false");
    }

    // `"name":value`, for the first member of an object.
    constexpr std::string_view first() const { return {text_ + 1, size_ - 1u}; }
    // `,"name":value`, for a member after another.
    constexpr std::string_view next() const { return {text_, size_}; }

private:
    constexpr void append(std::string_view part) {
        for (const char c : part) text_[size_++] = c;
    }
    constexpr void start(std::string_view name) {
        append(",\"");
        append(name);
        append("\":");
    }

    char text_[max_length] = {};
    unsigned char size_ = 0;
};

// Appends `text` as a JSON string literal (quotes included), escaped as RFC 8259 §7 requires.
void append_json_string(std::string& out, std::string_view text);

class json_object_writer {
public:
    // Writes into a body buffer of this thread's (body_buffers.hpp): none allocated once the
    // thread has answered before.
    json_object_writer() : out_(take_body_buffer()) { out_ += '{'; }

    json_object_writer& add(json_key key, std::string_view value);
    json_object_writer& add(json_key key, const char* value) { return add(key, std::string_view(value)); }
    json_object_writer& add(json_key key, std::int64_t value);
    // An array of strings: any range whose elements read as std::string_view (a list of
    // strings, a storage::scope_text).
    template <std::ranges::input_range Strings>
        requires std::convertible_to<std::ranges::range_reference_t<const Strings&>, std::string_view>
    json_object_writer& add(json_key name, const Strings& values) {
        key(name);
        out_ += '[';
        bool first = true;
        for (const std::string_view value : values) {
            if (!first) out_ += ',';
            first = false;
            append_json_string(out_, value);
        }
        out_ += ']';
        return *this;
    }
    json_object_writer& add_bool(json_key key, bool value);
    // A member known when the program is compiled, written in one append.
    json_object_writer& add(const json_constant& member) {
        out_ += first_ ? member.first() : member.next();
        first_ = false;
        return *this;
    }

    // Opens the member `key` whose value is an object: the members added next are its own, until
    // end_object() closes it. Objects nest; every one begun must be ended before finish().
    json_object_writer& begin_object(json_key key);
    json_object_writer& end_object();

    // The bytes written so far: where the next one goes.
    std::size_t size() const { return out_.size(); }

    // The finished object; the writer is spent afterwards.
    std::string finish();

private:
    void key(const json_key& name) {
        out_ += first_ ? name.first() : name.next();
        first_ = false;
    }
    std::string out_;
    bool first_ = true;  // no member written yet in the innermost open object
};

}  // namespace hsoauth::http
