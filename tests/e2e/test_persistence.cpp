// What survives the server stopping, cleanly or by SIGKILL, and what the files it leaves behind
// (database, WAL, shared memory, pepper, log) give away: nothing usable.

#include <doctest/doctest.h>
#include <sys/stat.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "support/http_client.hpp"
#include "support/raw_connection.hpp"
#include "support/schema_validator.hpp"
#include "support/seed_helpers.hpp"
#include "support/server_process.hpp"

using namespace hsoauth::e2e;
using namespace std::chrono_literals;
using nlohmann::json;

namespace {

json results_of(const server_process& server, const std::string& collection) {
    return admin_expect(server, "GET", "/admin/v1/" + collection, nullptr, 200).at("results");
}

std::string lowercase(std::string text) {
    std::transform(text.begin(), text.end(), text.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return text;
}

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) out.push_back(line);
    return out;
}

// Checks that each secret is still answered as it was before the server went down.
struct survivor_state {
    admin_sandbox s;
    token_grant kept;        // stays valid
    token_grant revoked;     // revoked before the stop
    std::string used_code;   // exchanged before the stop
    std::string fresh_code;  // issued, not exchanged, before the stop
    json apps, hubs, users, installs;
};

survivor_state prepare(server_process& server) {
    survivor_state st;
    st.s = make_sandbox(server, "survivor", {{"access_token_ttl", 7200}});
    st.kept = issue_tokens(server, st.s);
    st.revoked = issue_tokens(server, st.s);
    const http_response revoke = http_request(
        server.port(), "DELETE", "/oauth/v1/refresh-tokens/" + url_encode(st.revoked.refresh_token));
    REQUIRE(revoke.status == 204);
    st.used_code = issue_code(server, st.s);
    (void)exchange_code(server.port(), st.s, st.used_code);
    st.fresh_code = issue_code(server, st.s);
    st.apps = results_of(server, "apps");
    st.hubs = results_of(server, "hubs");
    st.users = results_of(server, "users");
    st.installs = results_of(server, "installs");
    return st;
}

void check_survived(const server_process& server, const survivor_state& st) {
    const std::uint16_t port = server.port();
    const http_response access = get_access_token(port, st.kept.access_token);
    CHECK(access.status == 200);
    if (access.status == 200) {
        CHECK(access.json().at("hub_id") == st.s.hub_id);
        CHECK(access.json().at("user_id") == st.s.user_id);
    }
    CHECK(get_refresh_token(port, st.kept.refresh_token).status == 200);

    check_error(get_access_token(port, st.revoked.access_token), 401, "INVALID_TOKEN");
    CHECK(get_refresh_token(port, st.revoked.refresh_token).status == 401);
    check_error(refresh_raw(port, st.s.client_id, st.s.client_secret, st.revoked.refresh_token), 400,
                "BAD_REFRESH_TOKEN");

    CHECK(results_of(server, "apps") == st.apps);
    CHECK(results_of(server, "hubs") == st.hubs);
    CHECK(results_of(server, "users") == st.users);
    CHECK(results_of(server, "installs") == st.installs);

    // The client secret still authenticates.
    const http_response refreshed = refresh_raw(port, st.s.client_id, st.s.client_secret, st.kept.refresh_token);
    CHECK(refreshed.status == 200);
}

}  // namespace

TEST_CASE("tokens, revocations, codes and the registry survive a clean restart") {
    server_process server;
    server.start();
    const survivor_state st = prepare(server);
    const std::uint16_t old_port = server.port();

    server.restart();
    CHECK(server.port() != 0);
    INFO("old port " << old_port << ", new port " << server.port());
    check_survived(server, st);

    // A used code stays used (and replaying it revokes what it issued); an unused one still works.
    check_error(exchange_code_raw(server.port(), st.s, st.used_code), 400, "BAD_AUTH_CODE");
    const http_response fresh = exchange_code_raw(server.port(), st.s, st.fresh_code);
    CHECK(fresh.status == 200);
    if (fresh.status == 200) {
        check_error(exchange_code_raw(server.port(), st.s, st.fresh_code), 400, "BAD_AUTH_CODE");
    }
    CHECK(server.stop() == 0);
}

