// Storage faults against the real binary, injected through PUT /admin/v1/storage-faults: a
// read-only database and a full disk (a page cap) make every write answer 503 with the error
// body while reads keep answering; nothing acknowledged before is lost, a 503 changes nothing,
// and writes work again as soon as the fault is lifted, without a restart.

#include <doctest/doctest.h>
#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "support/fixtures.hpp"
#include "support/http_client.hpp"
#include "support/server_process.hpp"
#include "support/subprocess.hpp"
#include "support/unique_fd.hpp"

using namespace hsoauth::e2e;
using nlohmann::json;

namespace {

// stdout of `argv` (absolute program path first); throws unless it exits 0 within 30 s.
std::string run_capture(const std::vector<std::string>& argv) {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) throw std::runtime_error("pipe2 failed");
    unique_fd read_end(fds[0]);
    unique_fd write_end(fds[1]);
    const pid_t pid = spawn(argv, {}, write_end.get(), STDERR_FILENO);
    write_end.reset();
    std::string out;
    char buffer[4096];
    for (;;) {
        const ssize_t n = ::read(read_end.get(), buffer, sizeof buffer);
        if (n > 0) {
            out.append(buffer, static_cast<std::size_t>(n));
        } else if (n == 0 || errno != EINTR) {
            break;
        }
    }
    const auto status = wait_for_exit(pid, std::chrono::steady_clock::now() + std::chrono::seconds(30));
    if (!status || *status != 0) throw std::runtime_error("command failed: " + argv.front() + " " + argv.back());
    while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
    return out;
}

std::int64_t page_count(const server_process& server) {
    return std::stoll(run_capture({"/usr/bin/sqlite3", "-batch", server.db_path(), "PRAGMA page_count"}));
}

http_response put_faults(const server_process& server, const json& body) {
    return server.admin("PUT", "/admin/v1/storage-faults", body);
}

// The 503 a write must get while a storage fault lasts.
void check_unavailable(const http_response& r, std::string_view what,
                       std::source_location where = std::source_location::current()) {
    INFO(what);
    check_error(r, 503, "SERVICE_UNAVAILABLE", {}, where);
    CHECK_MESSAGE(!r.header("Retry-After").empty(), what << ": no Retry-After");
}

// POST /oauth/v1/token and DELETE /oauth/v1/refresh-tokens/{token} without the fixtures'
// contract check: the contract does not list 503 for them.
http_response token_post(const server_process& server, const header_list& fields) {
    return post_form(server.port(), "/oauth/v1/token", fields);
}

http_response revoke_raw(const server_process& server, std::string_view refresh_token) {
    return http_request(server.port(), "DELETE", "/oauth/v1/refresh-tokens/" + url_encode(refresh_token));
}

http_response mint_raw(const server_process& server, const sandbox& s) {
    return server.admin("POST", "/admin/v1/authorization-codes", code_request(s));
}

http_response create_hub(const server_process& server, std::int64_t hub_id) {
    return server.admin("POST", "/admin/v1/hubs",
                        {{"hub_id", hub_id}, {"hub_domain", "fault" + std::to_string(hub_id) + ".example.com"}});
}

}  // namespace

