#include "support/http_client.hpp"

#include <stdexcept>

#include "support/response_parser.hpp"
#include "support/socket_io.hpp"

namespace hsoauth::e2e {
namespace {

bool has_header(const header_list& headers, std::string_view name) {
    for (const auto& entry : headers) {
        if (iequals(entry.first, name)) {
            return true;
        }
    }
    return false;
}

std::string serialize_request(std::uint16_t port, std::string_view method, std::string_view target,
                              const header_list& headers, std::string_view body) {
    std::string out;
    out.append(method).append(" ").append(target).append(" HTTP/1.1\r\n");
    if (!has_header(headers, "Host")) {
        out.append("Host: 127.0.0.1:").append(std::to_string(port)).append("\r\n");
    }
    if (!has_header(headers, "Connection")) {
        out.append("Connection: close\r\n");
    }
    const bool body_method = method == "POST" || method == "PUT" || method == "PATCH";
    if ((!body.empty() || body_method) && !has_header(headers, "Content-Length")) {
        out.append("Content-Length: ").append(std::to_string(body.size())).append("\r\n");
    }
    for (const auto& [name, value] : headers) {
        out.append(name).append(": ").append(value).append("\r\n");
    }
    out.append("\r\n").append(body);
    return out;
}

}  // namespace

http_response http_request(std::uint16_t port, std::string_view method, std::string_view target,
                           const header_list& headers, std::string_view body) {
    const auto describe = [&] {
        return std::string(method) + " " + std::string(target) + " on port " + std::to_string(port);
    };
    try {
        const unique_fd fd = connect_loopback(port, http_io_timeout);
        // A server may answer and close before reading all of a large body; the answer still
        // counts.
        (void)try_send_all(fd.get(), serialize_request(port, method, target, headers, body));

        std::string buffer;
        bool eof = false;
        for (;;) {
            if (auto parsed = parse_response(buffer, eof, method == "HEAD")) {
                if (parsed->response.status / 100 == 1) {
                    buffer.erase(0, parsed->consumed);
                    continue;
                }
                return std::move(parsed->response);
            }
            if (eof) {
                throw std::runtime_error("connection closed without a response");
            }
            switch (recv_some(fd.get(), buffer)) {
                case recv_status::data:
                    break;
                case recv_status::eof:
                    eof = true;
                    break;
                case recv_status::timeout:
                    throw std::runtime_error("timed out waiting for the response; got \"" +
                                             buffer.substr(0, 500) + "\"");
            }
        }
    } catch (const std::runtime_error& e) {
        throw std::runtime_error(describe() + ": " + e.what());
    }
}

std::string url_encode(std::string_view text) {
    static constexpr char hex[] = "0123456789ABCDEF";
    std::string out;
    out.reserve(text.size());
    for (const char c : text) {
        const bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                                (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' ||
                                c == '~';
        if (unreserved) {
            out.push_back(c);
        } else {
            const auto byte = static_cast<unsigned char>(c);
            out.push_back('%');
            out.push_back(hex[byte >> 4]);
            out.push_back(hex[byte & 0x0F]);
        }
    }
    return out;
}

std::string form_encode(const header_list& fields) {
    std::string out;
    for (const auto& [name, value] : fields) {
        if (!out.empty()) {
            out.push_back('&');
        }
        out.append(url_encode(name)).append("=").append(url_encode(value));
    }
    return out;
}

http_response post_form(std::uint16_t port, std::string_view target, const header_list& fields,
                        const header_list& headers) {
    header_list all = headers;
    if (!has_header(all, "Content-Type")) {
        all.emplace_back("Content-Type", "application/x-www-form-urlencoded");
    }
    return http_request(port, "POST", target, all, form_encode(fields));
}

http_response post_json(std::uint16_t port, std::string_view target, const nlohmann::json& body,
                        const header_list& headers) {
    header_list all = headers;
    if (!has_header(all, "Content-Type")) {
        all.emplace_back("Content-Type", "application/json");
    }
    return http_request(port, "POST", target, all, body.dump());
}

}  // namespace hsoauth::e2e