TEST_CASE("everything acknowledged survives SIGKILL") {
    server_process server;
    server.start();
    const survivor_state st = prepare(server);
    // Acknowledged just before the kill: a refresh, a revocation, a code exchange.
    const http_response refreshed =
        refresh_raw(server.port(), st.s.client_id, st.s.client_secret, st.kept.refresh_token);
    REQUIRE(refreshed.status == 200);
    const std::string refreshed_access = refreshed.json().at("access_token");
    const token_grant last = exchange_code(server.port(), st.s, st.fresh_code);
    const token_grant doomed = issue_tokens(server, st.s);
    REQUIRE(http_request(server.port(), "DELETE",
                         "/oauth/v1/refresh-tokens/" + url_encode(doomed.refresh_token))
                .status == 204);
    const json installs = results_of(server, "installs");

    server.kill9();
    CHECK(sqlite_query(server.db_path(), "PRAGMA integrity_check") == "ok");
    server.start();

    survivor_state after = st;
    after.installs = installs;
    check_survived(server, after);
    CHECK(get_access_token(server.port(), refreshed_access).status == 200);
    CHECK(get_access_token(server.port(), last.access_token).status == 200);
    CHECK(get_refresh_token(server.port(), last.refresh_token).status == 200);
    check_error(get_access_token(server.port(), doomed.access_token), 401, "INVALID_TOKEN");
    CHECK(get_refresh_token(server.port(), doomed.refresh_token).status == 401);
    check_error(exchange_code_raw(server.port(), st.s, st.used_code), 400, "BAD_AUTH_CODE");
    check_error(exchange_code_raw(server.port(), st.s, st.fresh_code), 400, "BAD_AUTH_CODE");
}

TEST_CASE("the admin_sandbox clock offset survives a restart") {
    server_process server;
    server.start();
    const admin_sandbox s = make_sandbox(server, "clock");
    const token_grant tokens = issue_tokens(server, s);
    REQUIRE(tokens.expires_in == 1800);
    const json moved = admin_expect(server, "POST", "/admin/v1/clock", {{"advance_seconds", 1000}}, 200);
    REQUIRE(moved.at("offset_seconds") == 1000);

    server.restart();
    const json clock = admin_expect(server, "GET", "/admin/v1/clock", nullptr, 200);
    CHECK(clock.at("offset_seconds") == 1000);
    CHECK(clock.at("now").get<std::int64_t>() >= moved.at("now").get<std::int64_t>());
    const http_response meta = get_access_token(server.port(), tokens.access_token);
    REQUIRE(meta.status == 200);
    const std::int64_t remaining = meta.json().at("expires_in");
    CHECK(remaining <= 800);
    CHECK(remaining >= 700);

    // Advancing again adds to the persisted offset, and expiry follows it.
    const json later = admin_expect(server, "POST", "/admin/v1/clock", {{"advance_seconds", 1000}}, 200);
    CHECK(later.at("offset_seconds") == 2000);
    check_error(get_access_token(server.port(), tokens.access_token), 401, "EXPIRED_AUTHENTICATION");
    server.kill9();
    server.start();
    CHECK(admin_expect(server, "GET", "/admin/v1/clock", nullptr, 200).at("offset_seconds") == 2000);
}

