#include "support/http_response.hpp"

#include <stdexcept>

namespace hsoauth::e2e {

bool iequals(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) {
        return false;
    }
    for (std::size_t i = 0; i < a.size(); ++i) {
        auto lower = [](char c) {
            return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
        };
        if (lower(a[i]) != lower(b[i])) {
            return false;
        }
    }
    return true;
}

std::string http_response::header(std::string_view name) const {
    for (const auto& [key, value] : headers) {
        if (iequals(key, name)) {
            return value;
        }
    }
    return {};
}

std::size_t http_response::header_count(std::string_view name) const {
    std::size_t count = 0;
    for (const auto& entry : headers) {
        if (iequals(entry.first, name)) {
            ++count;
        }
    }
    return count;
}

nlohmann::json http_response::json() const {
    try {
        return nlohmann::json::parse(body);
    } catch (const nlohmann::json::parse_error& e) {
        throw std::runtime_error("HTTP " + std::to_string(status) + " body is not JSON (" +
                                 e.what() + "): " + body);
    }
}

}  // namespace hsoauth::e2e
