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

// A fault rule that delays the next access-token metadata answer by `ms` milliseconds, once.
json delay_next_metadata(int ms) {
    return {{"match", {{"route", "access_token_metadata"}}},
            {"action", {{"kind", "delay"}, {"delay_ms", ms}}},
            {"times", 1}};
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

// ---- Fault playbooks: POST /admin/v1/faults and what each kind of rule does ----

#include <ctime>
#include <fstream>

#include "support/controls_helpers.hpp"
#include "support/raw_connection.hpp"

namespace {

// The fields an error body names in errors[].context (invalidFields, missingFields).
std::vector<std::string> fields_named(const http_response& r) {
    std::vector<std::string> out;
    const json body = json::parse(r.body, nullptr, false);
    if (body.is_discarded() || !body.contains("errors")) return out;
    for (const auto& detail : body["errors"]) {
        if (!detail.contains("context")) continue;
        for (const auto& [key, names] : detail["context"].items()) {
            for (const auto& name : names) out.push_back(name.get<std::string>());
        }
    }
    return out;
}

http_response refresh_raw(const server_process& server, const sandbox& s, const std::string& refresh_token) {
    return post_form(server.port(), "/oauth/v1/token", refresh_grant_fields(s, refresh_token));
}

http_response access_raw(const server_process& server, const std::string& token) {
    return http_request(server.port(), "GET", "/oauth/v1/access-tokens/" + url_encode(token));
}

// The request line and headers of a GET of `path` over a raw connection.
std::string raw_get(const server_process& server, std::string_view path) {
    return "GET " + std::string(path) + " HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(server.port()) +
           "\r\nConnection: close\r\n\r\n";
}

// The statuses of `n` GETs of an unknown refresh token's metadata ('.' 401, 'x' anything else).
std::string metadata_pattern(const server_process& server, int n) {
    std::string out;
    for (int i = 0; i < n; ++i) {
        out += http_request(server.port(), "GET", "/oauth/v1/refresh-tokens/na1-unknown").status == 401 ? '.' : 'x';
    }
    return out;
}

void write_file(const std::string& path, std::string_view content) {
    std::ofstream out(path, std::ios::trunc);
    out << content;
    if (!out) throw std::runtime_error("cannot write " + path);
}

std::string iso_of(std::int64_t seconds) {
    const std::time_t t = static_cast<std::time_t>(seconds);
    std::tm utc{};
    gmtime_r(&t, &utc);
    char text[32];
    std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%S.000Z", &utc);
    return text;
}

}  // namespace

TEST_SUITE("fault playbooks") {

TEST_CASE("fault rules: POST answers 201 with the rule and its id, GET counts, DELETE removes one or all") {
    server_process server;
    server.start();
    const json first = add_fault(server, {{"match", {{"path", "/oauth/v1/token"}, {"method", "POST"}, {"grant_type", "refresh_token"}}},
                                          {"action", {{"kind", "server_error"}, {"status", 502}}},
                                          {"times", 1}});
    CHECK(first.at("id") == 1);
    CHECK(first.at("action").at("kind") == "server_error");
    CHECK(first.at("action").at("status") == 502);
    CHECK(first.at("match").at("grant_type") == "refresh_token");
    CHECK(first.at("times") == 1);
    const json second = add_fault(server, {{"action", {{"kind", "locked"}}}, {"match", {{"route", "access_token_metadata"}}}});
    CHECK(second.at("id") == 2);
    CHECK(second.at("action").at("status") == 423);

    json listed = list_faults(server);
    REQUIRE(listed.size() == 2);
    CHECK(listed[0].at("fired") == 0);
    CHECK(listed[0].at("matched") == 0);
    CHECK(listed[0].at("spent") == false);

    CHECK(server.admin("DELETE", "/admin/v1/faults/1").status == 204);
    check_error(server.admin("DELETE", "/admin/v1/faults/1"), 404, "NOT_FOUND");
    listed = list_faults(server);
    REQUIRE(listed.size() == 1);
    CHECK(listed[0].at("id") == 2);
    CHECK(server.admin("DELETE", "/admin/v1/faults").status == 204);
    CHECK(list_faults(server).empty());
    // Ids are never handed out twice.
    CHECK(add_fault(server, {{"action", {{"kind", "locked"}}}}).at("id") == 3);
    clear_faults(server);
}

TEST_CASE("fault rules: a bad rule is refused naming the key, and a list is all or nothing") {
    server_process server;
    server.start();
    const auto refused_field = [&](const json& rule) {
        const auto r = server.admin("POST", "/admin/v1/faults", rule);
        CHECK(r.status == 400);
        const auto fields = fields_named(r);
        return fields.empty() ? std::string("(none)") : fields.front();
    };
    CHECK(refused_field({{"action", {{"kind", "explode"}}}}) == "action.kind");
    CHECK(refused_field({{"action", {{"kind", "server_error"}, {"status", 501}}}}) == "action.status");
    CHECK(refused_field({{"action", {{"kind", "locked"}}}, {"match", {{"rout", "token"}}}}) == "match.rout");
    CHECK(refused_field({{"action", {{"kind", "locked"}}}, {"tims", 1}}) == "tims");
    CHECK(refused_field({{"action", {{"kind", "delay"}}}}) == "action.delay_ms");
    CHECK(refused_field({{"action", {{"kind", "locked"}}}, {"probability", 2}}) == "probability");
    CHECK(refused_field({{"action", {{"kind", "locked"}}}, {"window", {{"from", 10}, {"until", 5}}}}) == "window");
    CHECK(refused_field({{"match", {{"route", "token"}}}}) == "action");
    check_error(server.admin("POST", "/admin/v1/faults", json::array({{{"action", {{"kind", "locked"}}}},
                                                                       {{"action", {{"kind", "nope"}}}}})),
                400, "VALIDATION_ERROR");
    CHECK(list_faults(server).empty());
    check_error(http_request(server.port(), "POST", "/admin/v1/faults", {}, R"({"action":{"kind":"locked"}})"), 401,
                "INVALID_AUTHENTICATION");
    const auto both = server.admin("POST", "/admin/v1/faults", {{"faults", json::array({{{"action", {{"kind", "locked"}}}},
                                                                                         {{"action", {{"kind", "reset"}}}}})}});
    REQUIRE(both.status == 201);
    CHECK(both.json().at("results").size() == 2);
}

TEST_CASE("rate_limit: 429 with HubSpot's TEN_SECONDLY_ROLLING body, Retry-After and the rate-limit headers; "
          "the refused refresh changed nothing") {
    server_process server;
    server.start();
    app_options rotating;
    rotating.rotate_refresh_tokens = true;
    const sandbox s = seed_sandbox(server, rotating);
    const token_pair tokens = authorize(server, s);
    add_fault(server, {{"match", {{"route", "token"}, {"grant_type", "refresh_token"}}},
                       {"action", {{"kind", "rate_limit"}, {"retry_after", 7}}},
                       {"times", 1}});
    const auto r = refresh_raw(server, s, tokens.refresh_token);
    check_error(r, 429, "error");
    const json body = r.json();
    CHECK(body.at("policyName") == "TEN_SECONDLY_ROLLING");
    CHECK(body.at("errorType") == "RATE_LIMIT");
    CHECK(body.at("message") == "You have reached your ten_secondly_rolling limit.");
    CHECK(body.at("category") == "RATE_LIMITS");
    CHECK(r.header("Retry-After") == "7");
    CHECK(r.header("X-HubSpot-RateLimit-Max") == "110");
    CHECK(r.header("X-HubSpot-RateLimit-Remaining") == "0");
    CHECK(r.header("X-HubSpot-RateLimit-Interval-Milliseconds") == "10000");
    // The app rotates refresh tokens: had the refused refresh run, this token would be spent.
    const token_pair next = refresh(server, s, tokens.refresh_token);
    CHECK(next.refresh_token != tokens.refresh_token);
}

TEST_CASE("server_error: 500, 502, 503 (with Retry-After) and 504 with HubSpot's error body, then normal answers") {
    server_process server;
    server.start();
    const sandbox s = seed_sandbox(server);
    const token_pair tokens = authorize(server, s);
    for (const auto& [status, hubspot] : std::vector<std::pair<int, std::string>>{
             {500, "SERVER_ERROR"}, {502, "BAD_GATEWAY"}, {503, "SERVICE_UNAVAILABLE"}, {504, "GATEWAY_TIMEOUT"}}) {
        INFO("status " << status);
        add_fault(server, {{"match", {{"route", "access_token_metadata"}}},
                           {"action", {{"kind", "server_error"}, {"status", status}}},
                           {"times", 1}});
        const auto r = access_raw(server, tokens.access_token);
        check_error(r, status, hubspot);
        CHECK(r.header("Retry-After") == (status == 503 ? "1" : ""));
        CHECK(access_raw(server, tokens.access_token).status == 200);
    }
}

TEST_CASE("migration_in_progress and locked: 477 with Retry-After, 423") {
    server_process server;
    server.start();
    const sandbox s = seed_sandbox(server);
    const token_pair tokens = authorize(server, s);
    add_fault(server, {{"match", {{"route", "access_token_metadata"}}}, {"action", {{"kind", "migration_in_progress"}}}, {"times", 1}});
    const auto moving = access_raw(server, tokens.access_token);
    check_error(moving, 477, "MIGRATION_IN_PROGRESS");
    CHECK(moving.header("Retry-After") == "30");
    add_fault(server, {{"match", {{"route", "access_token_metadata"}}}, {"action", {{"kind", "locked"}}}, {"times", 1}});
    check_error(access_raw(server, tokens.access_token), 423, "LOCKED");
    CHECK(access_raw(server, tokens.access_token).status == 200);
}

TEST_CASE("bad_refresh_token: 400 BAD_REFRESH_TOKEN as after an uninstall, while the install lives on") {
    server_process server;
    server.start();
    const sandbox s = seed_sandbox(server);
    const token_pair tokens = authorize(server, s);
    add_fault(server, {{"match", {{"grant_type", "refresh_token"}, {"client_id", s.client_id}}},
                       {"action", {{"kind", "bad_refresh_token"}}}});
    const auto r = refresh_raw(server, s, tokens.refresh_token);
    check_error(r, 400, "BAD_REFRESH_TOKEN", "invalid_grant");
    CHECK(r.json().at("message") == "missing or unknown refresh token");
    clear_faults(server);
    CHECK(refresh_raw(server, s, tokens.refresh_token).status == 200);
}

TEST_CASE("expired_authentication: 401 as the API gateway sends it, with the expiry time") {
    server_process server;
    server.start();
    const sandbox s = seed_sandbox(server);
    const token_pair tokens = authorize(server, s);
    add_fault(server, {{"match", {{"route", "access_token_metadata"}}}, {"action", {{"kind", "expired_authentication"}}}});
    const std::int64_t now = server.admin("GET", "/admin/v1/clock").json().at("now");
    const auto r = access_raw(server, tokens.access_token);
    check_error(r, 401, "error");
    const json body = r.json();
    CHECK(body.at("category") == "EXPIRED_AUTHENTICATION");
    CHECK(body.at("message") == "The OAuth token used to make this call expired 0 second(s) ago.");
    const std::string expired_at = body.at("context").at("expire time").at(0);
    CHECK((expired_at == iso_of(now) || expired_at == iso_of(now + 1)));
}

TEST_CASE("delay: the answer comes late and normal, and the network thread serves others meanwhile") {
    server_process server({{"--threads", "1"}});
    server.start();
    const sandbox s = seed_sandbox(server);
    const token_pair tokens = authorize(server, s);
    add_fault(server, delay_next_metadata(700));
    const auto started = std::chrono::steady_clock::now();
    raw_connection delayed(server.port());
    delayed.send(raw_get(server, "/oauth/v1/access-tokens/" + url_encode(tokens.access_token)));
    // The one network thread answers other requests while the delayed one waits on its timer.
    bool quick = false;
    for (int i = 0; i < 5; ++i) {
        const auto before = std::chrono::steady_clock::now();
        CHECK(http_request(server.port(), "GET", "/healthz").status == 200);
        quick = quick || std::chrono::steady_clock::now() - before < std::chrono::milliseconds(300);
    }
    CHECK(quick);
    const auto answer = delayed.read_response(std::chrono::seconds(10));
    const auto took = std::chrono::steady_clock::now() - started;
    REQUIRE(answer);
    CHECK(answer->status == 200);
    CHECK(answer->json().at("token") == tokens.access_token);
    CHECK(took >= std::chrono::milliseconds(700));
    CHECK(list_faults(server).at(0).at("fired") == 1);
}

TEST_CASE("delay: an answer that takes longer than the read timeouts still comes, on a connection kept open") {
    // The read deadlines (header, body, idle) bound reading a request, never handling one.
    server_process server({{"--threads", "1", "--header-timeout-ms", "200", "--body-timeout-ms", "200",
                            "--idle-timeout-ms", "200"}});
    server.start();
    const sandbox s = seed_sandbox(server);
    const token_pair tokens = authorize(server, s);
    add_fault(server, delay_next_metadata(700));
    raw_connection delayed(server.port());
    const auto request = "GET /oauth/v1/access-tokens/" + url_encode(tokens.access_token) +
                         " HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(server.port()) + "\r\n\r\n";
    delayed.send(request);
    const auto answer = delayed.read_response(std::chrono::seconds(10));
    REQUIRE(answer);
    CHECK(answer->status == 200);
    CHECK(answer->json().at("token") == tokens.access_token);
    delayed.send(request);  // the same connection serves the next request
    const auto again = delayed.read_response(std::chrono::seconds(5));
    REQUIRE(again);
    CHECK(again->status == 200);
}

TEST_CASE("reset: the connection closes without an answer; with commit the operation ran first") {
    server_process server;
    server.start();
    const sandbox s = seed_sandbox(server);
    add_fault(server, {{"match", {{"grant_type", "authorization_code"}}}, {"action", {{"kind", "reset"}}}, {"times", 1}});
    const minted_code code = mint_code(server, s);
    const std::string body = form_encode(code_grant_fields(s, code.code));
    const auto request = "POST /oauth/v1/token HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                         "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
    {
        raw_connection c(server.port());
        c.send(request);
        CHECK_FALSE(c.read_response(std::chrono::seconds(10)));
    }
    // Not committed: the code is still good.
    CHECK(post_form(server.port(), "/oauth/v1/token", code_grant_fields(s, code.code)).status == 200);

    add_fault(server, {{"match", {{"grant_type", "authorization_code"}}}, {"action", {{"kind", "reset"}, {"commit", true}}}, {"times", 1}});
    const minted_code second = mint_code(server, s);
    const std::string second_body = form_encode(code_grant_fields(s, second.code));
    {
        raw_connection c(server.port());
        c.send("POST /oauth/v1/token HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\n"
               "Content-Length: " + std::to_string(second_body.size()) + "\r\n\r\n" + second_body);
        CHECK_FALSE(c.read_response(std::chrono::seconds(10)));
    }
    // Committed: the exchange happened, so the code is spent.
    check_error(post_form(server.port(), "/oauth/v1/token", code_grant_fields(s, second.code)), 400, "BAD_AUTH_CODE");
}

TEST_CASE("truncate: the status line and headers, then half of the JSON body, then the connection closes") {
    server_process server;
    server.start();
    const sandbox s = seed_sandbox(server);
    const token_pair tokens = authorize(server, s);
    add_fault(server, {{"match", {{"route", "access_token_metadata"}}}, {"action", {{"kind", "truncate"}}}, {"times", 1}});
    raw_connection c(server.port());
    c.send(raw_get(server, "/oauth/v1/access-tokens/" + url_encode(tokens.access_token)));
    const std::string raw = c.receive_until_closed(std::chrono::seconds(10));
    const auto end = raw.find("\r\n\r\n");
    REQUIRE(end != std::string::npos);
    const std::string head = raw.substr(0, end);
    const std::string body = raw.substr(end + 4);
    CHECK(head.rfind("HTTP/1.1 200 OK\r\n", 0) == 0);
    CHECK(head.find("Content-Type: application/json;charset=utf-8") != std::string::npos);
    const auto length_at = head.find("Content-Length: ");
    REQUIRE(length_at != std::string::npos);
    const std::size_t length = std::stoul(head.substr(length_at + 16));
    CHECK(body.size() == length / 2);
    CHECK(body.rfind("{\"app_id\":", 0) == 0);
    CHECK(json::parse(body, nullptr, false).is_discarded());
    // The next answer is whole again.
    CHECK(access_raw(server, tokens.access_token).status == 200);
}

TEST_CASE("skip and times: the third refresh fails with 502, once") {
    server_process server;
    server.start();
    const sandbox s = seed_sandbox(server);
    const token_pair tokens = authorize(server, s);
    add_fault(server, {{"match", {{"grant_type", "refresh_token"}}},
                       {"action", {{"kind", "server_error"}, {"status", 502}}},
                       {"skip", 2},
                       {"times", 1}});
    std::vector<int> statuses;
    for (int i = 0; i < 5; ++i) statuses.push_back(refresh_raw(server, s, tokens.refresh_token).status);
    CHECK(statuses == std::vector<int>{200, 200, 502, 200, 200});
    const json rule = list_faults(server).at(0);
    CHECK(rule.at("matched") == 3);
    CHECK(rule.at("fired") == 1);
    CHECK(rule.at("spent") == true);
}

TEST_CASE("probability with a seed: the same requests fault the same way on every run") {
    const json rule = {{"match", {{"route", "refresh_token_metadata"}}},
                       {"action", {{"kind", "server_error"}}},
                       {"probability", 0.5},
                       {"seed", 1234}};
    std::string patterns[2];
    for (auto& p : patterns) {
        server_process server;
        server.start();
        CHECK(add_fault(server, rule).at("seed") == 1234);
        p = metadata_pattern(server, 40);
    }
    CHECK(patterns[0] == patterns[1]);
    CHECK(patterns[0].find('x') != std::string::npos);
    CHECK(patterns[0].find('.') != std::string::npos);
    server_process other;
    other.start();
    json reseeded = rule;
    reseeded["seed"] = 1235;
    add_fault(other, reseeded);
    CHECK(metadata_pattern(other, 40) != patterns[0]);
    // Without a seed, a deterministic run gives the rule the same seed every time.
    json unseeded = rule;
    unseeded.erase("seed");
    std::uint64_t seeds[2];
    for (auto& seed : seeds) {
        server_process server({{"--deterministic-seed", "golden"}});
        server.start();
        seed = add_fault(server, unseeded).at("seed");
    }
    CHECK(seeds[0] == seeds[1]);
}

TEST_CASE("window: a rule fires only inside its window on the sandbox clock") {
    server_process server;
    server.start();
    const sandbox s = seed_sandbox(server);
    const token_pair tokens = authorize(server, s);
    const json added = add_fault(server, {{"match", {{"route", "access_token_metadata"}}},
                                          {"action", {{"kind", "locked"}}},
                                          {"window", {{"after_seconds", 600}, {"for_seconds", 60}}}});
    const std::int64_t now = server.admin("GET", "/admin/v1/clock").json().at("now");
    CHECK(added.at("window").at("from").get<std::int64_t>() >= now + 599);
    CHECK(access_raw(server, tokens.access_token).status == 200);
    advance_clock(server, 600);
    CHECK(access_raw(server, tokens.access_token).status == 423);
    advance_clock(server, 61);
    CHECK(access_raw(server, tokens.access_token).status == 200);
}

TEST_CASE("matching: client, hub, method, route, version and path select; the admin API is never faulted") {
    server_process server;
    server.start();
    const sandbox a = seed_sandbox(server);
    const sandbox b = seed_sandbox(server);
    const token_pair ta = authorize(server, a);
    const token_pair tb = authorize(server, b);
    const json locked = {{"kind", "locked"}};

    add_fault(server, {{"match", {{"client_id", b.client_id}}}, {"action", locked}});
    CHECK(refresh_raw(server, a, ta.refresh_token).status == 200);
    CHECK(refresh_raw(server, b, tb.refresh_token).status == 423);
    clear_faults(server);

    // A refresh names no hub: the journal knows the token's, from its issuance.
    add_fault(server, {{"match", {{"hub_id", b.hub_id}, {"grant_type", "refresh_token"}}}, {"action", locked}});
    CHECK(refresh_raw(server, a, ta.refresh_token).status == 200);
    CHECK(refresh_raw(server, b, tb.refresh_token).status == 423);
    clear_faults(server);

    add_fault(server, {{"match", {{"method", "DELETE"}, {"version", "v1"}}}, {"action", locked}});
    CHECK(http_request(server.port(), "GET", "/oauth/v1/refresh-tokens/" + url_encode(ta.refresh_token)).status == 200);
    CHECK(http_request(server.port(), "DELETE", "/oauth/v1/refresh-tokens/" + url_encode(ta.refresh_token)).status == 423);
    clear_faults(server);

    add_fault(server, {{"match", {{"path", "/oauth/v1/access-tokens/*"}}}, {"action", locked}});
    CHECK(access_raw(server, ta.access_token).status == 423);
    CHECK(http_request(server.port(), "GET", "/oauth/v1/refresh-tokens/" + url_encode(ta.refresh_token)).status == 200);
    clear_faults(server);

    add_fault(server, {{"match", {{"route", "refresh_token_metadata"}}}, {"action", locked}});
    CHECK(access_raw(server, ta.access_token).status == 200);
    CHECK(http_request(server.port(), "GET", "/oauth/v1/refresh-tokens/" + url_encode(ta.refresh_token)).status == 423);
    clear_faults(server);

    // A rule that matches everything leaves hsoauth's own admin API alone.
    add_fault(server, {{"action", locked}});
    CHECK(server.admin("POST", "/admin/v1/authorization-codes", code_request(a)).status == 201);
    CHECK(access_raw(server, ta.access_token).status == 423);
}

TEST_CASE("playbooks load at start from --faults and from a seed file's faults; POST /admin/v1/seed takes them too") {
    server_process probe;
    const std::string faults_file = probe.dir() + "/faults.json";
    write_file(faults_file, R"({"faults": [{"_why": "the third refresh fails with 502",
        "match": {"grant_type": "refresh_token"}, "action": {"kind": "server_error", "status": 502},
        "skip": 2, "times": 1}]})");
    server_process server({{"--faults", faults_file}});
    server.start();
    CHECK(server.stdout_text().find("loaded 1 fault rule(s)") != std::string::npos);
    const sandbox s = seed_sandbox(server);
    const token_pair tokens = authorize(server, s);
    std::vector<int> statuses;
    for (int i = 0; i < 4; ++i) statuses.push_back(refresh_raw(server, s, tokens.refresh_token).status);
    CHECK(statuses == std::vector<int>{200, 200, 502, 200});

    const std::string seed_file = probe.dir() + "/seed.json";
    write_file(seed_file, R"({"hubs": [{"hub_id": 777, "hub_domain": "faults.example.com"}],
        "faults": [{"match": {"route": "token"}, "action": {"kind": "locked"}}]})");
    server_process seeded({{"--seed", seed_file}});
    seeded.start();
    const json rules = list_faults(seeded);
    REQUIRE(rules.size() == 1);
    CHECK(rules[0].at("action").at("kind") == "locked");

    const auto posted = seeded.admin("POST", "/admin/v1/seed",
                                     {{"faults", json::array({{{"action", {{"kind", "reset"}}}}})}});
    REQUIRE(posted.status == 200);
    CHECK(posted.json().at("faults").size() == 1);
    CHECK(list_faults(seeded).size() == 2);
    // A bad rule in a seed body stores nothing.
    check_error(seeded.admin("POST", "/admin/v1/seed",
                             {{"hubs", json::array({{{"hub_id", 778}, {"hub_domain", "nope.example.com"}}})},
                              {"faults", json::array({{{"action", {{"kind", "nope"}}}}})}}),
                400, "VALIDATION_ERROR");
    check_error(seeded.admin("GET", "/admin/v1/hubs/778"), 404, "NOT_FOUND");

    write_file(faults_file, R"({"faults": [{"action": {"kind": "server_error", "status": 418}}]})");
    int exit_code = -1;
    const std::string out = run_cli({"serve", "--listen", "127.0.0.1:0", "--db", probe.dir() + "/bad.db",
                                     "--admin-key", "test-admin-key-0123456789", "--faults", faults_file},
                                    &exit_code);
    CHECK(exit_code == 2);
    CHECK(out.find(faults_file) != std::string::npos);
    CHECK(out.find("action.status") != std::string::npos);
}

}  // TEST_SUITE