TEST_CASE("the database files hold no token, code or secret; the pepper file is private") {
    server_process server;
    server.start();
    const admin_sandbox generated = make_sandbox(server, "generated");
    const admin_sandbox chosen = make_sandbox(server, "chosen", {{"client_secret", "Chosen+Secret/Value=42 with spaces"}});
    REQUIRE(chosen.client_secret == "Chosen+Secret/Value=42 with spaces");
    const admin_sandbox rotating = make_sandbox(server, "rotating", {{"rotate_refresh_tokens", true}});

    std::vector<std::string> secrets = {generated.client_secret, chosen.client_secret,
                                        rotating.client_secret, server.admin_key()};
    const token_grant a = issue_tokens(server, generated);
    const token_grant b = issue_tokens(server, chosen);
    const token_grant c = issue_tokens(server, rotating);
    const http_response rotated =
        refresh_raw(server.port(), rotating.client_id, rotating.client_secret, c.refresh_token);
    REQUIRE(rotated.status == 200);
    const std::string unused_code = issue_code(server, generated);
    for (const auto& grant : {a, b, c}) {
        secrets.push_back(grant.access_token);
        secrets.push_back(grant.refresh_token);
    }
    secrets.push_back(rotated.json().at("access_token"));
    secrets.push_back(rotated.json().at("refresh_token"));
    secrets.push_back(unused_code);

    const auto scan = [&](const char* when) {
        INFO(std::string(when));
        for (const char* suffix : {"", "-wal", "-shm", "-journal"}) {
            const std::string path = server.db_path() + suffix;
            const std::string bytes = read_bytes(path);
            INFO("file " << path << " (" << bytes.size() << " bytes)");
            if (suffix[0] == '\0') CHECK(bytes.size() >= 4096);
            for (const auto& secret : secrets) {
                CHECK_MESSAGE(bytes.find(secret) == std::string::npos, "holds " << secret);
                CHECK_MESSAGE(bytes.find(url_encode(secret)) == std::string::npos, "holds encoded " << secret);
            }
        }
    };
    CHECK(std::filesystem::exists(server.db_path()));
    scan("while running");
    REQUIRE(server.stop() == 0);
    scan("after stop");

    const std::string pepper_path = server.db_path() + ".pepper";
    struct stat info {};
    REQUIRE(::stat(pepper_path.c_str(), &info) == 0);
    CHECK((info.st_mode & 07777) == 0600);
    CHECK(info.st_size >= 32);

    // The whole database, as text, has none of them either.
    const std::string dump = sqlite_query(server.db_path(), ".dump");
    CHECK(dump.find("CREATE TABLE") != std::string::npos);
    for (const auto& secret : secrets) {
        CHECK_MESSAGE(dump.find(secret) == std::string::npos, "dump holds " << secret);
    }
}

// One request the log tests made, and what its log line must show.
struct sent {
    std::string method;
    std::string logged_path;  // what the text log must show ("": any masked form)
    std::string route;        // what the JSON log must show
    int status;
    std::string correlation_id;
    std::string client_id;    // the JSON log's client_id ("" : none)
    std::int64_t hub_id = 0;  // the JSON log's hub_id (0: none)
};

struct logged_run {
    std::vector<sent> requests;
    std::vector<std::string> secrets;  // none may reach the log, raw or encoded
    std::size_t setup_requests = 3;    // POST hubs, users, apps
};

