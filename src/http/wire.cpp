#include "hsoauth/http/wire.hpp"

#include <charconv>
#include <cstddef>

#include "hsoauth/util/byte_words.hpp"

namespace hsoauth::http {
namespace {

// Whether `value` holds a byte below 0x20 (a CR, LF or NUL among them), eight bytes at a time.
bool has_control_byte(std::string_view value) {
    std::size_t i = 0;
    for (; i + 8 <= value.size(); i += 8) {
        if (util::byte_below(util::load_word(value.data() + i), 0x20) != 0) return true;
    }
    for (; i < value.size(); ++i) {
        if (static_cast<unsigned char>(value[i]) < 0x20) return true;
    }
    return false;
}

// `name: value` and CRLF, with each CR, LF and NUL of `value` written as a space. Values are
// scanned a word at a time; one with a control byte (a tab, say) is then fixed byte by byte.
void append_header(std::string& out, std::string_view name, std::string_view value) {
    out += name;
    out += ": ";
    const std::size_t start = out.size();
    out += value;
    if (has_control_byte(value)) {
        for (std::size_t i = start; i < out.size(); ++i) {
            if (out[i] == '\r' || out[i] == '\n' || out[i] == '\0') out[i] = ' ';
        }
    }
    out += "\r\n";
}

template <class Integer>
void append_number(std::string& out, Integer value) {
    char digits[24];
    const auto written = std::to_chars(digits, digits + sizeof digits, value);
    out.append(digits, static_cast<std::size_t>(written.ptr - digits));
}

bool has_no_body(int status) { return (status >= 100 && status < 200) || status == 204 || status == 304; }

}  // namespace

std::string_view reason_phrase(int status) {
    switch (status) {
        case 100: return "Continue";
        case 200: return "OK";
        case 201: return "Created";
        case 202: return "Accepted";
        case 204: return "No Content";
        case 301: return "Moved Permanently";
        case 302: return "Found";
        case 303: return "See Other";
        case 304: return "Not Modified";
        case 307: return "Temporary Redirect";
        case 308: return "Permanent Redirect";
        case 400: return "Bad Request";
        case 401: return "Unauthorized";
        case 403: return "Forbidden";
        case 404: return "Not Found";
        case 405: return "Method Not Allowed";
        case 406: return "Not Acceptable";
        case 408: return "Request Timeout";
        case 409: return "Conflict";
        case 410: return "Gone";
        case 411: return "Length Required";
        case 413: return "Payload Too Large";
        case 414: return "URI Too Long";
        case 415: return "Unsupported Media Type";
        case 417: return "Expectation Failed";
        case 421: return "Misdirected Request";
        case 422: return "Unprocessable Entity";
        case 423: return "Locked";
        case 429: return "Too Many Requests";
        case 431: return "Request Header Fields Too Large";
        case 477: return "Migration In Progress";
        case 500: return "Internal Server Error";
        case 501: return "Not Implemented";
        case 502: return "Bad Gateway";
        case 503: return "Service Unavailable";
        case 504: return "Gateway Timeout";
        default: return "";
    }
}

std::string to_wire(const response& r, std::string_view correlation_id, bool keep_alive,
                    bool head_request, bool announce_keep_alive) {
    std::string out;
    write_wire(out, r, correlation_id, keep_alive, head_request, announce_keep_alive);
    return out;
}

void write_wire(std::string& out, const response& r, std::string_view correlation_id, bool keep_alive,
                bool head_request, bool announce_keep_alive) {
    out.clear();
    out.reserve(256 + r.body.size());
    out += "HTTP/1.1 ";
    append_number(out, r.status);
    out += ' ';
    out += reason_phrase(r.status);
    out += "\r\n";
    bool cache_control_set = false;
    if (!r.content_type.empty()) append_header(out, "Content-Type", r.content_type);
    for (const auto& [name, value] : r.headers) {
        if (iequals(name, "Cache-Control")) cache_control_set = true;
        append_header(out, name, value);
    }
    // The lines whose values are constants are written whole.
    out += "Server: hsoauth\r\n";
    append_header(out, "X-HubSpot-Correlation-Id", correlation_id);
    if (!cache_control_set) {
        // Every API response may carry a token or a secret: none may be cached (RFC 6749 §5.1).
        out += "Cache-Control: no-store\r\nPragma: no-cache\r\n";
    }
    if (!keep_alive) {
        out += "Connection: close\r\n";
    } else if (announce_keep_alive) {
        out += "Connection: keep-alive\r\n";
    }
    if (r.stream) {
        out += "Transfer-Encoding: chunked\r\n\r\n";
        return;
    }
    if (!has_no_body(r.status)) {
        out += "Content-Length: ";
        append_number(out, r.body.size());
        out += "\r\n";
    }
    out += "\r\n";
    if (!has_no_body(r.status) && !head_request) out += r.body;
}

}  // namespace hsoauth::http
