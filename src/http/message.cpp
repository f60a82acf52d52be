#include "hsoauth/http/message.hpp"

namespace hsoauth::http {

std::string_view request::header(std::string_view name) const {
    for (const auto& [key, value] : headers) {
        if (key == name) return value;
    }
    return {};
}

response json_response(int status, std::string body) {
    response r;
    r.status = status;
    r.headers.emplace_back("Content-Type", std::string(json_content_type));
    r.body = std::move(body);
    return r;
}

response empty_response(int status) {
    response r;
    r.status = status;
    return r;
}

}  // namespace hsoauth::http
