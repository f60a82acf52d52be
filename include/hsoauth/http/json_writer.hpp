#pragma once
// A JSON object written straight into a string, for the hot responses (token grants and
// introspection) where building an nlohmann::json tree costs more than the rest of the reply.
// Callers add members in the order they want them on the wire; strings must be UTF-8 (every
// value stored here was parsed from JSON or a form and is).
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace hsoauth::http {

class json_object_writer {
public:
    json_object_writer() {
        out_.reserve(1024);  // a token response (with its signed_access_token) in one allocation
        out_ += '{';
    }

    json_object_writer& add(std::string_view key, std::string_view value);
    json_object_writer& add(std::string_view key, const char* value) { return add(key, std::string_view(value)); }
    json_object_writer& add(std::string_view key, std::int64_t value);
    json_object_writer& add(std::string_view key, const std::vector<std::string>& values);
    json_object_writer& add_bool(std::string_view key, bool value);
    // `json` is written as it is: a complete JSON value (another writer's finish()).
    json_object_writer& add_raw(std::string_view key, std::string_view json);

    // The finished object; the writer is spent afterwards.
    std::string finish();

private:
    void key(std::string_view name);
    std::string out_;
};

// Appends `text` as a JSON string literal (quotes included), escaped as RFC 8259 §7 requires.
void append_json_string(std::string& out, std::string_view text);

}  // namespace hsoauth::http