// ---- The controls beyond the OAuth routes: the API gateway, client_credentials, reset, sandboxes ----

#include <cctype>
#include <map>

#include "gateway/echo_upstream.hpp"
#include "support/sandbox_client.hpp"
#include "support/versions.hpp"

namespace {

std::string corr(const http_response& r) { return r.header("X-HubSpot-Correlation-Id"); }

http_response api_get(const server_process& server, std::string_view target, std::string_view token,
                      header_list headers = {}) {
    headers.emplace_back("Authorization", "Bearer " + std::string(token));
    return http_request(server.port(), "GET", target, headers);
}

// The raw bytes of one request over a connection the server closes (a broken answer).
std::string raw_exchange(const server_process& server, const std::string& request_bytes) {
    raw_connection c(server.port());
    c.send(request_bytes);
    return c.receive_until_closed(std::chrono::seconds(10));
}

std::string raw_api_get(const server_process& server, std::string_view target, std::string_view token,
                        std::string_view extra_headers = {}) {
    return "GET " + std::string(target) + " HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(server.port()) +
           "\r\nAuthorization: Bearer " + std::string(token) + "\r\n" + std::string(extra_headers) +
           "Connection: close\r\n\r\n";
}

// A truncated answer: `status` line, its headers with Content-Length, half of the body; `json_body`:
// the body is cut JSON.
void check_truncated(const std::string& raw, int status, bool json_body,
                     std::source_location where = std::source_location::current()) {
    INFO("checked at line " << where.line() << ":\n" << raw);
    const auto end = raw.find("\r\n\r\n");
    REQUIRE(end != std::string::npos);
    std::string head = raw.substr(0, end);
    const std::string body = raw.substr(end + 4);
    CHECK(head.rfind("HTTP/1.1 " + std::to_string(status) + " ", 0) == 0);
    for (char& c : head) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));  // names: any case
    const auto length_at = head.find("\r\ncontent-length: ");
    REQUIRE(length_at != std::string::npos);
    const std::size_t length = std::stoul(head.substr(length_at + 18));
    CHECK(body.size() == length / 2);
    CHECK(head.find("\r\nx-hubspot-correlation-id: ") != std::string::npos);
    if (json_body) {
        CHECK(length > 2);
        CHECK(head.find("\r\ncontent-type: application/json") != std::string::npos);
        CHECK(body.front() == '{');
        CHECK(json::parse(body, nullptr, false).is_discarded());
    }
}

