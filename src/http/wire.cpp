#include "hsoauth/http/wire.hpp"

namespace hsoauth::http {
namespace {

void append_header(std::string& out, std::string_view name, std::string_view value) {
    out += name;
    out += ": ";
    const std::size_t start = out.size();
    out += value;
    for (std::size_t i = start; i < out.size(); ++i) {
        if (out[i] == '\r' || out[i] == '\n' || out[i] == '\0') out[i] = ' ';
    }
    out += "\r\n";
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
    out += std::to_string(r.status);
    out += ' ';
    out += reason_phrase(r.status);
    out += "\r\n";
    bool cache_control_set = false;
    if (!r.content_type.empty()) append_header(out, "Content-Type", r.content_type);
    for (const auto& [name, value] : r.headers) {
        if (iequals(name, "Cache-Control")) cache_control_set = true;
        append_header(out, name, value);
    }
    append_header(out, "Server", "hsoauth");
    append_header(out, "X-HubSpot-Correlation-Id", correlation_id);
    if (!cache_control_set) {
        // Every API response may carry a token or a secret: none may be cached (RFC 6749 §5.1).
        append_header(out, "Cache-Control", "no-store");
        append_header(out, "Pragma", "no-cache");
    }
    if (!keep_alive) {
        append_header(out, "Connection", "close");
    } else if (announce_keep_alive) {
        append_header(out, "Connection", "keep-alive");
    }
    if (r.stream) {
        append_header(out, "Transfer-Encoding", "chunked");
        out += "\r\n";
        return;
    }
    if (!has_no_body(r.status)) append_header(out, "Content-Length", std::to_string(r.body.size()));
    out += "\r\n";
    if (!has_no_body(r.status) && !head_request) out += r.body;
}

}  // namespace hsoauth::http
