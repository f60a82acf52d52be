#include "hsoauth/oauth/token_format.hpp"

#include <array>

#include "hsoauth/crypto/random.hpp"

namespace hsoauth::oauth {
namespace {

constexpr std::size_t id_bytes = 8;
constexpr std::size_t secret_bytes = 32;
// Access tokens issued between migrations 0003 and 0004 had 28 random bytes.
constexpr std::size_t old_access_secret_bytes = 28;
constexpr std::size_t refresh_id_digits = 2 * id_bytes;

// crypto::base64url_digit of every byte, looked up by access_token_id: one load per character
// instead of five range tests, on every request that names an access token.
constexpr std::array<signed char, 256> base64url_values = [] {
    std::array<signed char, 256> values{};
    for (int b = 0; b < 256; ++b) values[b] = static_cast<signed char>(crypto::base64url_digit(static_cast<char>(b)));
    return values;
}();

// The value of every byte as a lowercase hex digit, or -1, looked up by refresh_token_id: one load
// per digit instead of two range tests, three times on every refresh.
constexpr std::array<signed char, 256> lower_hex_values = [] {
    std::array<signed char, 256> values{};
    for (int b = 0; b < 256; ++b) {
        values[b] = static_cast<signed char>(b >= '0' && b <= '9'   ? b - '0'
                                             : b >= 'a' && b <= 'f' ? b - 'a' + 10
                                                                    : -1);
    }
    return values;
}();

// 32 random bytes as 8-4-4-4-12-32 hex digits.
std::string grouped_hex_secret(crypto::random_source& random) {
    const std::string h = crypto::hex(random.bytes(secret_bytes));
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

// "<hublet>-" and a grouped_hex_secret: codes, and refresh tokens before their id.
std::string hublet_secret(std::string_view hublet, crypto::random_source& random) {
    std::string out(hublet);
    out.push_back('-');
    out.append(grouped_hex_secret(random));
    return out;
}

// Writes `value` as id_bytes big-endian bytes at `out`.
void put_big_endian(std::int64_t value, char* out) {
    const auto id = static_cast<std::uint64_t>(value);
    for (std::size_t i = 0; i < id_bytes; ++i) out[i] = static_cast<char>(id >> (8 * (id_bytes - 1 - i)));
}

std::string big_endian(std::int64_t value) {
    std::string bytes(id_bytes, '\0');
    put_big_endian(value, bytes.data());
    return bytes;
}

}  // namespace

// The id and the secret are put together on the stack and encoded beside the "C".
access_token_text new_access_token(std::int64_t access_id, crypto::random_source& random) {
    std::array<char, id_bytes + secret_bytes> raw;
    put_big_endian(access_id, raw.data());
    random.fill(std::span<char>(raw).subspan(id_bytes));
    std::array<char, 1 + crypto::base64url_length(id_bytes + secret_bytes)> text;
    static_assert(text.size() == access_token_text::capacity);
    text[0] = 'C';
    crypto::base64url_write(std::string_view(raw.data(), raw.size()), text.data() + 1);
    return access_token_text(std::string_view(text.data(), text.size()));
}

std::optional<std::int64_t> access_token_id(std::string_view token) {
    // "C" + base64url; its first 11 characters hold 66 bits, the first 64 of them the id.
    const bool known_length = token.size() == 1 + crypto::base64url_length(id_bytes + secret_bytes) ||
                              token.size() == 1 + crypto::base64url_length(id_bytes + old_access_secret_bytes);
    if (!known_length || token.front() != 'C') return std::nullopt;
    const auto value_at = [token](std::size_t i) { return int{base64url_values[static_cast<unsigned char>(token[i])]}; };
    std::uint64_t bits = 0;
    int any_invalid = 0;  // negative once a character is not base64url (its value is -1)
    for (std::size_t i = 1; i <= 10; ++i) {
        const int v = value_at(i);
        any_invalid |= v;
        bits = (bits << 6) | static_cast<std::uint64_t>(v & 63);  // 60 bits
    }
    const int last = value_at(11);
    any_invalid |= last;
    if (any_invalid < 0) return std::nullopt;
    bits = (bits << 4) | static_cast<std::uint64_t>(last >> 2);  // 64 bits
    return static_cast<std::int64_t>(bits);
}

std::string new_refresh_token(std::string_view hublet, std::int64_t refresh_id,
                              crypto::random_source& random) {
    std::string out = hublet_secret(hublet, random);
    out.push_back('-');
    out.append(crypto::hex(big_endian(refresh_id)));
    return out;
}

std::optional<std::int64_t> refresh_token_id(std::string_view token) {
    // The last dash followed by the id's digits: a dash just before them, and digits only after it
    // (a digit is never a dash).
    if (token.size() <= refresh_id_digits || token[token.size() - refresh_id_digits - 1] != '-') {
        return std::nullopt;
    }
    std::uint64_t id = 0;
    int any_invalid = 0;  // negative once a character is not a lowercase hex digit
    for (const char c : token.substr(token.size() - refresh_id_digits)) {
        const int v = lower_hex_values[static_cast<unsigned char>(c)];
        any_invalid |= v;
        id = (id << 4) | static_cast<std::uint64_t>(v & 15);
    }
    if (any_invalid < 0) return std::nullopt;
    return static_cast<std::int64_t>(id);
}

std::string new_authorization_code(std::string_view hublet, crypto::random_source& random) {
    return hublet_secret(hublet, random);
}

std::string new_client_secret(crypto::random_source& random) { return grouped_hex_secret(random); }

}  // namespace hsoauth::oauth