// The samples of GET /metrics: `name{labels}` → value.
std::map<std::string, double> scrape_samples(const server_process& server) {
    const http_response r = http_request(server.port(), "GET", "/metrics");
    REQUIRE(r.status == 200);
    std::map<std::string, double> out;
    std::size_t at = 0;
    while (at < r.body.size()) {
        const auto end = r.body.find('\n', at);
        const std::string line = r.body.substr(at, end == std::string::npos ? std::string::npos : end - at);
        at = end == std::string::npos ? r.body.size() : end + 1;
        if (line.empty() || line.front() == '#') continue;
        const auto space = line.rfind(' ');
        if (space != std::string::npos) out[line.substr(0, space)] = std::stod(line.substr(space + 1));
    }
    return out;
}

double decisions(const std::map<std::string, double>& samples, std::string_view decision) {
    const auto it = samples.find("hsoauth_gateway_decisions_total{decision=\"" + std::string(decision) + "\"}");
    return it == samples.end() ? -1.0 : it->second;
}

// The events of the journal at `query` whose operation is `operation`.
std::vector<json> events_of(const server_process& server, std::string_view query, std::string_view operation) {
    std::vector<json> out;
    for (const json& e : events(server, query)) {
        if (e.value("operation", "") == operation) out.push_back(e);
    }
    return out;
}

