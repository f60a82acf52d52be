#include "support/fixtures.hpp"

#include <algorithm>

#include <doctest/doctest.h>

#include <bit>
#include <memory>
#include <random>
#include <stdexcept>

#include "support/contract.hpp"
#include "support/schema_validator.hpp"

namespace hsoauth::e2e {
namespace {

using nlohmann::json;

// ---- SHA-256 ----

// First 32 bits of the fractional parts of the cube roots of the first 64 primes.
constexpr std::array<std::uint32_t, 64> round_constants = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};

// First 32 bits of the fractional parts of the square roots of the first 8 primes.
constexpr std::array<std::uint32_t, 8> initial_state = {
    0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};

void compress(std::array<std::uint32_t, 8>& state, const unsigned char* block) {
    std::array<std::uint32_t, 64> w{};
    for (std::size_t i = 0; i < 16; ++i) {
        w[i] = std::uint32_t{block[4 * i]} << 24 | std::uint32_t{block[4 * i + 1]} << 16 |
               std::uint32_t{block[4 * i + 2]} << 8 | std::uint32_t{block[4 * i + 3]};
    }
    for (std::size_t i = 16; i < 64; ++i) {
        const std::uint32_t s0 =
            std::rotr(w[i - 15], 7) ^ std::rotr(w[i - 15], 18) ^ (w[i - 15] >> 3);
        const std::uint32_t s1 =
            std::rotr(w[i - 2], 17) ^ std::rotr(w[i - 2], 19) ^ (w[i - 2] >> 10);
        w[i] = w[i - 16] + s0 + w[i - 7] + s1;
    }
    std::array<std::uint32_t, 8> v = state;  // a b c d e f g h
    for (std::size_t i = 0; i < 64; ++i) {
        const std::uint32_t big_s1 = std::rotr(v[4], 6) ^ std::rotr(v[4], 11) ^ std::rotr(v[4], 25);
        const std::uint32_t choose = (v[4] & v[5]) ^ (~v[4] & v[6]);
        const std::uint32_t t1 = v[7] + big_s1 + choose + round_constants[i] + w[i];
        const std::uint32_t big_s0 = std::rotr(v[0], 2) ^ std::rotr(v[0], 13) ^ std::rotr(v[0], 22);
        const std::uint32_t majority = (v[0] & v[1]) ^ (v[0] & v[2]) ^ (v[1] & v[2]);
        for (std::size_t j = 7; j > 0; --j) {
            v[j] = v[j - 1];
        }
        v[4] += t1;
        v[0] = t1 + big_s0 + majority;
    }
    for (std::size_t i = 0; i < 8; ++i) {
        state[i] += v[i];
    }
}

// ---- Unique names ----

std::int64_t next_serial() {
    static std::int64_t serial = 0;
    return ++serial;
}

json fetch_json(const http_response& r, int expected_status, std::string_view what) {
    if (r.status != expected_status) {
        throw std::runtime_error(std::string(what) + ": expected HTTP " +
                                 std::to_string(expected_status) + ", got " +
                                 std::to_string(r.status) + ": " + r.body);
    }
    return r.json();
}

json app_json(std::int64_t serial, const app_options& options, sandbox& out) {
    const std::string n = std::to_string(serial);
    out.app_id = 3'000'000 + serial;
    out.client_id = "e2e-client-" + n;
    out.client_secret = "Secret" + n + "xYzAbC" + std::to_string(serial * 7919);
    out.redirect_uri = "https://app" + n + ".example.com/oauth/callback";
    out.scopes = options.scopes;
    out.optional_scopes = options.optional_scopes;
    json uris = json::array({out.redirect_uri});
    for (const auto& uri : options.extra_redirect_uris) {
        uris.push_back(uri);
    }
    json app = {{"app_id", out.app_id},
                {"name", "E2E app " + n},
                {"client_id", out.client_id},
                {"client_secret", out.client_secret},
                {"redirect_uris", uris},
                {"scopes", options.scopes},
                {"optional_scopes", options.optional_scopes},
                {"rotate_refresh_tokens", options.rotate_refresh_tokens}};
    if (options.access_token_ttl) {
        app["access_token_ttl"] = *options.access_token_ttl;
    }
    if (!options.client_credentials_scopes.empty()) {
        app["client_credentials_scopes"] = options.client_credentials_scopes;
    }
    if (!options.jwks.is_null()) {
        app["jwks"] = options.jwks;
    }
    return app;
}

std::string token_target(std::string_view prefix, std::string_view token) {
    return std::string(prefix) + url_encode(token);
}

token_pair to_pair(const http_response& r, std::string_view what) {
    const json body = fetch_json(r, 200, what);
    return {body.at("access_token").get<std::string>(), body.at("refresh_token").get<std::string>(),
            body};
}

void fail_at(const std::source_location& where, const std::string& message) {
    ADD_FAIL_CHECK_AT(where.file_name(), static_cast<int>(where.line()), message);
}

}  // namespace

