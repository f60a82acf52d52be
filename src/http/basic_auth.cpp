#include "hsoauth/http/basic_auth.hpp"

#include "hsoauth/crypto/random.hpp"
#include "hsoauth/http/form.hpp"
#include "hsoauth/http/message.hpp"

namespace hsoauth::http {
namespace {

// Strict padded base64 (RFC 4648 §4): whole quads, '=' only at the end, no loose bits.
std::optional<std::string> base64_decode(std::string_view text) {
    if (text.empty() || text.size() % 4 != 0) return std::nullopt;
    std::size_t padding = 0;
    while (padding < 2 && text[text.size() - 1 - padding] == '=') ++padding;
    return crypto::base64_decode_unpadded(text.substr(0, text.size() - padding), '+', '/');
}

oauth::error unreadable(const char* why) {
    return oauth::make_error(oauth::errc::malformed_request,
                             std::string("the Basic Authorization header ") + why, "Authorization");
}

}  // namespace

oauth::result<std::optional<basic_credentials>> parse_basic_authorization(std::string_view header) {
    constexpr std::string_view scheme = "basic ";
    if (header.size() < scheme.size() || !istarts_with(header, scheme)) {
        return std::optional<basic_credentials>{};
    }
    std::string_view encoded = header.substr(scheme.size());
    while (!encoded.empty() && encoded.front() == ' ') encoded.remove_prefix(1);
    while (!encoded.empty() && encoded.back() == ' ') encoded.remove_suffix(1);
    const auto decoded = base64_decode(encoded);
    if (!decoded) return unreadable("is not base64");
    const auto colon = decoded->find(':');
    if (colon == std::string::npos) return unreadable("has no ':' between client_id and client_secret");
    auto client_id = decode_form_component(std::string_view(*decoded).substr(0, colon));
    auto client_secret = decode_form_component(std::string_view(*decoded).substr(colon + 1));
    if (!client_id || !client_secret) return unreadable("holds a badly encoded client_id or client_secret");
    if (client_id->empty()) return unreadable("has an empty client_id");
    return std::optional<basic_credentials>{basic_credentials{std::move(*client_id), std::move(*client_secret)}};
}

}  // namespace hsoauth::http
