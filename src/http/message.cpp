#include "hsoauth/http/message.hpp"

namespace hsoauth::http {

bool iequals(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (ascii_lower(a[i]) != ascii_lower(b[i])) return false;
    }
    return true;
}

bool istarts_with(std::string_view text, std::string_view prefix) {
    return text.size() >= prefix.size() && iequals(text.substr(0, prefix.size()), prefix);
}

std::string_view request::header(std::string_view name) const {
    for (const auto& [key, value] : headers) {
        if (key == name) return value;
    }
    return {};
}

response json_response(int status, std::string body) {
    response r;
    r.status = status;
    r.content_type = json_content_type;
    r.body = std::move(body);
    return r;
}

response empty_response(int status) {
    response r;
    r.status = status;
    return r;
}

}  // namespace hsoauth::http