std::array<std::uint8_t, 32> sha256(std::string_view data) {
    std::string message(data);
    const std::uint64_t bit_length = static_cast<std::uint64_t>(data.size()) * 8;
    message.push_back(static_cast<char>(0x80));
    while (message.size() % 64 != 56) {
        message.push_back('\0');
    }
    for (int shift = 56; shift >= 0; shift -= 8) {
        message.push_back(static_cast<char>((bit_length >> shift) & 0xff));
    }
    std::array<std::uint32_t, 8> state = initial_state;
    for (std::size_t at = 0; at < message.size(); at += 64) {
        compress(state, reinterpret_cast<const unsigned char*>(message.data() + at));
    }
    std::array<std::uint8_t, 32> digest{};
    for (std::size_t i = 0; i < 32; ++i) {
        digest[i] = static_cast<std::uint8_t>(state[i / 4] >> (24 - 8 * (i % 4)));
    }
    return digest;
}

std::string to_hex(std::span<const std::uint8_t> bytes) {
    constexpr std::string_view digits = "0123456789abcdef";
    std::string out;
    for (const auto b : bytes) {
        out += digits[b >> 4];
        out += digits[b & 0xf];
    }
    return out;
}

std::string base64url(std::span<const std::uint8_t> bytes) {
    constexpr std::string_view alphabet =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    std::string out;
    std::uint32_t buffer = 0;
    int bits = 0;
    for (const auto b : bytes) {
        buffer = (buffer << 8) | b;
        bits += 8;
        while (bits >= 6) {
            bits -= 6;
            out += alphabet[(buffer >> bits) & 0x3f];
        }
    }
    if (bits > 0) {
        out += alphabet[(buffer << (6 - bits)) & 0x3f];
    }
    return out;
}

std::string s256_challenge(std::string_view verifier) {
    const auto digest = sha256(verifier);
    return base64url(digest);
}

pkce_pair make_pkce_pair() {
    constexpr std::string_view unreserved =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~";
    static std::mt19937_64 generator{std::random_device{}()};
    std::uniform_int_distribution<std::size_t> pick(0, unreserved.size() - 1);
    pkce_pair pair;
    for (int i = 0; i < 64; ++i) {
        pair.verifier += unreserved[pick(generator)];
    }
    pair.challenge = s256_challenge(pair.verifier);
    return pair;
}

sandbox seed_sandbox(const server_process& server, const app_options& options) {
    const std::int64_t serial = next_serial();
    const std::string n = std::to_string(serial);
    sandbox s;
    s.hub_id = 1'000'000 + serial;
    s.hub_domain = "hub" + n + ".e2e.example.com";
    s.hublet = options.hublet;
    s.user_id = 2'000'000 + serial;
    s.email = "user" + n + "@e2e.example.com";
    const json seed = {
        {"hubs",
         json::array({{{"hub_id", s.hub_id}, {"hub_domain", s.hub_domain}, {"hublet", s.hublet}}})},
        {"users",
         json::array({{{"user_id", s.user_id}, {"email", s.email}, {"hub_ids", {s.hub_id}}}})},
        {"apps", json::array({app_json(serial, options, s)})}};
    fetch_json(server.admin("POST", "/admin/v1/seed", seed), 200, "POST /admin/v1/seed");
    return s;
}

sandbox seed_app(const server_process& server, const sandbox& base, const app_options& options) {
    sandbox s = base;
    const json seed = {{"apps", json::array({app_json(next_serial(), options, s)})}};
    fetch_json(server.admin("POST", "/admin/v1/seed", seed), 200, "POST /admin/v1/seed (app)");
    return s;
}

