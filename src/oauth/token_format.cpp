#include "hsoauth/oauth/token_format.hpp"

#include "hsoauth/crypto/random.hpp"

namespace hsoauth::oauth {
namespace {

constexpr std::size_t access_id_bytes = 8;
constexpr std::size_t access_secret_bytes = 28;

// The value of a base64url digit (RFC 4648 §5), or -1.
int base64url_value(char c) {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '-') return 62;
    if (c == '_') return 63;
    return -1;
}

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

std::string new_access_token(std::int64_t access_id) {
    std::string bytes(access_id_bytes, '\0');
    const auto id = static_cast<std::uint64_t>(access_id);
    for (std::size_t i = 0; i < access_id_bytes; ++i) {
        bytes[i] = static_cast<char>(id >> (8 * (access_id_bytes - 1 - i)));
    }
    bytes += crypto::random_bytes(access_secret_bytes);
    std::string out = "C";
    out.append(crypto::base64url(bytes));
    return out;
}

std::optional<std::int64_t> access_token_id(std::string_view token) {
    // "C" + 48 base64url characters; the first 12 of them hold 72 bits, the first 64 the id.
    if (token.size() != 1 + (access_id_bytes + access_secret_bytes) * 4 / 3 || token.front() != 'C') {
        return std::nullopt;
    }
    std::uint64_t bits = 0;
    for (std::size_t i = 1; i <= 12; ++i) {
        const int v = base64url_value(token[i]);
        if (v < 0) return std::nullopt;
        if (i <= 10) {
            bits = (bits << 6) | static_cast<std::uint64_t>(v);  // 60 bits
        } else if (i == 11) {
            bits = (bits << 4) | static_cast<std::uint64_t>(v >> 2);  // 64 bits
        }
    }
    return static_cast<std::int64_t>(bits);
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
