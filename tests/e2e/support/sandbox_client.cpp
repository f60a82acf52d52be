#include "support/sandbox_client.hpp"

#include <stdexcept>

namespace hsoauth::e2e {
namespace {

using nlohmann::json;

json expect_json(const http_response& r, int status, std::string_view what) {
    if (r.status != status) {
        throw std::runtime_error(std::string(what) + ": expected " + std::to_string(status) + ", got " +
                                 std::to_string(r.status) + ": " + r.body);
    }
    return r.body.empty() ? json() : json::parse(r.body);
}

}  // namespace

http_response sandbox_client::admin(std::string_view method, std::string_view path, const json& body,
                                    std::string_view key) const {
    header_list headers = {{"Authorization", "Bearer " + std::string(key.empty() ? admin_key : key)}};
    const std::string target = prefix + std::string(path);
    if (body.is_null()) return http_request(port, method, target, headers);
    headers.emplace_back("Content-Type", "application/json");
    return http_request(port, method, target, headers, body.dump());
}

http_response sandbox_client::get(std::string_view path) const {
    return http_request(port, "GET", prefix + std::string(path));
}

http_response sandbox_client::del(std::string_view path) const {
    return http_request(port, "DELETE", prefix + std::string(path));
}

http_response sandbox_client::form(std::string_view path, const header_list& fields) const {
    return post_form(port, prefix + std::string(path), fields);
}

sandbox_client create_sandbox(const server_process& server, const json& body) {
    const json out = expect_json(server.admin("POST", "/admin/v1/sandboxes", body), 201, "POST /admin/v1/sandboxes");
    sandbox_client s;
    s.port = server.port();
    s.id = out.at("id").get<std::string>();
    s.prefix = "/sandboxes/" + s.id;
    s.admin_key = out.at("admin_key").get<std::string>();
    return s;
}

sandbox_client root_sandbox(const server_process& server) {
    sandbox_client s;
    s.port = server.port();
    s.admin_key = server.admin_key();
    return s;
}

world seed_world(const sandbox_client& s, const std::string& tag) {
    world w;
    w.hub_id = 62515;
    w.user_id = 123456;
    w.client_id = "client-" + tag;
    w.client_secret = "client-secret-of-" + tag;
    const json seed = {
        {"hubs", json::array({{{"hub_id", w.hub_id}, {"hub_domain", tag + ".example.com"}}})},
        {"users", json::array({{{"user_id", w.user_id}, {"email", tag + "@example.com"}, {"hub_ids", {w.hub_id}}}})},
        {"apps", json::array({{{"name", "App " + tag},
                               {"client_id", w.client_id},
                               {"client_secret", w.client_secret},
                               {"redirect_uris", {w.redirect_uri}},
                               {"scopes", {"oauth", "crm.objects.contacts.read"}}}})}};
    expect_json(s.admin("POST", "/admin/v1/seed", seed), 200, "POST " + s.prefix + "/admin/v1/seed");
    return w;
}

issued_tokens issue(const sandbox_client& s, const world& w) {
    const json minted = expect_json(
        s.admin("POST", "/admin/v1/authorization-codes",
                {{"client_id", w.client_id},
                 {"hub_id", w.hub_id},
                 {"user_id", w.user_id},
                 {"redirect_uri", w.redirect_uri},
                 {"scopes", {"oauth", "crm.objects.contacts.read"}}}),
        201, "POST " + s.prefix + "/admin/v1/authorization-codes");
    issued_tokens out;
    out.code = minted.at("code").get<std::string>();
    const json tokens = expect_json(s.form("/oauth/v1/token", {{"grant_type", "authorization_code"},
                                                                {"client_id", w.client_id},
                                                                {"client_secret", w.client_secret},
                                                                {"redirect_uri", w.redirect_uri},
                                                                {"code", out.code}}),
                                    200, "POST " + s.prefix + "/oauth/v1/token");
    out.access_token = tokens.at("access_token").get<std::string>();
    out.refresh_token = tokens.at("refresh_token").get<std::string>();
    return out;
}

http_response refresh_with(const sandbox_client& s, const world& w, std::string_view refresh_token) {
    return s.form("/oauth/v1/token", {{"grant_type", "refresh_token"},
                                      {"client_id", w.client_id},
                                      {"client_secret", w.client_secret},
                                      {"refresh_token", std::string(refresh_token)}});
}

std::int64_t clock_offset(const sandbox_client& s) {
    return expect_json(s.admin("GET", "/admin/v1/clock"), 200, "GET clock").at("offset_seconds").get<std::int64_t>();
}

void advance(const sandbox_client& s, std::int64_t seconds) {
    expect_json(s.admin("POST", "/admin/v1/clock", {{"advance_seconds", seconds}}), 200, "POST clock");
}

}  // namespace hsoauth::e2e
