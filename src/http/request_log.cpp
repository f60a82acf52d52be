#include "hsoauth/http/request_log.hpp"

#include <array>
#include <charconv>
#include <chrono>
#include <cstdint>
#include <ctime>

#include "hsoauth/util/byte_words.hpp"

namespace hsoauth::http {

namespace {

// The bytes a log line shows as they are: printable ASCII, the backslash excepted. A table, so
// that a run of them is scanned with one load and one test per byte.
constexpr std::array<bool, 256> shown_as_is = [] {
    std::array<bool, 256> shown{};
    for (int byte = 0x21; byte < 0x7f; ++byte) shown[static_cast<std::size_t>(byte)] = byte != '\\';
    return shown;
}();

// Whether the eight bytes at `p` are all shown as they are: none below 0x21, none of 0x7f and
// above, no backslash.
bool all_shown_as_is(const char* p) {
    const std::uint64_t word = util::load_word(p);
    return (util::byte_below(word, 0x21) | (word & util::byte_highs) | util::byte_in(word, 0x7f) |
            util::byte_in(word, '\\')) == 0;
}

}  // namespace

// Appends each run of bytes shown as they are at once (a correlation id, a path segment), not
// byte by byte: the run is found eight bytes at a time, then byte by byte within the word that
// ends it.
void append_escaped(std::string& out, std::string_view text) {
    static constexpr char hex[] = "0123456789abcdef";
    std::size_t from = 0;
    while (from < text.size()) {
        std::size_t to = from;
        while (to + 8 <= text.size() && all_shown_as_is(text.data() + to)) to += 8;
        while (to < text.size() && shown_as_is[static_cast<unsigned char>(text[to])]) ++to;
        out.append(text.data() + from, to - from);
        if (to == text.size()) return;
        const auto byte = static_cast<unsigned char>(text[to]);
        const char escape[4] = {'\\', 'x', hex[byte >> 4], hex[byte & 0xf]};
        out.append(escape, sizeof escape);
        from = to + 1;
    }
}

void append_masked_path(std::string& out, std::string_view path) {
    const std::size_t start = out.size();
    bool mask_next = false;
    std::size_t i = 0;
    while (i < path.size()) {
        const std::size_t slash = path.find('/', i + 1);
        const std::size_t end = slash == std::string_view::npos ? path.size() : slash;
        const std::string_view segment = path.substr(i, end - i);  // includes the leading '/'
        // Token segments are masked wherever they stand: after access-tokens or refresh-tokens
        // (even behind an empty segment), and any segment long enough to be a secret.
        if ((mask_next && segment.size() > 1) || segment.size() > 25) {
            out += "/***";
        } else {
            // Anything printed must be harmless: only printable ASCII reaches the log.
            append_escaped(out, segment);
        }
        const std::string_view name = segment.substr(segment.front() == '/' ? 1 : 0);
        mask_next = name == "access-tokens" || name == "refresh-tokens" || (mask_next && name.empty());
        i = end;
    }
    if (out.size() - start > 200) {
        std::size_t cut = start + 200;
        // Never cut an escape in two: "\xNN" is whole or gone.
        const auto escape = out.rfind("\\x", cut);
        if (escape != std::string::npos && escape >= start && escape + 4 > cut) cut = escape;
        out.resize(cut);
        out += "...";
    }
}

std::string masked_path(std::string_view path) {
    std::string out;
    out.reserve(path.size());
    append_masked_path(out, path);
    return out;
}

namespace {

// "YYYY-MM-DDTHH:MM:SSZ" for `seconds`, formatted once per second per thread.
std::string_view utc_stamp(std::time_t seconds) {
    thread_local std::time_t formatted_second = -1;
    thread_local char stamp[32];
    thread_local std::size_t length = 0;
    if (seconds != formatted_second) {
        std::tm utc{};
        gmtime_r(&seconds, &utc);
        length = std::strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", &utc);
        formatted_second = seconds;
    }
    return {stamp, length};
}

void append_number(std::string& out, std::int64_t value, int min_digits = 1) {
    char digits[24];
    const auto end = std::to_chars(digits, digits + sizeof digits, value).ptr;
    for (auto width = end - digits; width < min_digits; ++width) out += '0';
    out.append(digits, end);
}

}  // namespace

void format_request_line(std::string& line, std::time_t seconds, std::string_view method, std::string_view path,
                         int status, std::int64_t duration_micros, std::string_view correlation_id) {
    line.clear();
    line += utc_stamp(seconds);
    line += ' ';
    append_escaped(line, method.substr(0, 16));
    line += ' ';
    append_masked_path(line, path);
    line += ' ';
    append_number(line, status);
    line += ' ';
    // Milliseconds with three decimals.
    append_number(line, duration_micros / 1000);
    line += '.';
    append_number(line, duration_micros % 1000, 3);
    line += "ms corr=";
    append_escaped(line, correlation_id.substr(0, 64));
}

void log_request(log_writer& log, std::string_view method, std::string_view path, int status,
                 std::int64_t duration_micros, std::string_view correlation_id) {
    const std::time_t seconds = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
    thread_local std::string line;
    format_request_line(line, seconds, method, path, status, duration_micros, correlation_id);
    log.line(line);
}

}  // namespace hsoauth::http
