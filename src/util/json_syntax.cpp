#include "hsoauth/util/json_syntax.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>

namespace hsoauth::util {
namespace {

// A SAX handler that accepts every event and keeps the first syntax error: the parser reports
// errors to it instead of throwing.
struct error_locator {
    std::size_t position = 0;  // bytes read when the error was found, the offending one included
    std::string what;          // the parser's message
    std::string last_token;    // the bytes the message quotes after "last read:"
    bool failed = false;

    bool null() { return true; }
    bool boolean(bool) { return true; }
    bool number_integer(nlohmann::json::number_integer_t) { return true; }
    bool number_unsigned(nlohmann::json::number_unsigned_t) { return true; }
    bool number_float(nlohmann::json::number_float_t, const std::string&) { return true; }
    bool string(std::string&) { return true; }
    bool binary(nlohmann::json::binary_t&) { return true; }
    bool start_object(std::size_t) { return true; }
    bool key(std::string&) { return true; }
    bool end_object() { return true; }
    bool start_array(std::size_t) { return true; }
    bool end_array() { return true; }
    bool parse_error(std::size_t at, const std::string& token,
                     const nlohmann::detail::exception& e) {
        position = at;
        what = e.what();
        last_token = token;
        failed = true;
        return false;
    }
};

// The parser's message without its own prefix ("[json.exception.parse_error.101] parse error at
// line 1, column 2: ") and without the input it quotes ("; last read: '…'").
std::string description(const error_locator& found) {
    std::string text = found.what;
    if (const auto column = text.find("column "); column != std::string::npos) {
        if (const auto colon = text.find(": ", column); colon != std::string::npos)
            text.erase(0, colon + 2);
    }
    const std::string quoted = "; last read: '" + found.last_token + "'";
    if (const auto at = text.find(quoted); at != std::string::npos) text.erase(at, quoted.size());
    for (auto& c : text) {
        if (c < 0x20 || c > 0x7e) c = '?';
    }
    return text;
}

}  // namespace

std::string json_syntax_error(std::string_view text, bool allow_comments) {
    error_locator found;
    nlohmann::json::sax_parse(text, &found, nlohmann::json::input_format_t::json, true,
                              allow_comments);
    if (!found.failed) return {};

    // The offending byte is the last one read; at the end of the input, one past the last byte.
    const std::size_t at = std::min(found.position == 0 ? 0 : found.position - 1, text.size());
    std::size_t line = 1;
    std::size_t line_start = 0;
    for (std::size_t i = 0; i < at; ++i) {
        if (text[i] == '\n') {
            ++line;
            line_start = i + 1;
        }
    }
    std::string out = "line " + std::to_string(line) + ", column " +
                      std::to_string(at - line_start + 1) + ": " + description(found);

    // The commonest slip in a hand-written file: a comma before a closing bracket.
    if (at < text.size() && (text[at] == '}' || text[at] == ']')) {
        const auto before = text.substr(0, at).find_last_not_of(" \t\r\n");
        if (before != std::string_view::npos && text[before] == ',') out += " (a trailing comma?)";
    }
    return out;
}

}  // namespace hsoauth::util