// Makes requests whose log lines must hold no secret: a code exchange, the metadata endpoints
// with real and unknown tokens, tokens in the query string and behind a doubled slash, a wrong
// client secret, a revocation and an app's secret presented as the admin key. Stops the server.
logged_run make_logged_requests(server_process& server) {
    logged_run run;
    const auto record = [&](std::string method, std::string logged_path, std::string route, const http_response& r,
                            std::string client_id = "", std::int64_t hub_id = 0) {
        run.requests.push_back({std::move(method), std::move(logged_path), std::move(route), r.status,
                                r.header("X-HubSpot-Correlation-Id"), std::move(client_id), hub_id});
        return r;
    };

    const admin_sandbox s = make_sandbox(server, "logged");

    const json code_body = {{"client_id", s.client_id}, {"hub_id", s.hub_id}, {"user_id", s.user_id},
                            {"redirect_uri", s.redirect_uri}, {"scopes", s.scopes}};
    const http_response code_r = record("POST", "/admin/v1/authorization-codes", "admin.codes.create",
                                        server.admin("POST", "/admin/v1/authorization-codes", code_body), s.client_id,
                                        s.hub_id);
    REQUIRE(code_r.status == 201);
    const std::string code = code_r.json().at("code");
    const http_response token_r =
        record("POST", "/oauth/v1/token", "token", exchange_code_raw(server.port(), s, code), s.client_id, s.hub_id);
    REQUIRE(token_r.status == 200);
    const std::string access = token_r.json().at("access_token");
    const std::string refresh = token_r.json().at("refresh_token");

    record("GET", "/oauth/v1/access-tokens/***", "access_token_metadata", get_access_token(server.port(), access),
           s.client_id, s.hub_id);
    record("GET", "/oauth/v1/refresh-tokens/***", "refresh_token_metadata", get_refresh_token(server.port(), refresh),
           s.client_id, s.hub_id);
    record("GET", "/oauth/v1/access-tokens/***", "access_token_metadata", get_access_token(server.port(), "not-a-token"));
    // A client's doubled slash must not put the token into the log either.
    record("GET", "/oauth/v1/access-tokens/***", "unmatched",
           http_request(server.port(), "GET", "/oauth/v1/access-tokens//" + url_encode(access)));
    run.requests.back().logged_path = "";  // any masked form will do; checked below
    record("GET", "/healthz", "healthz",
           http_request(server.port(), "GET", "/healthz?access_token=" + url_encode(access)));
    record("GET", "/no/such/path", "unmatched",
           http_request(server.port(), "GET", "/no/such/path?code=" + url_encode(code)));
    record("POST", "/oauth/v1/token", "token", refresh_raw(server.port(), s.client_id, s.client_secret + "x", refresh),
           s.client_id);
    record("DELETE", "/oauth/v1/refresh-tokens/***", "revoke_refresh_token",
           http_request(server.port(), "DELETE", "/oauth/v1/refresh-tokens/" + url_encode(refresh)));
    record("GET", "/admin/v1/apps", "admin.apps.list",
           http_request(server.port(), "GET", "/admin/v1/apps", {{"Authorization", "Bearer " + s.client_secret}}));
    REQUIRE(run.requests.back().status == 401);
    REQUIRE(server.stop() == 0);

    const std::string pepper = read_bytes(server.db_path() + ".pepper");
    REQUIRE_FALSE(pepper.empty());
    run.secrets = {access, refresh, code, s.client_secret, server.admin_key(), pepper};
    return run;
}

void check_no_secret(const std::string& log, const logged_run& run) {
    for (const std::string& secret : run.secrets) {
        CHECK_MESSAGE(log.find(secret) == std::string::npos, "log holds " << secret);
        CHECK_MESSAGE(log.find(url_encode(secret)) == std::string::npos, "log holds encoded " << secret);
    }
}

TEST_CASE("the request log: one line per request, correlation ids, no secrets") {
    server_process server;
    server.start();
    const logged_run run = make_logged_requests(server);
    const std::string log = server.log_text();
    INFO("server log:\n" << log);
    check_no_secret(log, run);

    // 2026-11-29T10:23:49Z GET /oauth/v1/access-tokens/*** 401 0.282ms corr=<uuid>
    const std::regex line_format(
        R"(^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ) ([A-Z]+) (\S+) (\d{3}) (\d+(\.\d+)?)ms corr=([0-9a-fA-F-]{36})$)");
    std::size_t request_lines = 0;
    std::vector<std::string> log_lines = lines_of(log);
    for (const auto& line : log_lines) {
        if (std::regex_match(line, line_format)) ++request_lines;
    }
    CHECK(request_lines == run.requests.size() + run.setup_requests);
    for (const auto& r : run.requests) {
        INFO(r.method << " " << r.logged_path << " " << r.status << " corr=" << r.correlation_id);
        CHECK(is_uuid_v4(r.correlation_id));
        std::size_t found = 0;
        for (const auto& line : log_lines) {
            std::smatch m;
            if (line.find("corr=" + r.correlation_id) == std::string::npos) continue;
            ++found;
            REQUIRE(std::regex_match(line, m, line_format));
            CHECK(m[2].str() == r.method);
            if (!r.logged_path.empty()) CHECK(m[3].str() == r.logged_path);
            CHECK(m[4].str() == std::to_string(r.status));
            CHECK(m[7].str() == r.correlation_id);
        }
        CHECK(found == 1);
    }
    // Start-up, the migrations of the new database and the stop are events of their own.
    const std::regex event_format(R"(^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z info (start|migration|drain|stop) .*$)");
    std::set<std::string> events;
    for (const auto& line : log_lines) {
        std::smatch m;
        if (std::regex_match(line, m, event_format)) events.insert(m[1].str());
    }
    CHECK(events == std::set<std::string>{"drain", "migration", "start", "stop"});
}

