#include "hsoauth/http/log_event.hpp"

#include <charconv>
#include <chrono>
#include <ctime>

namespace hsoauth::http {
namespace {

std::string& thread_line() {
    thread_local std::string line;
    return line;
}

constexpr char hex_digits[] = "0123456789abcdef";

// Printable ASCII stays (the space too, in text values); the backslash, the double quote and
// every other byte become \xNN. In JSON the backslash of \xNN is itself escaped.
void append_value(std::string& out, std::string_view text, bool json) {
    for (const char c : text) {
        const auto byte = static_cast<unsigned char>(c);
        if (byte >= 0x20 && byte < 0x7f && c != '\\' && c != '"') {
            out += c;
        } else {
            out += json ? "\\\\x" : "\\x";
            out += hex_digits[byte >> 4];
            out += hex_digits[byte & 0xf];
        }
    }
}

void append_number(std::string& out, std::int64_t value, int min_digits = 1) {
    char digits[24];
    const auto end = std::to_chars(digits, digits + sizeof digits, value).ptr;
    for (auto width = end - digits; width < min_digits; ++width) out += '0';
    out.append(digits, end);
}

}  // namespace

void append_utc_micros(std::string& out, std::int64_t micros_since_epoch) {
    const std::time_t seconds = static_cast<std::time_t>(micros_since_epoch / 1000000);
    std::tm utc{};
    gmtime_r(&seconds, &utc);
    char stamp[32];
    const std::size_t length = std::strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%S", &utc);
    out.append(stamp, length);
    out += '.';
    append_number(out, micros_since_epoch % 1000000, 6);
    out += 'Z';
}

log_event::log_event(log_writer& log, log_level level, std::string_view event)
    : log_(log), on_(log.enabled(level)), json_(log.style().format == log_format::json), line_(thread_line()) {
    if (!on_) return;
    line_.clear();
    const auto now = std::chrono::duration_cast<std::chrono::microseconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count();
    if (json_) {
        line_ += "{\"time\":\"";
        append_utc_micros(line_, now);
        line_ += "\",\"level\":\"";
        line_ += name_of(level);
        line_ += "\",\"event\":\"";
        append_value(line_, event, true);
        line_ += '"';
    } else {
        append_utc_micros(line_, now);
        line_ += ' ';
        line_ += name_of(level);
        line_ += ' ';
        append_value(line_, event, false);
    }
}

log_event::~log_event() {
    if (!on_) return;
    if (json_) line_ += '}';
    log_.line(line_);
}

void log_event::key(std::string_view name) {
    if (json_) {
        line_ += ",\"";
        line_ += name;
        line_ += "\":";
    } else {
        line_ += ' ';
        line_ += name;
        line_ += '=';
    }
}

log_event& log_event::add(std::string_view name, std::string_view value) {
    if (!on_) return *this;
    key(name);
    const bool quoted = json_ || value.empty() || value.find(' ') != std::string_view::npos;
    if (quoted) line_ += '"';
    append_value(line_, value, json_);
    if (quoted) line_ += '"';
    return *this;
}

log_event& log_event::add_printable(std::string_view name, std::string_view value) {
    if (!on_) return *this;
    key(name);
    line_ += '"';
    for (const char c : value) {
        if (c == '"') {
            line_ += json_ ? "\\\\x22" : "\\x22";
        } else if (c == '\\' && json_) {
            line_ += "\\\\";
        } else {
            line_ += c;
        }
    }
    line_ += '"';
    return *this;
}

log_event& log_event::add(std::string_view name, std::int64_t value) {
    if (!on_) return *this;
    key(name);
    append_number(line_, value);
    return *this;
}

log_event& log_event::add(std::string_view name, bool value) {
    if (!on_) return *this;
    key(name);
    line_ += value ? "true" : "false";
    return *this;
}

}  // namespace hsoauth::http
