#include "hsoauth/oauth/token_format.hpp"

#include "hsoauth/crypto/random.hpp"

namespace hsoauth::oauth {
namespace {

// 32 random bytes as 8-4-4-4-12-32 hex digits.
std::string grouped_hex_secret() {
    const std::string h = crypto::hex(crypto::random_bytes(32));
    std::string out;
    out.reserve(h.size() + 5);
    std::size_t at = 0;
    for (const std::size_t group : {8, 4, 4, 4, 12, 32}) {
        if (at > 0) out.push_back('-');
        out.append(h, at, group);
        at += group;
    }
    return out;
}

}  // namespace

std::string new_access_token() {
    std::string out = "C";
    out.append(crypto::base64url(crypto::random_bytes(36)));
    return out;
}

std::string new_refresh_token(std::string_view hublet) {
    std::string out(hublet);
    out.push_back('-');
    out.append(grouped_hex_secret());
    return out;
}

std::string new_authorization_code(std::string_view hublet) { return new_refresh_token(hublet); }

std::string new_client_secret() { return grouped_hex_secret(); }

}  // namespace hsoauth::oauth