echo_upstream& faults_echo() {
    static echo_upstream echo;
    return echo;
}

}  // namespace

TEST_SUITE("controls beyond the OAuth routes") {

TEST_CASE("gateway 429: journalled with its Retry-After; a retry at once is reported as Retry-After ignored") {
    server_process server({.extra_args = {"--gateway-rate-limit", "1"}});
    server.start();
    const sandbox s = seed_sandbox(server);
    const token_pair tokens = authorize(server, s);
    REQUIRE(api_get(server, "/account-info/v3/details", tokens.access_token).status == 200);
    const http_response limited = api_get(server, "/account-info/v3/details", tokens.access_token);
    REQUIRE(limited.status == 429);
    const std::string retry_after = limited.header("Retry-After");
    REQUIRE(!retry_after.empty());
    const http_response at_once = api_get(server, "/account-info/v3/details", tokens.access_token);
    REQUIRE(at_once.status == 429);

    const auto calls = events_of(server, "client_id=" + s.client_id + "&limit=1000", "api_call");
    REQUIRE(calls.size() == 3);
    CHECK(calls[0].at("kind") == "gateway");
    CHECK(!calls[0].at("outcome").contains("status"));
    for (const json& e : {calls[1], calls[2]}) {
        CHECK(e.at("kind") == "gateway");
        CHECK(e.at("route") == "account_info.details");
        CHECK(e.at("app_id") == s.app_id);
        CHECK(e.at("outcome").at("status") == 429);
        CHECK(e.at("outcome").at("retry_after") == std::stoll(retry_after));
    }
    CHECK(calls[1].at("correlation_id") == corr(limited));

    const json ignored = finding(report(server, s.app_id), "retry_after_ignored");
    REQUIRE(!ignored.is_null());
    CHECK(ignored.at("count") == 1);
    CHECK(ignored.at("first_correlation_id") == corr(at_once));
}

TEST_CASE("truncate on gateway routes: a forwarded call, /account-info and /gateway/v1/check are cut, headers kept") {
    server_process server({.extra_args = {"--gateway-upstream", faults_echo().url()}});
    server.start();
    const sandbox s = seed_sandbox(server);
    const token_pair tokens = authorize(server, s);
    const auto before = scrape_samples(server);

    SUBCASE("a forwarded call: the upstream's JSON answer, cut; the call was forwarded") {
        add_fault(server, {{"match", {{"route", "gateway.forward"}}}, {"action", {{"kind", "truncate"}}}, {"times", 1}});
        check_truncated(raw_exchange(server, raw_api_get(server, "/crm/v3/objects/contacts?limit=1", tokens.access_token)),
                        200, true);
        CHECK(api_get(server, "/crm/v3/objects/contacts?limit=1", tokens.access_token).status == 200);
        const auto after = scrape_samples(server);
        CHECK(decisions(after, "forwarded") - decisions(before, "forwarded") == 2);
        CHECK(after.at(R"(hsoauth_faults_fired_total{action="truncate",route="gateway.forward"})") == 1);
    }
    SUBCASE("the built-in account details, and its refusals too") {
        add_fault(server, {{"match", {{"path", "/account-info/v3/details"}}}, {"action", {{"kind", "truncate"}}}, {"times", 2}});
        check_truncated(raw_exchange(server, raw_api_get(server, "/account-info/v3/details", tokens.access_token)), 200, true);
        check_truncated(raw_exchange(server, raw_api_get(server, "/account-info/v3/details", "na1-not-a-token")), 401, true);
        const http_response whole = api_get(server, "/account-info/v3/details", tokens.access_token);
        CHECK(whole.status == 200);
        CHECK(whole.json().at("portalId") == s.hub_id);
    }
    SUBCASE("the forward-auth check: its empty 200 keeps its identity headers") {
        add_fault(server, {{"match", {{"route", "gateway.check"}}}, {"action", {{"kind", "truncate"}}}, {"times", 1}});
        const std::string raw = raw_exchange(
            server, raw_api_get(server, "/gateway/v1/check", tokens.access_token,
                                "X-Forwarded-Uri: /crm/v3/objects/contacts\r\nX-Forwarded-Method: GET\r\n"));
        check_truncated(raw, 200, false);
        CHECK(raw.find("X-HubSpot-App-Id: " + std::to_string(s.app_id) + "\r\n") != std::string::npos);
    }
    SUBCASE("reset with commit on a forwarded call: no answer, the call went through") {
        add_fault(server, {{"match", {{"route", "gateway.forward"}}}, {"action", {{"kind", "reset"}, {"commit", true}}}, {"times", 1}});
        CHECK(raw_exchange(server, raw_api_get(server, "/crm/v3/objects/contacts", tokens.access_token)).empty());
        const auto after = scrape_samples(server);
        CHECK(decisions(after, "forwarded") - decisions(before, "forwarded") == 1);
    }
}

TEST_CASE("gateway decisions are counted in /metrics by what the client saw") {
    const std::uint16_t refused_port = closed_port();
    server_process server({.extra_args = {"--gateway-rate-limit", "3", "--gateway-upstream",
                                          "http://127.0.0.1:" + std::to_string(refused_port)}});
    server.start();
    const sandbox s = seed_sandbox(server);
    const token_pair tokens = authorize(server, s);
    const auto before = scrape_samples(server);
    CHECK(api_get(server, "/account-info/v3/details", tokens.access_token).status == 200);          // allowed
    CHECK(api_get(server, "/crm/v3/objects/contacts", tokens.access_token).status == 502);          // upstream_error
    CHECK(api_get(server, "/account-info/v3/details", "na1-not-a-token").status == 401);            // invalid_authentication
    add_fault(server, {{"match", {{"route", "account_info.details"}}},
                       {"action", {{"kind", "server_error"}, {"status", 503}}}, {"times", 1}});
    CHECK(api_get(server, "/account-info/v3/details", tokens.access_token).status == 503);          // fault
    CHECK(api_get(server, "/account-info/v3/details", tokens.access_token).status == 200);          // allowed
    CHECK(api_get(server, "/account-info/v3/details", tokens.access_token).status == 429);          // rate_limited
    const auto after = scrape_samples(server);
    const auto moved = [&](std::string_view d) { return decisions(after, d) - decisions(before, d); };
    CHECK(moved("allowed") == 2);
    CHECK(moved("upstream_error") == 1);
    CHECK(moved("invalid_authentication") == 1);
    CHECK(moved("fault") == 1);
    CHECK(moved("rate_limited") == 1);
    CHECK(moved("forwarded") == 0);
    CHECK(decisions(after, "upstream_timeout") == 0);  // listed at 0
    CHECK(after.at(R"(hsoauth_faults_fired_total{action="server_error",route="account_info.details"})") == 1);
}

TEST_CASE("client_credentials: an issued app token is an app_token event; refusals and failed authentication too") {
    server_process server;
    server.start();
    app_options options;
    options.client_credentials_scopes = {"crm.objects.contacts.read"};
    const sandbox s = seed_sandbox(server, options);
    header_list grant = client_fields(s);
    grant.emplace_back("grant_type", "client_credentials");
    const http_response v3 = post_oauth(server, "v3", "token", grant);
    REQUIRE(v3.status == 200);
    const http_response dated = post_oauth(server, "2026-03", "token", grant);
    REQUIRE(dated.status == 200);
    header_list wider = grant;
    wider.emplace_back("scope", "crm.objects.contacts.read automation");
    const http_response refused = post_oauth(server, "2026-03", "token", wider);
    REQUIRE(refused.status == 400);
    header_list wrong = {{"client_id", s.client_id}, {"client_secret", "wrong-secret"}, {"grant_type", "client_credentials"}};
    const http_response unauthenticated = post_oauth(server, "v3", "token", wrong);
    REQUIRE(unauthenticated.status == 401);

    const auto grants = events_of(server, "client_id=" + s.client_id + "&limit=1000", "grant");
    INFO(events(server).dump(1));
    REQUIRE(grants.size() == 4);
    CHECK(grants[0].at("kind") == "app_token");
    CHECK(grants[0].at("version") == "v3");
    CHECK(grants[0].at("grant_type") == "client_credentials");
    CHECK(grants[0].at("correlation_id") == corr(v3));
    CHECK(grants[0].at("access_token_id").get<std::int64_t>() > 0);
    CHECK(grants[0].at("outcome").at("result") == "ok");
    CHECK(grants[1].at("kind") == "app_token");
    CHECK(grants[1].at("version") == "2026-03");
    CHECK(grants[1].at("access_token_id") != grants[0].at("access_token_id"));
    CHECK(grants[2].at("kind") == "refusal");
    CHECK(grants[2].at("version") == "2026-03");
    CHECK(grants[2].at("grant_type") == "client_credentials");
    CHECK(grants[2].at("outcome").at("status") == 400);
    CHECK(grants[2].at("outcome").at("hubspot_status") == refused.json().at("status"));
    CHECK(grants[3].at("kind") == "client_auth_failed");
    CHECK(grants[3].at("outcome").at("status") == 401);
    // No token in the journal: the issued token's text appears nowhere.
    const std::string token = v3.json().at("access_token");
    CHECK(events(server).dump().find(token) == std::string::npos);
    CHECK(events(server, "kind=app_token").size() == 2);
}

TEST_CASE("reset: POST /admin/v1/reset empties the journal and keeps the fault rules") {
    server_process server;
    server.start();
    const sandbox s = seed_sandbox(server);
    const token_pair tokens = authorize(server, s);
    const json rule = add_fault(server, {{"match", {{"grant_type", "refresh_token"}}},
                                         {"action", {{"kind", "server_error"}, {"status", 502}}}});
    REQUIRE(refresh_raw(server, s, tokens.refresh_token).status == 502);
    const json before = events(server);
    REQUIRE(before.size() >= 3);
    const std::uint64_t last_before = before.back().at("id");

    REQUIRE(server.admin("POST", "/admin/v1/reset").status == 200);
    CHECK(events(server).empty());
    CHECK(events(server, "kind=fault").empty());
    const json rules = list_faults(server);
    REQUIRE(rules.size() == 1);
    CHECK(rules[0].at("id") == rule.at("id"));
    CHECK(rules[0].at("fired") == 1);

    // New events go on after the old ids (a follower's cursor stays valid); the rule still fires.
    const sandbox again = seed_sandbox(server);
    const token_pair fresh = authorize(server, again);
    CHECK(refresh_raw(server, again, fresh.refresh_token).status == 502);
    const json after = events(server);
    REQUIRE(!after.empty());
    CHECK(after.front().at("id").get<std::uint64_t>() > last_before);
    for (const json& e : after) CHECK(e.value("client_id", "") != s.client_id);
    CHECK(events(server, "kind=fault").size() == 1);
}

TEST_CASE("sandboxes: a delay rule under a sandbox's prefix delays its answer as at the root") {
    server_process server;
    server.start();
    const sandbox_client box = create_sandbox(server);
    const world w = seed_world(box, "delay");
    const issued_tokens t = issue(box, w);
    REQUIRE(box.admin("POST", "/admin/v1/faults", delay_next_metadata(700)).status == 201);
    const auto started = std::chrono::steady_clock::now();
    const http_response delayed = box.get("/oauth/v1/access-tokens/" + url_encode(t.access_token));
    CHECK(std::chrono::steady_clock::now() - started >= std::chrono::milliseconds(700));
    REQUIRE(delayed.status == 200);
    CHECK(delayed.json().at("token") == t.access_token);
    CHECK(box.admin("GET", "/admin/v1/faults").json().at("results").at(0).at("fired") == 1);
}

TEST_CASE("sandboxes: a delayed answer holds its sandbox; a removal meanwhile waits for it, and the sandbox "
          "answers 503 until it is gone") {
    server_process server;
    server.start();
    const sandbox_client box = create_sandbox(server);
    const world w = seed_world(box, "held");
    const issued_tokens t = issue(box, w);
    REQUIRE(box.admin("POST", "/admin/v1/faults", delay_next_metadata(1500)).status == 201);
    const auto started = std::chrono::steady_clock::now();
    raw_connection delayed(server.port());
    delayed.send(raw_get(server, box.prefix + "/oauth/v1/access-tokens/" + url_encode(t.access_token)));
    // The request waits on its timer once the rule has fired for it.
    const auto reached_by = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (box.admin("GET", "/admin/v1/faults").json().at("results").at(0).at("fired") != 1 &&
           std::chrono::steady_clock::now() < reached_by) {
    }

    std::atomic<int> removal_status{0};
    std::atomic<std::int64_t> removal_ms{0};  // from `started` to the removal's answer
    std::thread removal([&] {
        removal_status = server.admin("DELETE", "/admin/v1/sandboxes/" + box.id).status;
        removal_ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started)
                         .count();
    });
    // The removal waits for the lease the delayed request holds; meanwhile the sandbox is busy.
    http_response busy;
    const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(1);
    do {
        busy = box.get("/oauth/v1/access-tokens/" + url_encode(t.access_token));
    } while (busy.status == 200 && std::chrono::steady_clock::now() < give_up);
    CHECK(busy.status == 503);
    CHECK(busy.header("Retry-After") == "1");

    const auto answer = delayed.read_response(std::chrono::seconds(10));
    removal.join();
    REQUIRE(answer);
    CHECK(answer->status == 200);
    CHECK(answer->json().at("token") == t.access_token);
    CHECK(removal_status == 204);
    CHECK(removal_ms >= 1500);
    CHECK(box.get("/oauth/v1/access-tokens/" + url_encode(t.access_token)).status == 404);
}

