// The HTTP server under abuse, driven over raw sockets against the real binary: size limits,
// request-smuggling framing, raw header bytes, slow and idle clients, connection and pipelining
// caps, malformed input of every kind, service to a well-behaved client while others send
// garbage, and the failed-authentication throttle.
//
// A refused request must get its HubSpot error body and then a closed connection, and no bytes
// that followed it (in its body or after its header) may be read as a second request.

#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "support/fixtures.hpp"
#include "support/http_client.hpp"
#include "support/raw_connection.hpp"
#include "support/server_process.hpp"

using namespace hsoauth::e2e;
using namespace std::chrono_literals;
using steady = std::chrono::steady_clock;

namespace {

// A complete, harmless request; when it is answered, the server read it as a request.
constexpr std::string_view follow_up = "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n";

std::int64_t ms_since(steady::time_point start) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(steady::now() - start).count();
}

// Reports a failed check at the caller's line.
void fail_at(const std::source_location& where, const std::string& message) {
    ADD_FAIL_CHECK_AT(where.file_name(), static_cast<int>(where.line()), message);
}

// Sends `bytes` (plus `follow_up`) on a fresh connection, keeping the write side open, and checks
// that exactly one response arrives, that it is the error `http_status`/`hubspot_status` with
// Connection: close, and that the server then closes the connection.
void check_refused_and_closed(std::uint16_t port, std::string bytes, int http_status,
                              std::string_view hubspot_status,
                              std::source_location where = std::source_location::current()) {
    raw_connection c(port);
    bytes += follow_up;
    (void)c.try_send(bytes);  // the server may close before it has read everything
    const auto r = c.read_response(5s);
    if (!r) {
        fail_at(where, "no response at all");
        return;
    }
    check_error(*r, http_status, hubspot_status, {}, where);
    if (!iequals(r->header("Connection"), "close")) {
        fail_at(where, "response lacks Connection: close, has \"" + r->header("Connection") + "\"");
    }
    if (!c.closed_by_peer(2s)) {
        fail_at(where, "the server kept the connection open after refusing the request");
        return;
    }
    const auto extra = c.read_response(100ms);
    if (extra) {
        fail_at(where, "a second response (" + std::to_string(extra->status) +
                              ") came back: bytes after the refused request were read as a request");
    }
}

// Any 4xx with the HubSpot error body (status string not checked).
void check_client_error(const http_response& r, std::string_view what,
                        std::source_location where = std::source_location::current()) {
    INFO(what);
    if (r.status < 400 || r.status > 499) {
        fail_at(where, std::string(what) + ": status " + std::to_string(r.status) + ", expected a 4xx; body " +
                              r.body.substr(0, 300));
        return;
    }
    for (const auto& issue : error_issues(r, r.status, "")) {
        fail_at(where, std::string(what) + ": " + issue);
    }
}

std::string post_head(std::string_view target, std::string_view extra_headers, std::size_t content_length) {
    return "POST " + std::string(target) + " HTTP/1.1\r\nHost: x\r\n" + std::string(extra_headers) +
           "Content-Length: " + std::to_string(content_length) + "\r\n\r\n";
}

std::string form_post(std::string_view body) {
    return post_head("/oauth/v1/token", "Content-Type: application/x-www-form-urlencoded\r\n", body.size()) +
           std::string(body);
}

std::string healthz_keep_alive() { return "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"; }

}  // namespace

