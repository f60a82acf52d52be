#include "support/seed_helpers.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <doctest/doctest.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "support/http_client.hpp"
#include "support/schema_validator.hpp"
#include "support/subprocess.hpp"
#include "support/unique_fd.hpp"

namespace hsoauth::e2e {
namespace {

using nlohmann::json;

[[noreturn]] void fail(std::string_view what, const http_response& r) {
    throw std::runtime_error(std::string(what) + ": HTTP " + std::to_string(r.status) + " " + r.body);
}

}  // namespace

std::vector<std::string> error_issues(const http_response& r, int http_status,
                                      std::string_view hubspot_status) {
    std::vector<std::string> issues;
    const std::string quoted = " (HTTP " + std::to_string(r.status) + ", body " + r.body.substr(0, 400) + ")";
    if (r.status != http_status) {
        issues.push_back("HTTP status " + std::to_string(r.status) + ", expected " +
                         std::to_string(http_status) + quoted);
    }
    if (r.header("Content-Type") != "application/json;charset=utf-8" ||
        r.header_count("Content-Type") != 1) {
        issues.push_back("Content-Type is '" + r.header("Content-Type") + "'" + quoted);
    }
    if (r.header("Cache-Control").find("no-store") == std::string::npos) {
        issues.push_back("Cache-Control is '" + r.header("Cache-Control") + "'" + quoted);
    }
    const std::string header_id = r.header("X-HubSpot-Correlation-Id");
    if (!is_uuid_v4(header_id)) {
        issues.push_back("X-HubSpot-Correlation-Id '" + header_id + "' is not a UUIDv4" + quoted);
    }
    const json body = json::parse(r.body, nullptr, false);
    if (body.is_discarded() || !body.is_object()) {
        issues.push_back("the body is not a JSON object" + quoted);
        return issues;
    }
    if (body.value("status", json()) != json(hubspot_status)) {
        issues.push_back("body status is " + body.value("status", json()).dump() + ", expected \"" +
                         std::string(hubspot_status) + "\"" + quoted);
    }
    const json id = body.value("correlationId", json());
    if (!id.is_string() || !is_uuid_v4(id.get<std::string>()) || id.get<std::string>() != header_id) {
        issues.push_back("correlationId " + id.dump() + " is not the header's UUIDv4" + quoted);
    }
    for (const char* key : {"message", "category"}) {
        if (!body.contains(key) || !body[key].is_string() || body[key].get<std::string>().empty()) {
            issues.push_back(std::string("body lacks a non-empty '") + key + "'" + quoted);
        }
    }
    return issues;
}

void check_error(const http_response& r, int http_status, std::string_view hubspot_status,
                 std::source_location where) {
    for (const auto& issue : error_issues(r, http_status, hubspot_status)) {
        ADD_FAIL_CHECK_AT(where.file_name(), static_cast<int>(where.line()), issue);
    }
}

std::vector<std::string> named_fields(const http_response& r) {
    std::vector<std::string> out;
    const json body = json::parse(r.body, nullptr, false);
    if (body.is_discarded() || !body.is_object() || !body.contains("errors") ||
        !body["errors"].is_array()) {
        return out;
    }
    for (const auto& detail : body["errors"]) {
        if (!detail.is_object() || !detail.contains("context") || !detail["context"].is_object()) {
            continue;
        }
        for (const auto& [key, names] : detail["context"].items()) {
            if (!names.is_array()) continue;
            for (const auto& name : names) {
                if (name.is_string()) out.push_back(name.get<std::string>());
            }
        }
    }
    return out;
}

json admin_expect(const server_process& server, std::string_view method, std::string_view target,
                  const json& body, int expected) {
    const http_response r = server.admin(method, target, body);
    if (r.status != expected) {
        fail(std::string(method) + " " + std::string(target) + " expected " +
                 std::to_string(expected),
             r);
    }
    return r.body.empty() ? json(nullptr) : r.json();
}

admin_sandbox make_sandbox(const server_process& server, std::string_view tag, const json& app_extra) {
    const std::string t(tag);
    admin_sandbox s;
    const json hub = admin_expect(server, "POST", "/admin/v1/hubs",
                                  {{"hub_domain", t + ".hubspot.test"}}, 201);
    s.hub_id = hub.at("hub_id").get<std::int64_t>();
    const json user = admin_expect(server, "POST", "/admin/v1/users",
                                   {{"email", t + "@example.test"}, {"hub_ids", {s.hub_id}}}, 201);
    s.user_id = user.at("user_id").get<std::int64_t>();
    s.redirect_uri = "http://localhost:3000/" + t + "/callback";
    s.scopes = {"oauth"};
    json app_body = {{"name", "app " + t},
                     {"client_id", "client-" + t},
                     {"redirect_uris", {s.redirect_uri}},
                     {"scopes", s.scopes}};
    app_body.update(app_extra);
    const json app = admin_expect(server, "POST", "/admin/v1/apps", app_body, 201);
    s.app_id = app.at("app_id").get<std::int64_t>();
    s.client_id = app.at("client_id").get<std::string>();
    s.client_secret = app.at("client_secret").get<std::string>();
    return s;
}

std::string issue_code(const server_process& server, const admin_sandbox& s,
                       const std::vector<std::string>& scopes) {
    const json body = {{"client_id", s.client_id},
                       {"hub_id", s.hub_id},
                       {"user_id", s.user_id},
                       {"redirect_uri", s.redirect_uri},
                       {"scopes", scopes.empty() ? s.scopes : scopes}};
    return admin_expect(server, "POST", "/admin/v1/authorization-codes", body, 201)
        .at("code")
        .get<std::string>();
}

http_response exchange_code_raw(std::uint16_t port, const admin_sandbox& s, std::string_view code) {
    return post_form(port, "/oauth/v1/token",
                     {{"grant_type", "authorization_code"},
                      {"client_id", s.client_id},
                      {"client_secret", s.client_secret},
                      {"redirect_uri", s.redirect_uri},
                      {"code", std::string(code)}});
}

token_grant exchange_code(std::uint16_t port, const admin_sandbox& s, std::string_view code) {
    const http_response r = exchange_code_raw(port, s, code);
    if (r.status != 200) fail("code exchange", r);
    token_grant out;
    out.body = r.json();
    out.access_token = out.body.at("access_token").get<std::string>();
    out.refresh_token = out.body.at("refresh_token").get<std::string>();
    out.expires_in = out.body.at("expires_in").get<std::int64_t>();
    return out;
}

token_grant issue_tokens(const server_process& server, const admin_sandbox& s) {
    return exchange_code(server.port(), s, issue_code(server, s));
}

http_response refresh_raw(std::uint16_t port, std::string_view client_id,
                          std::string_view client_secret, std::string_view refresh_token) {
    return post_form(port, "/oauth/v1/token",
                     {{"grant_type", "refresh_token"},
                      {"client_id", std::string(client_id)},
                      {"client_secret", std::string(client_secret)},
                      {"refresh_token", std::string(refresh_token)}});
}

http_response get_access_token(std::uint16_t port, std::string_view token) {
    return http_request(port, "GET", "/oauth/v1/access-tokens/" + url_encode(token));
}

http_response get_refresh_token(std::uint16_t port, std::string_view token) {
    return http_request(port, "GET", "/oauth/v1/refresh-tokens/" + url_encode(token));
}

std::string run_program(const std::vector<std::string>& argv, int* exit_code) {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) {
        throw std::runtime_error(std::string("pipe2: ") + std::strerror(errno));
    }
    unique_fd read_end(fds[0]);
    unique_fd write_end(fds[1]);
    const pid_t pid = spawn(argv, {}, write_end.get(), write_end.get());
    write_end.reset();
    std::string output;
    char buffer[4096];
    for (;;) {
        const ssize_t n = ::read(read_end.get(), buffer, sizeof buffer);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        output.append(buffer, static_cast<std::size_t>(n));
    }
    const auto status = wait_for_exit(pid, std::chrono::steady_clock::now() + std::chrono::seconds(30));
    if (exit_code != nullptr) *exit_code = status.value_or(-1);
    return output;
}

std::string sqlite_query(const std::string& db_path, const std::string& sql) {
    int exit_code = -1;
    std::string output = run_program({"/usr/bin/sqlite3", "-batch", db_path, sql}, &exit_code);
    if (exit_code != 0) {
        throw std::runtime_error("sqlite3 " + db_path + " \"" + sql + "\" failed: " + output);
    }
    while (!output.empty() && (output.back() == '\n' || output.back() == '\r')) output.pop_back();
    return output;
}

std::string read_bytes(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return {};
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

void write_text(const std::string& path, std::string_view content) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << content;
    if (!out) throw std::runtime_error("cannot write " + path);
}

}  // namespace hsoauth::e2e