json code_request(const sandbox& s, const std::optional<std::string>& challenge) {
    json body = {{"client_id", s.client_id},
                 {"hub_id", s.hub_id},
                 {"user_id", s.user_id},
                 {"redirect_uri", s.redirect_uri},
                 {"scopes", s.scopes}};
    if (challenge) {
        body["code_challenge"] = *challenge;
        body["code_challenge_method"] = "S256";
    }
    return body;
}

minted_code mint_code(const server_process& server, const json& body) {
    const json out = fetch_json(server.admin("POST", "/admin/v1/authorization-codes", body), 201,
                                "POST /admin/v1/authorization-codes");
    return {out.at("code").get<std::string>(), out.at("expires_in").get<std::int64_t>(),
            out.at("scopes").get<std::vector<std::string>>()};
}

minted_code mint_code(const server_process& server, const sandbox& s,
                      const std::optional<std::string>& challenge) {
    return mint_code(server, code_request(s, challenge));
}

header_list code_grant_fields(const sandbox& s, std::string_view code) {
    return {{"grant_type", "authorization_code"},
            {"client_id", s.client_id},
            {"client_secret", s.client_secret},
            {"redirect_uri", s.redirect_uri},
            {"code", std::string(code)}};
}

header_list refresh_grant_fields(const sandbox& s, std::string_view refresh_token) {
    return {{"grant_type", "refresh_token"},
            {"client_id", s.client_id},
            {"client_secret", s.client_secret},
            {"refresh_token", std::string(refresh_token)}};
}

http_response post_token(const server_process& server, const header_list& fields,
                         std::source_location where) {
    auto r = post_form(server.port(), token_path, fields);
    if (r.status != 429) {
        check_conforms(token_path, "POST", r, where);
    }
    return r;
}

http_response post_token_raw(const server_process& server, std::string_view body,
                             std::source_location where) {
    auto r = http_request(server.port(), "POST", token_path,
                          {{"Content-Type", "application/x-www-form-urlencoded"}}, body);
    if (r.status != 429) {
        check_conforms(token_path, "POST", r, where);
    }
    return r;
}

http_response get_access(const server_process& server, std::string_view token,
                         std::source_location where) {
    auto r = http_request(server.port(), "GET", token_target("/oauth/v1/access-tokens/", token));
    check_conforms(access_path, "GET", r, where);
    return r;
}

http_response get_refresh(const server_process& server, std::string_view token,
                          std::source_location where) {
    auto r = http_request(server.port(), "GET", token_target("/oauth/v1/refresh-tokens/", token));
    check_conforms(refresh_path, "GET", r, where);
    return r;
}

http_response delete_refresh(const server_process& server, std::string_view token,
                             std::source_location where) {
    auto r =
        http_request(server.port(), "DELETE", token_target("/oauth/v1/refresh-tokens/", token));
    check_conforms(refresh_path, "DELETE", r, where);
    return r;
}

token_pair exchange(const server_process& server, const sandbox& s, std::string_view code,
                    const std::optional<std::string>& verifier, std::source_location where) {
    header_list fields = code_grant_fields(s, code);
    if (verifier) {
        fields.emplace_back("code_verifier", *verifier);
    }
    return to_pair(post_token(server, fields, where), "authorization_code grant");
}

token_pair authorize(const server_process& server, const sandbox& s, std::source_location where) {
    return exchange(server, s, mint_code(server, s).code, std::nullopt, where);
}

token_pair refresh(const server_process& server, const sandbox& s, std::string_view refresh_token,
                   std::source_location where) {
    return to_pair(post_token(server, refresh_grant_fields(s, refresh_token), where),
                   "refresh_token grant");
}

void advance_clock(const server_process& server, std::int64_t seconds) {
    fetch_json(server.admin("POST", "/admin/v1/clock", json{{"advance_seconds", seconds}}), 200,
               "POST /admin/v1/clock");
}

server_process& shared_server() {
    static const std::unique_ptr<server_process> server = [] {
        auto started = std::make_unique<server_process>();
        started->start();
        return started;
    }();
    return *server;
}