TEST_SUITE("abuse") {

// ---- Size limits ----

TEST_CASE("a body over 16 KiB gets 413 and the connection is closed; its bytes are never a request") {
    const auto port = shared_server().port();
    // The body is a run of complete requests: none of them may be answered.
    std::string body;
    while (body.size() <= 16384) body += follow_up;
    check_refused_and_closed(port, form_post(body), 413, "PAYLOAD_TOO_LARGE");
}

TEST_CASE("a chunked body over 16 KiB gets 413 and the connection is closed") {
    const auto port = shared_server().port();
    std::string bytes =
        "POST /oauth/v1/token HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n"
        "Transfer-Encoding: chunked\r\n\r\n";
    const std::string chunk(4096, 'a');
    for (int i = 0; i < 5; ++i) bytes += "1000\r\n" + chunk + "\r\n";  // 5 x 4 KiB = 20 KiB
    bytes += "0\r\n\r\n";
    check_refused_and_closed(port, bytes, 413, "PAYLOAD_TOO_LARGE");
}

TEST_CASE("a body of exactly 16 KiB is read and answered as a request") {
    const auto port = shared_server().port();
    std::string body = "grant_type=none&pad=";
    body += std::string(16384 - body.size(), 'a');
    REQUIRE(body.size() == 16384);
    raw_connection c(port);
    c.send(form_post(body) + healthz_keep_alive());
    const auto r = c.read_response(5s);
    REQUIRE(r);
    check_error(*r, 400, "BAD_GRANT_TYPE");
    const auto next = c.read_response(5s);  // the connection stays usable
    REQUIRE(next);
    CHECK(next->status == 200);
}

TEST_CASE("a header block over 8 KiB gets 431 and the connection is closed") {
    const auto port = shared_server().port();
    const std::string bytes = "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Pad: " + std::string(9000, 'p') + "\r\n\r\n";
    check_refused_and_closed(port, bytes, 431, "HEADERS_TOO_LARGE");
}

TEST_CASE("many small headers adding up to more than 8 KiB get 431") {
    const auto port = shared_server().port();
    std::string bytes = "GET /healthz HTTP/1.1\r\nHost: x\r\n";
    for (int i = 0; i < 200; ++i) bytes += "X-Pad-" + std::to_string(i) + ": " + std::string(40, 'p') + "\r\n";
    bytes += "\r\n";
    check_refused_and_closed(port, bytes, 431, "HEADERS_TOO_LARGE");
}

TEST_CASE("a header block under 8 KiB is served") {
    const auto port = shared_server().port();
    raw_connection c(port);
    c.send("GET /healthz HTTP/1.1\r\nHost: x\r\nX-Pad: " + std::string(7000, 'p') + "\r\n\r\n");
    const auto r = c.read_response(5s);
    REQUIRE(r);
    CHECK(r->status == 200);
}

// ---- Request smuggling: framing ----

TEST_CASE("Transfer-Encoding: gzip gets 400 and the connection is closed") {
    const auto port = shared_server().port();
    check_refused_and_closed(port,
                             "POST /oauth/v1/token HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n",
                             400, "BAD_REQUEST");
}

TEST_CASE("Transfer-Encoding: chunked, gzip gets 400 and the connection is closed") {
    const auto port = shared_server().port();
    check_refused_and_closed(
        port, "POST /oauth/v1/token HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked, gzip\r\n\r\n0\r\n\r\n",
        400, "BAD_REQUEST");
}

TEST_CASE("Transfer-Encoding: gzip, chunked gets 400 and the connection is closed") {
    const auto port = shared_server().port();
    check_refused_and_closed(
        port, "POST /oauth/v1/token HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n",
        400, "BAD_REQUEST");
}

TEST_CASE("two Transfer-Encoding: chunked headers get 400 and the connection is closed") {
    const auto port = shared_server().port();
    check_refused_and_closed(port,
                             "POST /oauth/v1/token HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
                             "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
                             400, "BAD_REQUEST");
}

TEST_CASE("Transfer-Encoding: CHUNKED (any case) is accepted as chunked") {
    const auto port = shared_server().port();
    raw_connection c(port);
    const std::string body = "grant_type=none";
    c.send("POST /oauth/v1/token HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n"
           "Transfer-Encoding: CHUNKED\r\n\r\nf\r\n" +
           body + "\r\n0\r\n\r\n" + healthz_keep_alive());
    const auto r = c.read_response(5s);
    REQUIRE(r);
    check_error(*r, 400, "BAD_GRANT_TYPE");
    const auto next = c.read_response(5s);
    REQUIRE(next);
    CHECK(next->status == 200);
}

TEST_CASE("Transfer-Encoding together with Content-Length gets 400 and the connection is closed") {
    const auto port = shared_server().port();
    // CL.TE: a front end honouring Content-Length would pass "0\r\n\r\nGET /healthz..." on as body.
    check_refused_and_closed(port,
                             "POST /oauth/v1/token HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n"
                             "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
                             400, "BAD_REQUEST");
    // TE before CL.
    check_refused_and_closed(port,
                             "POST /oauth/v1/token HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
                             "Content-Length: 5\r\n\r\n0\r\n\r\n",
                             400, "BAD_REQUEST");
}

TEST_CASE("two different Content-Lengths get 400 and the connection is closed") {
    const auto port = shared_server().port();
    check_refused_and_closed(port,
                             "POST /oauth/v1/token HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n"
                             "Content-Length: 6\r\n\r\nabcdef",
                             400, "BAD_REQUEST");
}

TEST_CASE("two equal Content-Length headers get 400 and the connection is closed") {
    const auto port = shared_server().port();
    check_refused_and_closed(port,
                             "POST /oauth/v1/token HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n"
                             "Content-Length: 5\r\n\r\nabcde",
                             400, "BAD_REQUEST");
}

TEST_CASE("a Content-Length list gets 400 and the connection is closed") {
    const auto port = shared_server().port();
    check_refused_and_closed(port,
                             "POST /oauth/v1/token HTTP/1.1\r\nHost: x\r\nContent-Length: 5, 6\r\n\r\nabcdef",
                             400, "BAD_REQUEST");
}

TEST_CASE("a Content-Length body holding a whole second request yields exactly one response") {
    const auto port = shared_server().port();
    const std::string smuggled = "GET /admin/v1/apps HTTP/1.1\r\nHost: x\r\n\r\n";
    raw_connection c(port);
    c.send(form_post(smuggled));
    const auto r = c.read_response(5s);
    REQUIRE(r);
    // The body is a (malformed) form: control characters.
    check_error(*r, 400, "BAD_REQUEST");
    // Nothing else comes back, although the connection stays open for the next request.
    CHECK_FALSE(c.read_response(500ms));
    c.send(healthz_keep_alive());
    const auto next = c.read_response(5s);
    REQUIRE(next);
    CHECK(next->status == 200);
    c.shutdown_write();
    CHECK(c.closed_by_peer(2s));
    CHECK_FALSE(c.read_response(100ms));
}

// ---- Raw header bytes ----

TEST_CASE("obsolete line folding gets 400 and the connection is closed") {
    const auto port = shared_server().port();
    check_refused_and_closed(port, "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Folded: a\r\n b\r\n\r\n", 400,
                             "BAD_REQUEST");
    check_refused_and_closed(port, "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Folded: a\r\n\tb\r\n\r\n", 400,
                             "BAD_REQUEST");
}

TEST_CASE("a bare LF line ending gets 400 and the connection is closed") {
    const auto port = shared_server().port();
    check_refused_and_closed(port, "GET /healthz HTTP/1.1\r\nHost: x\nX-A: b\r\n\r\n", 400, "BAD_REQUEST");
    check_refused_and_closed(port, "GET /healthz HTTP/1.1\nHost: x\n\n", 400, "BAD_REQUEST");
}

TEST_CASE("a bare CR in the header gets 400 and the connection is closed") {
    const auto port = shared_server().port();
    check_refused_and_closed(port, "GET /healthz HTTP/1.1\r\nHost: x\rX-A: b\r\n\r\n", 400, "BAD_REQUEST");
}

TEST_CASE("a NUL byte in the header gets 400 and the connection is closed") {
    const auto port = shared_server().port();
    std::string bytes = "GET /healthz HTTP/1.1\r\nHost: x\r\nX-A: a";
    bytes += '\0';
    bytes += "b\r\n\r\n";
    check_refused_and_closed(port, bytes, 400, "BAD_REQUEST");
    std::string in_name = "GET /healthz HTTP/1.1\r\nHost: x\r\nX-";
    in_name += '\0';
    in_name += "A: b\r\n\r\n";
    check_refused_and_closed(port, in_name, 400, "BAD_REQUEST");
}

// ---- Slow, idle and too many clients ----

TEST_CASE("slowloris: a header sent byte by byte is cut off at --header-timeout-ms") {
    server_process server({.extra_args = {"--header-timeout-ms", "1000"}});
    server.start();
    raw_connection c(server.port());
    const auto start = steady::now();
    const std::string header = "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: " + std::string(4000, 's');
    bool closed = false;
    for (std::size_t i = 0; i < header.size() && ms_since(start) < 4000; ++i) {
        if (!c.try_send(header.substr(i, 1)) || c.closed_by_peer(20ms)) {
            closed = true;
            break;
        }
    }
    const auto elapsed = ms_since(start);
    INFO("closed after " << elapsed << " ms");
    REQUIRE(closed);
    CHECK(elapsed >= 900);
    CHECK(elapsed <= 1500);
    // The server is fine afterwards.
    CHECK(http_request(server.port(), "GET", "/healthz").status == 200);
}

TEST_CASE("an idle keep-alive connection is closed after --idle-timeout-ms") {
    server_process server({.extra_args = {"--idle-timeout-ms", "500"}});
    server.start();
    raw_connection c(server.port());
    c.send(healthz_keep_alive());
    const auto r = c.read_response(5s);
    REQUIRE(r);
    CHECK(r->status == 200);
    const auto idle_from = steady::now();
    REQUIRE(c.closed_by_peer(3s));
    const auto elapsed = ms_since(idle_from);
    INFO("closed after " << elapsed << " ms idle");
    CHECK(elapsed >= 400);
    CHECK(elapsed <= 1000);
    CHECK_FALSE(c.read_response(100ms));
}

TEST_CASE("--max-connections 5: a 6th connection is closed at once while the 5 keep working") {
    server_process server({.extra_args = {"--max-connections", "5"}});
    server.start();
    std::vector<raw_connection> held;
    for (int i = 0; i < 5; ++i) {
        held.emplace_back(server.port());
        // One exchange each, so the server has surely accepted and counted it.
        held.back().send(healthz_keep_alive());
        const auto r = held.back().read_response(5s);
        REQUIRE(r);
        REQUIRE(r->status == 200);
    }
    {
        raw_connection sixth(server.port());
        const auto start = steady::now();
        (void)sixth.try_send(healthz_keep_alive());
        CHECK(sixth.closed_by_peer(1s));
        INFO("6th closed after " << ms_since(start) << " ms");
        CHECK(ms_since(start) < 500);
        CHECK_FALSE(sixth.read_response(100ms));  // and it was not served
    }
    for (auto& c : held) {
        c.send(healthz_keep_alive());
        const auto r = c.read_response(5s);
        REQUIRE(r);
        CHECK(r->status == 200);
    }
    // Closing one frees its place (the server notices asynchronously: bounded retry).
    held.pop_back();
    bool served = false;
    for (const auto start = steady::now(); !served && ms_since(start) < 3000;) {
        raw_connection again(server.port());
        again.send(healthz_keep_alive());
        const auto r = again.read_response(1s);
        served = r && r->status == 200;
        if (!served) std::this_thread::sleep_for(20ms);
    }
    CHECK(served);
}

// ---- Pipelining ----

TEST_CASE("three pipelined requests get three responses in order") {
    const auto port = shared_server().port();
    raw_connection c(port);
    c.send(healthz_keep_alive() + "GET /no/such/path HTTP/1.1\r\nHost: x\r\n\r\n" + form_post("grant_type=x"));
    const auto first = c.read_response(5s);
    const auto second = c.read_response(5s);
    const auto third = c.read_response(5s);
    REQUIRE(first);
    REQUIRE(second);
    REQUIRE(third);
    CHECK(first->status == 200);
    CHECK(first->json() == nlohmann::json{{"status", "ok"}});
    check_error(*second, 404, "NOT_FOUND");
    check_error(*third, 400, "BAD_GRANT_TYPE");
    CHECK_FALSE(c.read_response(300ms));
}

TEST_CASE("--max-requests-per-connection 3 closes the connection after the third response") {
    server_process server({.extra_args = {"--max-requests-per-connection", "3"}});
    server.start();
    raw_connection c(server.port());
    std::string four;
    for (int i = 0; i < 4; ++i) four += healthz_keep_alive();
    c.send(four);
    for (int i = 0; i < 3; ++i) {
        const auto r = c.read_response(5s);
        REQUIRE(r);
        CHECK(r->status == 200);
        if (i == 2) CHECK(iequals(r->header("Connection"), "close"));
    }
    CHECK(c.closed_by_peer(2s));
    CHECK_FALSE(c.read_response(100ms));
}

// ---- Malformed input: a 4xx with the error body, never a 5xx or a hang ----

TEST_CASE("malformed forms get 400 BAD_REQUEST") {
    auto& server = shared_server();
    const auto s = seed_sandbox(server);
    const std::string good = "client_id=" + url_encode(s.client_id) + "&client_secret=" + url_encode(s.client_secret) +
                             "&redirect_uri=" + url_encode(s.redirect_uri) + "&grant_type=authorization_code";
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"bad percent-encoding", good + "&code=%zz"},
        {"truncated percent-encoding", good + "&code=ab%4"},
        {"percent at the end", good + "&code=ab%"},
        {"invalid UTF-8 (encoded)", good + "&code=%C3%28"},
        {"invalid UTF-8 (raw)", good + "&code=a\xff\xfe"},
        {"overlong UTF-8", good + "&code=%C0%AF"},
        {"UTF-16 surrogate", good + "&code=%ED%A0%80"},
        {"encoded NUL", good + "&code=a%00b"},
        {"raw NUL", good + "&code=a" + std::string(1, '\0') + "b"},
        {"encoded control character", good + "&code=a%0Ab"},
        {"repeated parameter", good + "&code=a&code=b"},
        {"repeated grant_type", "grant_type=refresh_token&" + good + "&code=a"},
        {"empty field name", good + "&=x&code=a"},
    };
    for (const auto& [what, body] : cases) {
        const auto r = post_token_raw(server, body);
        INFO(what);
        check_error(r, 400, "BAD_REQUEST");
    }
}