TEST_CASE("the JSON log: one object per line with route, status, duration, ids; no secrets") {
    server_process server({.extra_args = {"--log-format", "json"}});
    server.start();
    const logged_run run = make_logged_requests(server);
    const std::string log = server.log_text();
    INFO("server log:\n" << log);
    check_no_secret(log, run);

    std::vector<json> lines;
    for (const auto& line : lines_of(log)) {
        const json parsed = json::parse(line, nullptr, false);
        CHECK_MESSAGE(parsed.is_object(), "not a JSON object: " << line);
        if (!parsed.is_object()) continue;
        CHECK(parsed.at("time").get<std::string>().size() == 27);  // 2026-12-04T16:28:13.123456Z
        CHECK(parsed.at("level").is_string());
        lines.push_back(parsed);
    }
    std::size_t request_lines = 0;
    std::set<std::string> events;
    for (const auto& line : lines) {
        events.insert(line.at("event").get<std::string>());
        if (line.at("event") != "request") continue;
        ++request_lines;
        // The route's name, never a path holding a token.
        CHECK(line.at("route").is_string());
        CHECK(line.at("duration_us").is_number_integer());
        if (line.contains("path")) CHECK(line.at("route") == "unmatched");
    }
    CHECK(request_lines == run.requests.size() + run.setup_requests);
    CHECK(events == std::set<std::string>{"drain", "migration", "request", "start", "stop"});
    for (const auto& r : run.requests) {
        INFO(r.method << " " << r.route << " " << r.status << " corr=" << r.correlation_id);
        std::size_t found = 0;
        for (const auto& line : lines) {
            if (line.value("correlation_id", "") != r.correlation_id) continue;
            ++found;
            CHECK(line.at("level") == "info");
            CHECK(line.at("method") == r.method);
            CHECK(line.at("route") == r.route);
            CHECK(line.at("status") == r.status);
            if (r.client_id.empty()) {
                CHECK_FALSE(line.contains("client_id"));
            } else {
                CHECK(line.value("client_id", "") == r.client_id);
            }
            if (r.hub_id == 0) {
                CHECK_FALSE(line.contains("hub_id"));
            } else {
                CHECK(line.value("hub_id", std::int64_t{0}) == r.hub_id);
            }
            CHECK(line.contains("hubspot_status") == (r.status >= 400));
            if (r.route.rfind("token", 0) == 0 || r.route.find("_metadata") != std::string::npos) {
                CHECK(line.at("version") == "v1");
            }
        }
        CHECK(found == 1);
    }
}

TEST_CASE("a stored digest is not a token") {
    server_process server;
    server.start();
    const admin_sandbox s = make_sandbox(server, "digest");
    const token_grant tokens = issue_tokens(server, s);
    const std::string code = issue_code(server, s);

    const std::string access_hex = sqlite_query(server.db_path(), "select hex(token_digest) from access_tokens");
    const std::string refresh_hex = sqlite_query(server.db_path(), "select hex(token_digest) from refresh_tokens");
    const std::string code_hex = sqlite_query(
        server.db_path(), "select hex(code_digest) from authorization_codes where used_at is null");
    // One row each, a 32-byte digest.
    REQUIRE(access_hex.size() == 64);
    REQUIRE(refresh_hex.size() == 64);
    REQUIRE(code_hex.size() == 64);

    for (const std::string& hex : {access_hex, lowercase(access_hex), refresh_hex, lowercase(refresh_hex)}) {
        INFO("presented: " << hex);
        check_error(get_access_token(server.port(), hex), 401, "INVALID_TOKEN");
        CHECK(get_refresh_token(server.port(), hex).status == 401);
        check_error(refresh_raw(server.port(), s.client_id, s.client_secret, hex), 400, "BAD_REFRESH_TOKEN");
    }
    for (const std::string& hex : {code_hex, lowercase(code_hex)}) {
        check_error(exchange_code_raw(server.port(), s, hex), 400, "BAD_AUTH_CODE");
    }
    // The digest is keyed: it is not the plain SHA-256 of the token.
    const std::string token_file = server.dir() + "/token.txt";
    write_text(token_file, tokens.access_token);
    int exit_code = -1;
    const std::string sha = run_program({"/usr/bin/sha256sum", token_file}, &exit_code);
    REQUIRE(exit_code == 0);
    CHECK(lowercase(access_hex) != sha.substr(0, 64));

    // The real ones still work (the rows read were theirs).
    CHECK(get_access_token(server.port(), tokens.access_token).status == 200);
    CHECK(get_refresh_token(server.port(), tokens.refresh_token).status == 200);
    CHECK(exchange_code_raw(server.port(), s, code).status == 200);
}