std::vector<std::string> error_issues(const http_response& r, int http_status,
                                      std::string_view status, std::string_view error) {
    std::vector<std::string> issues;
    if (r.status != http_status) {
        issues.push_back("HTTP status is " + std::to_string(r.status) + ", expected " +
                         std::to_string(http_status));
    }
    // The Error schema, checked through an operation that declares it, whatever the status.
    http_response as_error = r;
    as_error.status = 400;
    for (auto& issue : conformance_issues(token_path, "POST", as_error)) {
        issues.push_back("error body: " + issue);
    }
    const json body = json::parse(r.body, nullptr, false);
    if (!body.is_object()) {
        issues.push_back("body is not a JSON object");
    } else {
        if (!status.empty() && body.value("status", json()) != status) {
            issues.push_back("\"status\" is " + body.value("status", json()).dump() +
                             ", expected \"" + std::string(status) + "\"");
        }
        if (!error.empty() && body.value("error", json()) != error) {
            issues.push_back("\"error\" is " + body.value("error", json()).dump() +
                             ", expected \"" + std::string(error) + "\"");
        }
        const std::string header = r.header("X-HubSpot-Correlation-Id");
        if (body.value("correlationId", json()) != header) {
            issues.push_back("\"correlationId\" " + body.value("correlationId", json()).dump() +
                             " differs from the X-HubSpot-Correlation-Id header \"" + header +
                             "\"");
        }
        if (!body.contains("message") || !body["message"].is_string() ||
            body["message"].get<std::string>().empty()) {
            issues.push_back("\"message\" is missing or empty");
        }
    }
    if (!iequals(r.header("Cache-Control"), "no-store")) {
        issues.push_back("Cache-Control is \"" + r.header("Cache-Control") + "\"");
    }
    if (!iequals(r.header("Pragma"), "no-cache")) {
        issues.push_back("Pragma is \"" + r.header("Pragma") + "\"");
    }
    if (!is_uuid_v4(r.header("X-HubSpot-Correlation-Id"))) {
        issues.push_back("X-HubSpot-Correlation-Id \"" + r.header("X-HubSpot-Correlation-Id") +
                         "\" is not a v4 UUID");
    }
    return issues;
}

void check_error(const http_response& r, int http_status, std::string_view status,
                 std::string_view error, std::source_location where) {
    for (const auto& issue : error_issues(r, http_status, status, error)) {
        fail_at(where,
                issue + "\n  response " + std::to_string(r.status) + ": " + r.body.substr(0, 500));
    }
}

void check_common_headers(const http_response& r, std::source_location where) {
    if (r.header_count("Cache-Control") != 1 || !iequals(r.header("Cache-Control"), "no-store")) {
        fail_at(where,
                "Cache-Control is \"" + r.header("Cache-Control") + "\", expected one no-store");
    }
    if (r.header_count("Pragma") != 1 || !iequals(r.header("Pragma"), "no-cache")) {
        fail_at(where, "Pragma is \"" + r.header("Pragma") + "\", expected one no-cache");
    }
    if (r.header_count("X-HubSpot-Correlation-Id") != 1 ||
        !is_uuid_v4(r.header("X-HubSpot-Correlation-Id"))) {
        fail_at(where, "X-HubSpot-Correlation-Id \"" + r.header("X-HubSpot-Correlation-Id") +
                           "\" is not one v4 UUID");
    }
}

void set_field(header_list& fields, std::string_view name, std::string value) {
    for (auto& [key, current] : fields) {
        if (key == name) {
            current = std::move(value);
            return;
        }
    }
    fields.emplace_back(std::string(name), std::move(value));
}

header_list without_field(header_list fields, std::string_view name) {
    std::erase_if(fields, [&](const auto& field) { return field.first == name; });
    return fields;
}

bool is_base64url(std::string_view text) {
    if (text.empty()) {
        return false;
    }
    for (const char c : text) {
        const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                        (c >= '0' && c <= '9') || c == '-' || c == '_';
        if (!ok) {
            return false;
        }
    }
    return true;
}

std::vector<std::string> sorted(std::vector<std::string> items) {
    std::sort(items.begin(), items.end());
    return items;
}

nlohmann::json body_of(const http_response& r) { return nlohmann::json::parse(r.body, nullptr, false); }

}  // namespace hsoauth::e2e
