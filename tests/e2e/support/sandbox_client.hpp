#pragma once

// One sandbox of a running server, as a test suite uses it: every path under its prefix
// ("/sandboxes/<id>", or "" for the root sandbox) and its own admin key. Helpers that set a
// sandbox up throw std::runtime_error quoting the response when the server does not answer as
// they need. Any thread; one fresh connection per request.

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "support/http_client.hpp"
#include "support/http_response.hpp"
#include "support/server_process.hpp"

namespace hsoauth::e2e {

struct sandbox_client {
    std::uint16_t port = 0;
    std::string id;         // "" for the root sandbox
    std::string prefix;     // "/sandboxes/<id>", or ""
    std::string admin_key;  // the sandbox's own key (the server's key at the root)

    // `method` `prefix + path` with the sandbox's admin key (`key` instead when given); a
    // non-null body is sent as JSON.
    http_response admin(std::string_view method, std::string_view path, const nlohmann::json& body = nullptr,
                        std::string_view key = {}) const;
    http_response get(std::string_view path) const;
    http_response del(std::string_view path) const;
    http_response form(std::string_view path, const header_list& fields) const;
};

// POST /admin/v1/sandboxes with `body` and the server's key; throws unless 201.
sandbox_client create_sandbox(const server_process& server, const nlohmann::json& body = nlohmann::json::object());
// The root sandbox as a sandbox_client.
sandbox_client root_sandbox(const server_process& server);

// What seed_world loads: one hub, one user, one app (`tag` makes the names unique).
struct world {
    std::int64_t hub_id = 0;
    std::int64_t user_id = 0;
    std::string client_id;
    std::string client_secret;
    std::string redirect_uri = "http://localhost:4000/callback";
};
world seed_world(const sandbox_client& s, const std::string& tag);

struct issued_tokens {
    std::string access_token;
    std::string refresh_token;
    std::string code;  // the code they were exchanged for (used up)
};
// Mints a code through the sandbox's admin API and exchanges it; throws unless 201 and 200.
issued_tokens issue(const sandbox_client& s, const world& w);
// A refresh grant; the raw answer.
http_response refresh_with(const sandbox_client& s, const world& w, std::string_view refresh_token);

// The sandbox clock's offset (GET /admin/v1/clock under the prefix); POST advances it.
std::int64_t clock_offset(const sandbox_client& s);
void advance(const sandbox_client& s, std::int64_t seconds);

}  // namespace hsoauth::e2e
