#pragma once

// One parsed HTTP response as the e2e tests see it.

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace hsoauth::e2e {

struct http_response {
    int status = 0;
    // In wire order, names as sent; repeated headers appear repeatedly.
    std::vector<std::pair<std::string, std::string>> headers;
    // The decoded body (chunked framing removed).
    std::string body;

    // Value of the first header whose name matches case-insensitively; "" if absent.
    std::string header(std::string_view name) const;

    // Number of headers whose name matches case-insensitively.
    std::size_t header_count(std::string_view name) const;

    // The body parsed as JSON. Throws std::runtime_error quoting status and body if it is not JSON.
    nlohmann::json json() const;
};

// ASCII case-insensitive equality, as HTTP header names compare.
bool iequals(std::string_view a, std::string_view b);

}  // namespace hsoauth::e2e