TEST_CASE("SIGTERM stops the server with exit code 0") {
    server_process server;
    server.start();
    const admin_sandbox s = make_sandbox(server, "sigterm");
    (void)issue_tokens(server, s);
    CHECK(server.stop() == 0);
    CHECK_FALSE(server.running());

    SUBCASE("also with an idle keep-alive connection open") {
        server.start();
        raw_connection idle(server.port());
        idle.send("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
        const auto first = idle.read_response(5s);
        REQUIRE(first.has_value());
        CHECK(first->status == 200);
        const auto before = std::chrono::steady_clock::now();
        CHECK(server.stop() == 0);
        CHECK(std::chrono::steady_clock::now() - before < 5s);
    }
    SUBCASE("also after a restart") {
        server.start();
        CHECK(http_request(server.port(), "GET", "/healthz").status == 200);
        CHECK(server.stop() == 0);
    }
}

// ---- Sandboxes across restarts and SIGKILL (issue 15) ----

#include "support/sandbox_client.hpp"

TEST_CASE("sandboxes: catalogue, worlds, keys, clocks and snapshots survive a restart and a SIGKILL") {
    server_process server;
    server.start();
    sandbox_client a = create_sandbox(server, {{"name", "kept"}});
    const world w = seed_world(a, "kept");
    const issued_tokens t = issue(a, w);
    advance(a, 600);
    const http_response snapped = server.admin("POST", "/admin/v1/sandboxes/" + a.id + "/snapshots");
    REQUIRE(snapped.status == 201);
    const std::string snapshot_id = snapped.json().at("snapshot_id");
    const issued_tokens later = issue(a, w);

    server.restart();
    a.port = server.port();
    const json listed = server.admin("GET", "/admin/v1/sandboxes").json().at("results");
    REQUIRE(listed.size() == 1);
    CHECK(listed[0].at("name") == "kept");
    CHECK(listed[0].at("snapshots") == json::array({snapshot_id}));
    CHECK(a.get("/oauth/v1/access-tokens/" + t.access_token).status == 200);
    CHECK(a.get("/oauth/v1/access-tokens/" + later.access_token).status == 200);
    CHECK(clock_offset(a) == 600);  // its own key still works
    CHECK(clock_offset(root_sandbox(server)) == 0);

    // Every acknowledged write of the sandbox survives SIGKILL.
    REQUIRE(a.del("/oauth/v1/refresh-tokens/" + t.refresh_token).status == 204);
    const issued_tokens last = issue(a, w);
    server.kill9();
    server.start();
    a.port = server.port();
    CHECK(a.get("/oauth/v1/access-tokens/" + last.access_token).status == 200);
    CHECK(a.get("/oauth/v1/access-tokens/" + t.access_token).status == 401);
    CHECK(sqlite_query(server.db_path() + ".sandboxes/" + a.id + ".db", "PRAGMA integrity_check") == "ok");

    // The snapshot taken before the restarts still restores.
    REQUIRE(server.admin("POST", "/admin/v1/sandboxes/" + a.id + "/restore", json{{"snapshot_id", snapshot_id}})
                .status == 200);
    CHECK(a.get("/oauth/v1/access-tokens/" + t.access_token).status == 200);
    CHECK(a.get("/oauth/v1/access-tokens/" + later.access_token).status == 401);
    CHECK(clock_offset(a) == 600);
}
