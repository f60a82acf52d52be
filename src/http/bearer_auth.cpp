#include "hsoauth/http/bearer_auth.hpp"

#include <algorithm>

#include "hsoauth/http/message.hpp"

namespace hsoauth::http {

std::string_view bearer_credentials(std::string_view authorization) {
    constexpr std::string_view scheme = "bearer ";
    return istarts_with(authorization, scheme) ? authorization.substr(scheme.size()) : std::string_view{};
}

std::string bearer_token(std::string_view authorization) {
    std::string_view token = bearer_credentials(authorization);
    while (!token.empty() && token.front() == ' ') token.remove_prefix(1);
    while (!token.empty() && token.back() == ' ') token.remove_suffix(1);
    const bool one_token = std::none_of(token.begin(), token.end(),
                                        [](char c) { return c == ' ' || c == '\t' || c == ','; });
    return one_token ? std::string(token) : std::string();
}

}  // namespace hsoauth::http
