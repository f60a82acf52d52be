#include "hsoauth/http/upstream_request.hpp"

namespace hsoauth::http {
namespace {

void append_header(std::string& out, std::string_view name, std::string_view value) {
    out += name;
    out += ": ";
    out += value;
    out += "\r\n";
}

}  // namespace

bool names_token(std::string_view tokens, std::string_view name) {
    while (!tokens.empty()) {
        const auto comma = tokens.find(',');
        std::string_view token = tokens.substr(0, comma);
        while (!token.empty() && (token.front() == ' ' || token.front() == '\t')) token.remove_prefix(1);
        while (!token.empty() && (token.back() == ' ' || token.back() == '\t')) token.remove_suffix(1);
        if (!token.empty() && iequals(token, name)) return true;
        if (comma == std::string_view::npos) break;
        tokens.remove_prefix(comma + 1);
    }
    return false;
}

bool dropped_request_header(std::string_view name, std::string_view connection_tokens) {
    static constexpr std::string_view dropped[] = {
        "connection",       "keep-alive",        "proxy-connection", "proxy-authorization",
        "te",               "trailer",           "transfer-encoding", "upgrade",
        "content-length",   "expect",            "x-hubspot-hub-id", "x-hubspot-user-id",
        "x-hubspot-app-id", "x-hubspot-scopes",  "x-hubspot-correlation-id"};
    // Most headers (Host, Authorization, Accept, User-Agent, …) begin with a letter no dropped
    // name begins with: one test instead of the list.
    const char first = name.empty() ? '\0' : static_cast<char>(name.front() | 0x20);
    if (first != 'c' && first != 'k' && first != 'p' && first != 't' && first != 'u' && first != 'e' &&
        first != 'x') {
        return names_token(connection_tokens, name);
    }
    for (const auto d : dropped) {
        if (iequals(name, d)) return true;
    }
    return names_token(connection_tokens, name);
}

std::string upstream_request_bytes(const request& req, const header_list& added) {
    std::string out;
    const std::string_view target = req.routed_target();
    out.reserve(256 + target.size() + req.body.size() + 64 * req.headers.size());
    out += req.method;
    out += ' ';
    out += target;
    out += " HTTP/1.1\r\n";
    const std::string_view connection_tokens = req.header("connection");
    for (const auto& [name, value] : req.headers) {
        if (!dropped_request_header(name, connection_tokens)) append_header(out, name, value);
    }
    for (const auto& [name, value] : added) append_header(out, name, value);
    append_header(out, "X-HubSpot-Correlation-Id", req.correlation_id);
    if (!req.body.empty() || req.method == "POST" || req.method == "PUT" || req.method == "PATCH") {
        append_header(out, "Content-Length", std::to_string(req.body.size()));
    }
    out += "\r\n";
    out += req.body;
    return out;
}

bool has_ambiguous_segments(std::string_view path) {
    std::size_t start = 0;
    while (start <= path.size()) {
        const auto end = std::min(path.find('/', start), path.size());
        const std::string_view segment = path.substr(start, end - start);
        // The segment with every %2e read as '.': "." or ".." then?
        std::size_t dots = 0;
        bool only_dots = !segment.empty();
        for (std::size_t i = 0; i < segment.size() && only_dots; ++i) {
            if (segment[i] == '.') {
                ++dots;
            } else if (segment[i] == '%' && i + 2 < segment.size() && segment[i + 1] == '2' &&
                       (segment[i + 2] == 'e' || segment[i + 2] == 'E')) {
                ++dots;
                i += 2;
            } else {
                only_dots = false;
            }
        }
        if (only_dots && dots <= 2) return true;
        for (std::size_t i = 0; i + 2 < segment.size(); ++i) {
            if (segment[i] != '%') continue;
            const char a = segment[i + 1];
            const char b = segment[i + 2];
            if ((a == '2' && (b == 'f' || b == 'F')) || (a == '5' && (b == 'c' || b == 'C'))) return true;
        }
        start = end + 1;
    }
    return false;
}

}  // namespace hsoauth::http
