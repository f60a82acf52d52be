#include "support/response_parser.hpp"

#include <algorithm>
#include <charconv>
#include <stdexcept>
#include <string>

namespace hsoauth::e2e {
namespace {

constexpr std::size_t max_head_bytes = 1 << 20;
constexpr std::string_view crlf = "\r\n";

[[noreturn]] void malformed(std::string_view why, std::string_view near) {
    throw std::runtime_error("malformed HTTP response: " + std::string(why) + " near \"" +
                             std::string(near.substr(0, 200)) + "\"");
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

int parse_status_line(std::string_view line) {
    if (line.substr(0, 7) != "HTTP/1." || line.size() < 12 || line[8] != ' ') {
        malformed("bad status line", line);
    }
    int status = 0;
    const auto digits = line.substr(9, 3);
    const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), status);
    if (ec != std::errc{} || end != digits.data() + digits.size() ||
        (line.size() > 12 && line[12] != ' ')) {
        malformed("bad status code", line);
    }
    return status;
}

void parse_header_line(std::string_view line, http_response& out) {
    const auto colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0) {
        malformed("header line without name", line);
    }
    out.headers.emplace_back(std::string(line.substr(0, colon)),
                             std::string(trim(line.substr(colon + 1))));
}

bool is_chunked(const http_response& r) {
    for (const auto& [name, value] : r.headers) {
        if (iequals(name, "Transfer-Encoding")) {
            const auto last = value.rfind(',');
            const auto coding =
                trim(std::string_view(value).substr(last == std::string::npos ? 0 : last + 1));
            if (iequals(coding, "chunked")) {
                return true;
            }
        }
    }
    return false;
}

std::optional<std::size_t> content_length(const http_response& r) {
    std::optional<std::size_t> length;
    for (const auto& [name, value] : r.headers) {
        if (!iequals(name, "Content-Length")) {
            continue;
        }
        std::size_t parsed = 0;
        const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), parsed);
        if (value.empty() || ec != std::errc{} || end != value.data() + value.size()) {
            malformed("bad Content-Length", value);
        }
        if (length && *length != parsed) {
            malformed("conflicting Content-Length headers", value);
        }
        length = parsed;
    }
    return length;
}

// Decodes a chunked body starting at `pos`; returns the offset just past it, or nullopt if
// the buffer ends first.
std::optional<std::size_t> decode_chunked(std::string_view buffer, std::size_t pos,
                                          http_response& out) {
    for (;;) {
        const auto line_end = buffer.find(crlf, pos);
        if (line_end == std::string_view::npos) {
            return std::nullopt;
        }
        auto size_text = buffer.substr(pos, line_end - pos);
        size_text = trim(size_text.substr(0, size_text.find(';')));
        std::size_t size = 0;
        const auto [end, ec] =
            std::from_chars(size_text.data(), size_text.data() + size_text.size(), size, 16);
        if (size_text.empty() || ec != std::errc{} || end != size_text.data() + size_text.size()) {
            malformed("bad chunk size", buffer.substr(pos));
        }
        pos = line_end + crlf.size();
        if (size == 0) {
            break;
        }
        if (buffer.size() < pos + size + crlf.size()) {
            return std::nullopt;
        }
        out.body.append(buffer.substr(pos, size));
        if (buffer.substr(pos + size, crlf.size()) != crlf) {
            malformed("chunk not followed by CRLF", buffer.substr(pos + size));
        }
        pos += size + crlf.size();
    }
    for (;;) {  // trailer section, ended by an empty line
        const auto line_end = buffer.find(crlf, pos);
        if (line_end == std::string_view::npos) {
            return std::nullopt;
        }
        const auto line = buffer.substr(pos, line_end - pos);
        pos = line_end + crlf.size();
        if (line.empty()) {
            return pos;
        }
        parse_header_line(line, out);
    }
}

}  // namespace

std::optional<parsed_response> parse_response(std::string_view buffer, bool eof,
                                              bool head_request) {
    const auto head_end = buffer.find("\r\n\r\n");
    if (head_end == std::string_view::npos) {
        if (buffer.size() > max_head_bytes) {
            malformed("header section too large", buffer);
        }
        if (eof && !buffer.empty()) {
            malformed("connection closed inside the header section", buffer);
        }
        return std::nullopt;
    }

    parsed_response result;
    http_response& r = result.response;
    const auto head = buffer.substr(0, head_end);
    const auto status_end = head.find(crlf);
    r.status = parse_status_line(head.substr(0, status_end));
    if (status_end != std::string_view::npos) {
        std::size_t pos = status_end + crlf.size();
        while (pos <= head.size()) {
            const auto next = std::min(head.find(crlf, pos), head.size());
            parse_header_line(head.substr(pos, next - pos), r);
            pos = next + crlf.size();
        }
    }
    const std::size_t body_start = head_end + 4;

    if (head_request || r.status / 100 == 1 || r.status == 204 || r.status == 304) {
        result.consumed = body_start;
        return result;
    }
    if (is_chunked(r)) {
        const auto end = decode_chunked(buffer, body_start, r);
        if (!end) {
            if (eof) {
                malformed("connection closed inside a chunked body", buffer.substr(body_start));
            }
            return std::nullopt;
        }
        result.consumed = *end;
        return result;
    }
    if (const auto length = content_length(r)) {
        if (buffer.size() - body_start < *length) {
            if (eof) {
                malformed("connection closed before Content-Length bytes arrived",
                          buffer.substr(body_start));
            }
            return std::nullopt;
        }
        r.body.assign(buffer.substr(body_start, *length));
        result.consumed = body_start + *length;
        return result;
    }
    if (!eof) {
        return std::nullopt;
    }
    r.body.assign(buffer.substr(body_start));
    result.consumed = buffer.size();
    return result;
}

}  // namespace hsoauth::e2e