TEST_SUITE("faults") {

TEST_CASE("storage-faults: GET shows what PUT set; bad values and missing admin key are refused") {
    auto& server = shared_server();
    auto r = server.admin("GET", "/admin/v1/storage-faults");
    REQUIRE(r.status == 200);
    CHECK(r.json() == json{{"read_only", false}, {"max_page_count", 0}});
    check_error(put_faults(server, {{"read_only", "yes"}}), 400, "VALIDATION_ERROR");
    check_error(put_faults(server, {{"max_page_count", -1}}), 400, "VALIDATION_ERROR");
    check_error(put_faults(server, {{"max_page_count", 1.5}}), 400, "VALIDATION_ERROR");
    check_error(http_request(server.port(), "PUT", "/admin/v1/storage-faults", {}, R"({"read_only":true})"), 401,
                "INVALID_AUTHENTICATION");
    r = server.admin("GET", "/admin/v1/storage-faults");
    CHECK(r.json() == json{{"read_only", false}, {"max_page_count", 0}});
    CHECK(http_request(server.port(), "POST", "/admin/v1/hubs",
                       {{"Authorization", "Bearer " + server.admin_key()}},
                       R"({"hub_domain":"after-bad-faults.example.com"})")
              .status == 201);
}

TEST_CASE("read-only database: writes get 503, reads answer, nothing is lost, writes recover without restart") {
    server_process server;
    server.start();
    const auto s = seed_sandbox(server);
    const auto live = authorize(server, s);
    const auto revoked = authorize(server, s);
    REQUIRE(delete_refresh(server, revoked.refresh_token).status == 204);
    const auto unused = mint_code(server, s).code;
    const auto pid = server.pid();

    auto r = put_faults(server, {{"read_only", true}});
    REQUIRE(r.status == 200);
    CHECK(r.json().at("read_only") == true);
    CHECK(server.admin("GET", "/admin/v1/storage-faults").json().at("read_only") == true);

    // Writes: every kind, and more than once.
    for (int attempt = 0; attempt < 3; ++attempt) {
        check_unavailable(token_post(server, code_grant_fields(s, unused)), "code exchange");
        check_unavailable(token_post(server, refresh_grant_fields(s, live.refresh_token)), "refresh");
        check_unavailable(revoke_raw(server, live.refresh_token), "revoke");
        check_unavailable(create_hub(server, 9'100'000 + attempt), "admin create hub");
        check_unavailable(mint_raw(server, s), "admin mint code");
        check_unavailable(server.admin("POST", "/admin/v1/clock", {{"advance_seconds", 1}}), "clock advance");
    }

    // Reads keep answering, with what was acknowledged before the fault.
    CHECK(get_access(server, live.access_token).status == 200);
    CHECK(get_refresh(server, live.refresh_token).status == 200);
    check_error(get_access(server, revoked.access_token), 401, "INVALID_TOKEN");
    check_error(get_refresh(server, revoked.refresh_token), 401, "");
    CHECK(server.admin("GET", "/admin/v1/apps/" + std::to_string(s.app_id)).status == 200);
    CHECK(server.admin("GET", "/admin/v1/hubs/" + std::to_string(s.hub_id)).status == 200);
    CHECK(server.admin("GET", "/admin/v1/installs").status == 200);
    CHECK(http_request(server.port(), "GET", "/healthz").status == 200);
    auto wrong_secret = refresh_grant_fields(s, live.refresh_token);
    set_field(wrong_secret, "client_secret", "wrong");
    check_error(post_token(server, wrong_secret), 401, "BAD_CLIENT_SECRET");

    // Lift the fault: the same process takes writes again.
    r = put_faults(server, {{"read_only", false}});
    REQUIRE(r.status == 200);
    CHECK(r.json().at("read_only") == false);
    const auto from_unused = exchange(server, s, unused);  // the failed attempts did not consume it
    CHECK(get_access(server, from_unused.access_token).status == 200);
    const auto refreshed = refresh(server, s, live.refresh_token);
    CHECK(create_hub(server, 9'200'000).status == 201);
    CHECK(mint_raw(server, s).status == 201);
    CHECK(delete_refresh(server, live.refresh_token).status == 204);
    CHECK(server.pid() == pid);

    // And after a restart everything acknowledged is as it was answered.
    server.restart();
    CHECK(get_access(server, from_unused.access_token).status == 200);
    CHECK(get_refresh(server, from_unused.refresh_token).status == 200);
    check_error(get_access(server, live.access_token), 401, "INVALID_TOKEN");
    check_error(get_access(server, refreshed.access_token), 401, "INVALID_TOKEN");
    check_error(get_access(server, revoked.access_token), 401, "INVALID_TOKEN");
    CHECK(server.admin("GET", "/admin/v1/hubs/9200000").status == 200);
    CHECK(server.admin("GET", "/admin/v1/hubs/9100000").status == 404);
}

TEST_CASE("disk full: at the page cap writes get 503, acknowledged tokens keep working, raising the cap recovers") {
    server_process server;
    server.start();
    const auto s = seed_sandbox(server);
    const auto before = authorize(server, s);
    const auto pid = server.pid();

    const auto pages = page_count(server);
    MESSAGE("page_count before the cap: " << pages);
    REQUIRE(pages > 0);
    REQUIRE(put_faults(server, {{"max_page_count", pages}}).status == 200);
    CHECK(server.admin("GET", "/admin/v1/storage-faults").json().at("max_page_count") == pages);

    // Eight clients keep issuing codes and tokens until each gets something other than a
    // success (bounded); that answer must be a 503.
    constexpr int clients = 8;
    constexpr int max_rounds = 1000;
    std::mutex mutex;
    std::vector<token_pair> acknowledged;     // tokens from 200s
    std::vector<std::string> unexchanged;     // codes whose exchange got 503
    std::vector<std::pair<std::string, http_response>> refusals;  // each client's last answer
    std::vector<std::string> broken;          // connection-level failures
    const auto port = server.port();
    const std::string bearer = "Bearer " + server.admin_key();
    const std::string mint_body = code_request(s).dump();
    std::vector<std::thread> threads;
    for (int t = 0; t < clients; ++t) {
        threads.emplace_back([&] {
            for (int round = 0; round < max_rounds; ++round) {
                try {
                    const auto minted = http_request(port, "POST", "/admin/v1/authorization-codes",
                                                     {{"Authorization", bearer}}, mint_body);
                    if (minted.status != 201) {
                        const std::lock_guard lock(mutex);
                        refusals.emplace_back("admin mint code", minted);
                        return;
                    }
                    const auto code = minted.json().at("code").get<std::string>();
                    const auto r = post_form(port, "/oauth/v1/token", code_grant_fields(s, code));
                    const std::lock_guard lock(mutex);
                    if (r.status != 200) {
                        refusals.emplace_back("code exchange", r);
                        if (r.status == 503) unexchanged.push_back(code);
                        return;
                    }
                    const auto body = r.json();
                    acknowledged.push_back({body.at("access_token").get<std::string>(),
                                            body.at("refresh_token").get<std::string>(), body});
                } catch (const std::exception& e) {
                    const std::lock_guard lock(mutex);
                    broken.emplace_back(e.what());
                    return;
                }
            }
        });
    }
    for (auto& t : threads) t.join();
    MESSAGE(acknowledged.size() << " exchanges acknowledged before the cap; " << refusals.size()
                                << " refusals (" << unexchanged.size() << " exchanges got 503)");
    INFO("connection failures: " << (broken.empty() ? std::string("-") : broken.front()));
    CHECK(broken.empty());
    CHECK(refusals.size() == clients);
    for (const auto& [what, r] : refusals) check_unavailable(r, what + " at the page cap");

    // Reads keep answering; what was acknowledged, including the last ones, works.
    std::vector<token_pair> all = acknowledged;
    all.push_back(before);
    int dead = 0;
    for (const auto& pair : all) {
        if (get_access(server, pair.access_token).status != 200) ++dead;
        if (get_refresh(server, pair.refresh_token).status != 200) ++dead;
    }
    CHECK(dead == 0);
    // While the cap holds, writes that need new pages keep failing cleanly (updates that fit
    // in existing pages may still succeed: a full disk does not forbid them).
    int refused = 0;
    for (int i = 0; i < 50 && refused < 3; ++i) {
        const auto r = mint_raw(server, s);
        if (r.status == 201) continue;
        ++refused;
        check_unavailable(r, "admin mint code, still at the cap");
    }
    CHECK(refused > 0);

    // Raise the cap: writes work again, and codes whose exchange got 503 were not consumed.
    REQUIRE(put_faults(server, {{"max_page_count", 0}}).status == 200);
    for (const auto& code : unexchanged) {
        const auto r = token_post(server, code_grant_fields(s, code));
        INFO("re-exchanging a code whose exchange got 503: " << r.status << " " << r.body);
        CHECK(r.status == 200);
    }
    const auto after = authorize(server, s);
    CHECK(get_access(server, after.access_token).status == 200);
    CHECK(refresh(server, s, before.refresh_token).access_token.size() > 0);
    CHECK(server.pid() == pid);

    // Nothing acknowledged is lost across a restart either.
    server.restart();
    dead = 0;
    for (const auto& pair : all) {
        if (get_access(server, pair.access_token).status != 200) ++dead;
    }
    CHECK(dead == 0);
    CHECK(get_access(server, after.access_token).status == 200);
}

TEST_CASE("disk full from the start: --max-page-count at the size of a fresh database") {
    // Learn the size of a fresh database, then start another one capped there.
    std::int64_t fresh_pages = 0;
    {
        server_process probe;
        probe.start();
        fresh_pages = page_count(probe);
    }
    REQUIRE(fresh_pages > 0);
    server_process server({.extra_args = {"--max-page-count", std::to_string(fresh_pages)}});
    server.start();
    CHECK(server.admin("GET", "/admin/v1/storage-faults").json().at("max_page_count") == fresh_pages);
    CHECK(http_request(server.port(), "GET", "/healthz").status == 200);
    // Loading a sandbox needs pages the cap does not allow.
    const json seed = {{"hubs", json::array({{{"hub_id", 77}, {"hub_domain", "capped.example.com"}}})},
                       {"users", json::array()},
                       {"apps", json::array()}};
    http_response r;
    for (int i = 0; i < 200; ++i) {
        r = create_hub(server, 8'000'000 + i);
        if (r.status != 201) break;
    }
    check_unavailable(r, "admin create hub under --max-page-count");
    REQUIRE(put_faults(server, {{"max_page_count", 0}}).status == 200);
    CHECK(server.admin("POST", "/admin/v1/seed", seed).status == 200);
}

}  // TEST_SUITE("faults")
