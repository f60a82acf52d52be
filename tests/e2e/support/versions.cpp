#include "support/versions.hpp"

#include <stdexcept>

#include "support/contract.hpp"
#include "support/http_client.hpp"

namespace hsoauth::e2e {
namespace {

using nlohmann::json;

std::string base64(std::string_view bytes) {
    constexpr std::string_view alphabet =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    std::uint32_t buffer = 0;
    int bits = 0;
    for (const char c : bytes) {
        buffer = (buffer << 8) | static_cast<unsigned char>(c);
        bits += 8;
        while (bits >= 6) {
            bits -= 6;
            out += alphabet[(buffer >> bits) & 0x3f];
        }
    }
    if (bits > 0) out += alphabet[(buffer << (6 - bits)) & 0x3f];
    while (out.size() % 4 != 0) out += '=';
    return out;
}

json expect_json(const http_response& r, int status, std::string_view what) {
    if (r.status != status) {
        throw std::runtime_error(std::string(what) + ": expected HTTP " + std::to_string(status) +
                                 ", got " + std::to_string(r.status) + ": " + r.body);
    }
    return r.json();
}

token_pair pair_of(const http_response& r, std::string_view what) {
    const json body = expect_json(r, 200, what);
    return {body.at("access_token").get<std::string>(), body.at("refresh_token").get<std::string>(),
            body};
}

}  // namespace

http_response post_oauth(const server_process& server, std::string_view version,
                         std::string_view endpoint, const header_list& fields,
                         const header_list& headers, std::source_location where) {
    const std::string path = "/oauth/" + std::string(version) + "/" + std::string(endpoint);
    auto r = post_form(server.port(), path, fields, headers);
    check_published(version, path, "POST", r, where);
    return r;
}

header_list client_fields(const sandbox& s) {
    return {{"client_id", s.client_id}, {"client_secret", s.client_secret}};
}

std::string basic_authorization(std::string_view client_id, std::string_view client_secret) {
    return "Basic " + base64(url_encode(client_id) + ":" + url_encode(client_secret));
}

token_pair exchange_on(const server_process& server, std::string_view version, const sandbox& s,
                       std::string_view code, std::source_location where) {
    if (version == "v1") return exchange(server, s, code, std::nullopt, where);
    return pair_of(post_oauth(server, version, "token", code_grant_fields(s, code), {}, where),
                   "authorization_code grant");
}

token_pair refresh_on(const server_process& server, std::string_view version, const sandbox& s,
                      std::string_view refresh_token, std::source_location where) {
    if (version == "v1") return refresh(server, s, refresh_token, where);
    return pair_of(
        post_oauth(server, version, "token", refresh_grant_fields(s, refresh_token), {}, where),
        "refresh_token grant");
}

json introspect_on(const server_process& server, std::string_view version, const sandbox& s,
                   std::string_view token, std::source_location where) {
    header_list fields = client_fields(s);
    fields.emplace_back("token", std::string(token));
    return expect_json(post_oauth(server, version, "token/introspect", fields, {}, where), 200,
                       "introspection");
}

bool live_on(const server_process& server, std::string_view version, const sandbox& s,
             std::string_view token, bool is_refresh_token, std::source_location where) {
    if (version == "v1") {
        const auto r = is_refresh_token ? get_refresh(server, token, where)
                                        : get_access(server, token, where);
        return r.status == 200;
    }
    return introspect_on(server, version, s, token, where).at("active") == true;
}

void revoke_on(const server_process& server, std::string_view version, const sandbox& s,
               std::string_view refresh_token, std::source_location where) {
    if (version == "v1") {
        const auto r = delete_refresh(server, refresh_token, where);
        if (r.status != 204) throw std::runtime_error("DELETE refresh token: " + r.body);
        return;
    }
    header_list fields = client_fields(s);
    fields.emplace_back("token", std::string(refresh_token));
    const auto r = post_oauth(server, version, "token/revoke", fields, {}, where);
    if (r.status != 200 || !r.body.empty()) throw std::runtime_error("revoke: " + r.body);
}

}  // namespace hsoauth::e2e