TEST_CASE("a 10 KB parameter value within the body limit gets an ordinary 4xx") {
    auto& server = shared_server();
    const auto s = seed_sandbox(server);
    const auto base = code_grant_fields(s, "no-such-code");
    auto long_code = base;
    set_field(long_code, "code", std::string(10'000, 'C'));
    check_error(post_token(server, long_code), 400, "BAD_AUTH_CODE");
    auto long_redirect = base;
    set_field(long_redirect, "redirect_uri", "https://x.example/" + std::string(10'000, 'r'));
    check_error(post_token(server, long_redirect), 400, "BAD_AUTH_CODE");
    auto long_secret = base;
    set_field(long_secret, "client_secret", std::string(10'000, 's'));
    check_error(post_token(server, long_secret), 401, "BAD_CLIENT_SECRET");
    auto long_client = base;
    set_field(long_client, "client_id", std::string(10'000, 'i'));
    check_error(post_token(server, long_client), 401, "BAD_CLIENT_ID");
    auto long_verifier = base;
    set_field(long_verifier, "code_verifier", std::string(10'000, 'v'));
    check_error(post_token(server, long_verifier), 400, "BAD_AUTH_CODE");
    const auto r = get_access(server, std::string(7'000, 'C'));
    check_error(r, 401, "INVALID_TOKEN");
}

TEST_CASE("absurd methods, targets and paths get a 4xx with the error body") {
    const auto port = shared_server().port();
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"unknown method BREW", "BREW /healthz HTTP/1.1\r\nHost: x\r\n\r\n"},
        {"unknown method on an unknown path", "BREW /coffee HTTP/1.1\r\nHost: x\r\n\r\n"},
        {"dot segments", "GET /../../etc/passwd HTTP/1.1\r\nHost: x\r\n\r\n"},
        {"encoded dot segments", "GET /%2e%2e/%2e%2e/etc/passwd HTTP/1.1\r\nHost: x\r\n\r\n"},
        {"double slash", "GET // HTTP/1.1\r\nHost: x\r\n\r\n"},
        {"double slash in a known path", "GET //healthz HTTP/1.1\r\nHost: x\r\n\r\n"},
        {"4 KB path", "GET /" + std::string(4096, 'a') + " HTTP/1.1\r\nHost: x\r\n\r\n"},
        {"4 KB token segment", "GET /oauth/v1/access-tokens/" + std::string(4096, 'a') + " HTTP/1.1\r\nHost: x\r\n\r\n"},
        {"%00 in the path", "GET /healthz%00 HTTP/1.1\r\nHost: x\r\n\r\n"},
        {"%00 in a token segment", "GET /oauth/v1/access-tokens/abc%00def HTTP/1.1\r\nHost: x\r\n\r\n"},
        {"bad percent-encoding in a token segment", "GET /oauth/v1/access-tokens/%zz HTTP/1.1\r\nHost: x\r\n\r\n"},
        {"invalid UTF-8 in a token segment", "GET /oauth/v1/refresh-tokens/%ff%fe HTTP/1.1\r\nHost: x\r\n\r\n"},
        {"bad percent-encoding on DELETE", "DELETE /oauth/v1/refresh-tokens/%g1 HTTP/1.1\r\nHost: x\r\n\r\n"},
        {"asterisk target", "GET * HTTP/1.1\r\nHost: x\r\n\r\n"},
        {"absolute-form target", "GET http://evil.example/healthz HTTP/1.1\r\nHost: x\r\n\r\n"},
        {"empty token segment", "GET /oauth/v1/access-tokens/ HTTP/1.1\r\nHost: x\r\n\r\n"},
        {"query only", "GET /?a=%zz HTTP/1.1\r\nHost: x\r\n\r\n"},
        {"admin path without key and bad encoding", "GET /admin/v1/apps/%zz HTTP/1.1\r\nHost: x\r\n\r\n"},
        {"token endpoint GET", "GET /oauth/v1/token HTTP/1.1\r\nHost: x\r\n\r\n"},
        {"token endpoint JSON", post_head("/oauth/v1/token", "Content-Type: application/json\r\n", 2) + "{}"},
    };
    for (const auto& [what, bytes] : cases) {
        raw_connection c(port);
        c.send(bytes);
        std::optional<http_response> r;
        try {
            r = c.read_response(5s);
        } catch (const std::exception& e) {
            FAIL_CHECK(what << ": " << e.what());
            continue;
        }
        if (!r) {
            FAIL_CHECK(what << ": no response (closed or hung)");
            continue;
        }
        check_client_error(*r, what);
    }
}

TEST_CASE("malformed JSON to the admin API gets 400, however deep or odd") {
    auto& server = shared_server();
    const header_list auth = {{"Authorization", "Bearer " + server.admin_key()},
                              {"Content-Type", "application/json"}};
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"not JSON", "{nope"},
        {"nested 8000 deep", std::string(8000, '[') + std::string(8000, ']')},
        {"unterminated nesting", std::string(15000, '{')},
        {"invalid UTF-8 in a string", "{\"name\":\"a\xff\"}"},
        {"NUL in the body", std::string("{\"name\":\"a") + '\0' + "\"}"},
        {"huge number", "{\"hub_id\":1" + std::string(400, '0') + ",\"hub_domain\":\"x.example\"}"},
        {"array body", "[]"},
    };
    for (const auto& [what, body] : cases) {
        const auto r = http_request(server.port(), "POST", "/admin/v1/hubs", auth, body);
        check_client_error(r, what);
    }
    CHECK(http_request(server.port(), "GET", "/healthz").status == 200);
}

// ---- Service under garbage ----

TEST_CASE("a well-behaved client keeps fast /healthz answers while 20 threads send garbage") {
    server_process server;
    server.start();
    const auto port = server.port();

    const std::vector<std::string> garbage = {
        std::string("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", 11),  // a TLS ClientHello start
        "GET / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n",
        "POST /oauth/v1/token HTTP/1.1\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd",
        "GET /healthz HTTP/1.1\r\nX-Pad: " + std::string(9000, 'p') + "\r\n\r\n",
        form_post(std::string(17000, 'a')),
        form_post("grant_type=authorization_code&code=%zz&code=%C3%28"),
        "BREW /pot HTTP/1.1\r\nHost: x\r\n\r\nBREW /pot HTTP/1.1\r\nHost: x\r\n\r\n",
        "GET /" + std::string(3000, '.') + " HTTP/1.1\r\n\r\n",
        "GET /healthz HTTP/1.1\r\nHost: x\r\nX: a\r\n b\r\n\r\n",
        std::string("GET /\0 HTTP/1.1\r\n\r\n", 20),
        "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Partial: never ends",
        "\r\n\r\n\r\n\r\n",
        "GET /healthz HTTP/9.9\r\n\r\n",
        "POST /admin/v1/seed HTTP/1.1\r\nAuthorization: Bearer nope\r\nContent-Length: 2\r\n\r\n{}",
    };
    std::atomic<bool> stop{false};
    std::atomic<int> sent{0};
    std::atomic<int> server_errors{0};
    std::atomic<int> hangs{0};
    std::mutex notes_mutex;
    std::vector<std::string> notes;
    std::vector<std::thread> attackers;
    for (int t = 0; t < 20; ++t) {
        attackers.emplace_back([&, t] {
            std::mt19937 random(static_cast<unsigned>(t) * 7919U + 1U);
            while (!stop.load()) {
                std::string bytes;
                if (random() % 4 == 0) {
                    bytes.resize(50 + random() % 2000);
                    for (auto& ch : bytes) ch = static_cast<char>(random() & 0xff);
                } else {
                    bytes = garbage[random() % garbage.size()];
                }
                try {
                    raw_connection c(port);
                    (void)c.try_send(bytes);
                    c.shutdown_write();
                    ++sent;
                    while (auto r = c.read_response(5s)) {
                        if (r->status >= 500) {
                            ++server_errors;
                            const std::lock_guard lock(notes_mutex);
                            notes.push_back(std::to_string(r->status) + " for " + bytes.substr(0, 80));
                        }
                    }
                    if (!c.closed_by_peer(5s)) ++hangs;
                } catch (const std::exception& e) {
                    // A reset while sending or a response cut short by a reset is fine; a
                    // response that never completes is a hang.
                    if (std::string_view(e.what()).find("incomplete after") != std::string_view::npos) ++hangs;
                }
            }
        });
    }

    std::this_thread::sleep_for(200ms);  // let the garbage get going
    std::vector<double> latencies_ms;
    int failures = 0;
    std::string first_failure;
    for (int i = 0; i < 200; ++i) {
        const auto start = steady::now();
        try {
            const auto r = http_request(port, "GET", "/healthz");
            if (r.status != 200) {
                ++failures;
                if (first_failure.empty()) first_failure = std::to_string(r.status) + " " + r.body;
            }
        } catch (const std::exception& e) {
            ++failures;
            if (first_failure.empty()) first_failure = e.what();
        }
        latencies_ms.push_back(
            std::chrono::duration<double, std::milli>(steady::now() - start).count());
    }
    stop = true;
    for (auto& t : attackers) t.join();

    std::sort(latencies_ms.begin(), latencies_ms.end());
    const double p50 = latencies_ms[latencies_ms.size() / 2];
    const double p99 = latencies_ms[latencies_ms.size() * 99 / 100 - 1];
    MESSAGE("healthz under garbage: p50 " << p50 << " ms, p99 " << p99 << " ms, max " << latencies_ms.back()
                                          << " ms; garbage requests sent: " << sent.load());
    INFO("first failure: " << first_failure);
    CHECK(failures == 0);
    CHECK(p99 < 50.0);
    CHECK(sent.load() >= 200);
    INFO("first 5xx: " << (notes.empty() ? std::string("-") : notes.front()));
    CHECK(server_errors.load() == 0);
    CHECK(hangs.load() == 0);
    CHECK(server.running());
}

// ---- Failed-authentication throttle ----

TEST_CASE("after --auth-failure-limit failures a client_id gets 429 with Retry-After; others are unaffected") {
    server_process server({.extra_args = {"--auth-failure-limit", "5", "--auth-failure-window-s", "60"}});
    server.start();
    const auto victim = seed_sandbox(server);
    const auto bystander = seed_sandbox(server);

    auto wrong = code_grant_fields(victim, "no-such-code");
    set_field(wrong, "client_secret", victim.client_secret + "x");
    for (int i = 0; i < 5; ++i) {
        INFO("failure " << i + 1);
        check_error(post_token(server, wrong), 401, "BAD_CLIENT_SECRET");
    }
    // Now even the right secret is throttled for this client_id.
    const auto right = code_grant_fields(victim, "no-such-code");
    const auto throttled = post_token(server, right);
    check_error(throttled, 429, "TOO_MANY_REQUESTS");
    const auto retry_after = throttled.header("Retry-After");
    INFO("Retry-After: " << retry_after);
    REQUIRE_FALSE(retry_after.empty());
    const int seconds = std::stoi(retry_after);
    CHECK(seconds >= 1);
    CHECK(seconds <= 60);
    check_error(post_token(server, wrong), 429, "TOO_MANY_REQUESTS");

    // Another client_id: its own failures and successes are answered as usual.
    check_error(post_token(server, code_grant_fields(bystander, "no-such-code")), 400, "BAD_AUTH_CODE");
    auto bystander_wrong = code_grant_fields(bystander, "no-such-code");
    set_field(bystander_wrong, "client_secret", "wrong");
    check_error(post_token(server, bystander_wrong), 401, "BAD_CLIENT_SECRET");
    const auto tokens = exchange(server, bystander, mint_code(server, bystander).code);
    CHECK(get_access(server, tokens.access_token).status == 200);

    // The window is on the sandbox clock: once it has passed, the client is heard again.
    advance_clock(server, 61);
    check_error(post_token(server, right), 400, "BAD_AUTH_CODE");
}

}  // TEST_SUITE("abuse")