TEST_CASE("sandboxes: fault rules and the journal survive an idle close and reopening; deletion ends the sandbox") {
    server_process server({.extra_args = {"--sandbox-idle-close-s", "1"}});
    server.start();
    const sandbox_client box = create_sandbox(server);
    const world w = seed_world(box, "idle");
    const issued_tokens t = issue(box, w);
    REQUIRE(box.admin("POST", "/admin/v1/faults", {{"match", {{"grant_type", "refresh_token"}}},
                                                   {"action", {{"kind", "server_error"}, {"status", 502}}},
                                                   {"times", 1}})
                .status == 201);
    REQUIRE(refresh_with(box, w, t.refresh_token).status == 502);
    const json events_before = box.admin("GET", "/admin/v1/events?limit=1000").json().at("results");
    REQUIRE(events_before.size() >= 3);

    // Closed by the registry's sweep (every second) once idle for a second.
    const std::string info_path = "/admin/v1/sandboxes/" + box.id;
    const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(15);
    bool closed = false;
    while (!closed && std::chrono::steady_clock::now() < give_up) {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        const http_response info = server.admin("GET", info_path);
        REQUIRE(info.status == 200);
        closed = !info.json().at("open").get<bool>();
    }
    REQUIRE(closed);

    // The next request opens it again: the rule (spent, its counts kept) and every event are there.
    const json rules = box.admin("GET", "/admin/v1/faults").json().at("results");
    REQUIRE(rules.size() == 1);
    CHECK(rules[0].at("fired") == 1);
    CHECK(rules[0].at("spent") == true);
    CHECK(server.admin("GET", info_path).json().at("open") == true);
    const json events_after = box.admin("GET", "/admin/v1/events?limit=1000").json().at("results");
    CHECK(events_after == events_before);
    // The journal still knows whose tokens they are: the next refresh is the app's.
    REQUIRE(refresh_with(box, w, t.refresh_token).status == 200);
    const json refreshes = box.admin("GET", "/admin/v1/events?kind=refresh").json().at("results");
    REQUIRE(refreshes.size() == 1);
    CHECK(refreshes[0].at("client_id") == w.client_id);

    // Deleted, the sandbox and its controls are gone (the registry drops its kept rules and journal).
    REQUIRE(server.admin("DELETE", info_path).status == 204);
    CHECK(box.admin("GET", "/admin/v1/faults").status == 404);
    CHECK(box.admin("GET", "/admin/v1/events").status == 404);
}

}  // TEST_SUITE
