// The HTTP server under abuse, driven over raw sockets against the real binary: size limits,
// request-smuggling framing, raw header bytes, slow and idle clients, connection and pipelining
// caps, malformed input of every kind, service to a well-behaved client while others send
// garbage, and the failed-authentication throttle; the HTTP edges (Host and DNS rebinding,
// Expect: 100-continue, HTTP/1.0 keep-alive, the log of hostile request lines); and HTTPS: the
// protocol versions and ciphers, the handshake timeout, the same hardening over TLS, and HTTP
// and HTTPS served by one process.
//
// A refused request must get its HubSpot error body and then a closed connection, and no bytes
// that followed it (in its body or after its header) may be read as a second request.

#include <doctest/doctest.h>
#include <stdlib.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
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
#include "support/socket_io.hpp"
#include "support/tls_client.hpp"

using namespace hsoauth::e2e;
using namespace std::chrono_literals;
using steady = std::chrono::steady_clock;

namespace {

// A complete, harmless request; when it is answered, the server read it as a request.
constexpr std::string_view follow_up = "GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n";

std::int64_t ms_since(steady::time_point start) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(steady::now() - start).count();
}

// Reports a failed check at the caller's line.
void fail_at(const std::source_location& where, const std::string& message) {
    ADD_FAIL_CHECK_AT(where.file_name(), static_cast<int>(where.line()), message);
}

// Where a test connects: a plain port, or an HTTPS port with the client's TLS settings.
struct endpoint {
    std::uint16_t port = 0;
    std::optional<tls_client_options> tls;

    endpoint(std::uint16_t plain_port) : port(plain_port) {}  // NOLINT: a port is a plain endpoint
    endpoint(std::uint16_t tls_port, tls_client_options options) : port(tls_port), tls(std::move(options)) {}

    raw_connection connect() const { return tls ? raw_connection(port, *tls) : raw_connection(port); }
};

// Sends `bytes` (plus `follow_up`) on a fresh connection, keeping the write side open, and checks
// that exactly one response arrives, that it is the error `http_status`/`hubspot_status` with
// Connection: close, and that the server then closes the connection.
void check_refused_and_closed(const endpoint& at, std::string bytes, int http_status,
                              std::string_view hubspot_status,
                              std::source_location where = std::source_location::current()) {
    raw_connection c = at.connect();
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
    return "POST " + std::string(target) + " HTTP/1.1\r\nHost: localhost\r\n" + std::string(extra_headers) +
           "Content-Length: " + std::to_string(content_length) + "\r\n\r\n";
}

std::string form_post(std::string_view body) {
    return post_head("/oauth/v1/token", "Content-Type: application/x-www-form-urlencoded\r\n", body.size()) +
           std::string(body);
}

std::string healthz_keep_alive() { return "GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n"; }

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
        "POST /oauth/v1/token HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/x-www-form-urlencoded\r\n"
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
    const std::string bytes = "GET /healthz HTTP/1.1\r\nHost: localhost\r\nX-Pad: " + std::string(9000, 'p') + "\r\n\r\n";
    check_refused_and_closed(port, bytes, 431, "HEADERS_TOO_LARGE");
}

TEST_CASE("many small headers adding up to more than 8 KiB get 431") {
    const auto port = shared_server().port();
    std::string bytes = "GET /healthz HTTP/1.1\r\nHost: localhost\r\n";
    for (int i = 0; i < 200; ++i) bytes += "X-Pad-" + std::to_string(i) + ": " + std::string(40, 'p') + "\r\n";
    bytes += "\r\n";
    check_refused_and_closed(port, bytes, 431, "HEADERS_TOO_LARGE");
}

TEST_CASE("a header block under 8 KiB is served") {
    const auto port = shared_server().port();
    raw_connection c(port);
    c.send("GET /healthz HTTP/1.1\r\nHost: localhost\r\nX-Pad: " + std::string(7000, 'p') + "\r\n\r\n");
    const auto r = c.read_response(5s);
    REQUIRE(r);
    CHECK(r->status == 200);
}

// ---- Request smuggling: framing ----

TEST_CASE("Transfer-Encoding: gzip gets 400 and the connection is closed") {
    const auto port = shared_server().port();
    check_refused_and_closed(port,
                             "POST /oauth/v1/token HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: gzip\r\n\r\n",
                             400, "BAD_REQUEST");
}

TEST_CASE("Transfer-Encoding: chunked, gzip gets 400 and the connection is closed") {
    const auto port = shared_server().port();
    check_refused_and_closed(
        port, "POST /oauth/v1/token HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked, gzip\r\n\r\n0\r\n\r\n",
        400, "BAD_REQUEST");
}

TEST_CASE("Transfer-Encoding: gzip, chunked gets 400 and the connection is closed") {
    const auto port = shared_server().port();
    check_refused_and_closed(
        port, "POST /oauth/v1/token HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n",
        400, "BAD_REQUEST");
}

TEST_CASE("two Transfer-Encoding: chunked headers get 400 and the connection is closed") {
    const auto port = shared_server().port();
    check_refused_and_closed(port,
                             "POST /oauth/v1/token HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n"
                             "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
                             400, "BAD_REQUEST");
}

TEST_CASE("Transfer-Encoding: CHUNKED (any case) is accepted as chunked") {
    const auto port = shared_server().port();
    raw_connection c(port);
    const std::string body = "grant_type=none";
    c.send("POST /oauth/v1/token HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/x-www-form-urlencoded\r\n"
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
                             "POST /oauth/v1/token HTTP/1.1\r\nHost: localhost\r\nContent-Length: 5\r\n"
                             "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
                             400, "BAD_REQUEST");
    // TE before CL.
    check_refused_and_closed(port,
                             "POST /oauth/v1/token HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n"
                             "Content-Length: 5\r\n\r\n0\r\n\r\n",
                             400, "BAD_REQUEST");
}

TEST_CASE("two different Content-Lengths get 400 and the connection is closed") {
    const auto port = shared_server().port();
    check_refused_and_closed(port,
                             "POST /oauth/v1/token HTTP/1.1\r\nHost: localhost\r\nContent-Length: 5\r\n"
                             "Content-Length: 6\r\n\r\nabcdef",
                             400, "BAD_REQUEST");
}

TEST_CASE("two equal Content-Length headers get 400 and the connection is closed") {
    const auto port = shared_server().port();
    check_refused_and_closed(port,
                             "POST /oauth/v1/token HTTP/1.1\r\nHost: localhost\r\nContent-Length: 5\r\n"
                             "Content-Length: 5\r\n\r\nabcde",
                             400, "BAD_REQUEST");
}

TEST_CASE("a Content-Length list gets 400 and the connection is closed") {
    const auto port = shared_server().port();
    check_refused_and_closed(port,
                             "POST /oauth/v1/token HTTP/1.1\r\nHost: localhost\r\nContent-Length: 5, 6\r\n\r\nabcdef",
                             400, "BAD_REQUEST");
}

TEST_CASE("a Content-Length body holding a whole second request yields exactly one response") {
    const auto port = shared_server().port();
    const std::string smuggled = "GET /admin/v1/apps HTTP/1.1\r\nHost: localhost\r\n\r\n";
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
    check_refused_and_closed(port, "GET /healthz HTTP/1.1\r\nHost: localhost\r\nX-Folded: a\r\n b\r\n\r\n", 400,
                             "BAD_REQUEST");
    check_refused_and_closed(port, "GET /healthz HTTP/1.1\r\nHost: localhost\r\nX-Folded: a\r\n\tb\r\n\r\n", 400,
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
    std::string bytes = "GET /healthz HTTP/1.1\r\nHost: localhost\r\nX-A: a";
    bytes += '\0';
    bytes += "b\r\n\r\n";
    check_refused_and_closed(port, bytes, 400, "BAD_REQUEST");
    std::string in_name = "GET /healthz HTTP/1.1\r\nHost: localhost\r\nX-";
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
    const std::string header = "GET /healthz HTTP/1.1\r\nHost: localhost\r\nX-Slow: " + std::string(4000, 's');
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
    c.send(healthz_keep_alive() + "GET /no/such/path HTTP/1.1\r\nHost: localhost\r\n\r\n" + form_post("grant_type=x"));
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
        {"unknown method BREW", "BREW /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n"},
        {"unknown method on an unknown path", "BREW /coffee HTTP/1.1\r\nHost: localhost\r\n\r\n"},
        {"dot segments", "GET /../../etc/passwd HTTP/1.1\r\nHost: localhost\r\n\r\n"},
        {"encoded dot segments", "GET /%2e%2e/%2e%2e/etc/passwd HTTP/1.1\r\nHost: localhost\r\n\r\n"},
        {"double slash", "GET // HTTP/1.1\r\nHost: localhost\r\n\r\n"},
        {"double slash in a known path", "GET //healthz HTTP/1.1\r\nHost: localhost\r\n\r\n"},
        {"4 KB path", "GET /" + std::string(4096, 'a') + " HTTP/1.1\r\nHost: localhost\r\n\r\n"},
        {"4 KB token segment", "GET /oauth/v1/access-tokens/" + std::string(4096, 'a') + " HTTP/1.1\r\nHost: localhost\r\n\r\n"},
        {"%00 in the path", "GET /healthz%00 HTTP/1.1\r\nHost: localhost\r\n\r\n"},
        {"%00 in a token segment", "GET /oauth/v1/access-tokens/abc%00def HTTP/1.1\r\nHost: localhost\r\n\r\n"},
        {"bad percent-encoding in a token segment", "GET /oauth/v1/access-tokens/%zz HTTP/1.1\r\nHost: localhost\r\n\r\n"},
        {"invalid UTF-8 in a token segment", "GET /oauth/v1/refresh-tokens/%ff%fe HTTP/1.1\r\nHost: localhost\r\n\r\n"},
        {"bad percent-encoding on DELETE", "DELETE /oauth/v1/refresh-tokens/%g1 HTTP/1.1\r\nHost: localhost\r\n\r\n"},
        {"asterisk target", "GET * HTTP/1.1\r\nHost: localhost\r\n\r\n"},
        {"absolute-form target", "GET http://evil.example/healthz HTTP/1.1\r\nHost: localhost\r\n\r\n"},
        {"empty token segment", "GET /oauth/v1/access-tokens/ HTTP/1.1\r\nHost: localhost\r\n\r\n"},
        {"query only", "GET /?a=%zz HTTP/1.1\r\nHost: localhost\r\n\r\n"},
        {"admin path without key and bad encoding", "GET /admin/v1/apps/%zz HTTP/1.1\r\nHost: localhost\r\n\r\n"},
        {"token endpoint GET", "GET /oauth/v1/token HTTP/1.1\r\nHost: localhost\r\n\r\n"},
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
        "GET / HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: gzip\r\n\r\n",
        "POST /oauth/v1/token HTTP/1.1\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd",
        "GET /healthz HTTP/1.1\r\nX-Pad: " + std::string(9000, 'p') + "\r\n\r\n",
        form_post(std::string(17000, 'a')),
        form_post("grant_type=authorization_code&code=%zz&code=%C3%28"),
        "BREW /pot HTTP/1.1\r\nHost: localhost\r\n\r\nBREW /pot HTTP/1.1\r\nHost: localhost\r\n\r\n",
        "GET /" + std::string(3000, '.') + " HTTP/1.1\r\n\r\n",
        "GET /healthz HTTP/1.1\r\nHost: localhost\r\nX: a\r\n b\r\n\r\n",
        std::string("GET /\0 HTTP/1.1\r\n\r\n", 20),
        "GET /healthz HTTP/1.1\r\nHost: localhost\r\nX-Partial: never ends",
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

namespace {

// The message of a 429 must say when the refusal lifts: the Retry-After seconds.
void check_says_when_it_lifts(const http_response& throttled) {
    const std::string retry_after = throttled.header("Retry-After");
    REQUIRE_FALSE(retry_after.empty());
    const int seconds = std::stoi(retry_after);
    CHECK(seconds >= 1);
    CHECK(seconds <= 60);
    const std::string message = body_of(throttled).value("message", "");
    CHECK_MESSAGE(message.find("retry in " + retry_after + " second(s)") != std::string::npos, message);
}

}  // namespace

TEST_CASE("throttle: failures from one address lock the client there only; its own address keeps working") {
    server_process server({.extra_args = {"--auth-failure-limit", "5", "--auth-failure-window-s", "60"}});
    server.start();
    const auto app = seed_sandbox(server);
    auto wrong = code_grant_fields(app, "no-such-code");
    set_field(wrong, "client_secret", app.client_secret + "x");
    {
        source_address attacker("127.0.0.2");
        for (int i = 0; i < 5; ++i) check_error(post_token(server, wrong), 401, "BAD_CLIENT_SECRET");
        const auto throttled = post_token(server, code_grant_fields(app, "no-such-code"));
        check_error(throttled, 429, "TOO_MANY_REQUESTS");
        check_says_when_it_lifts(throttled);
    }
    // The real app, from its own address: its exchange and its refreshes go through.
    const auto tokens = exchange(server, app, mint_code(server, app).code);
    CHECK(post_token(server, refresh_grant_fields(app, tokens.refresh_token)).status == 200);
    // A wrong request every 3 s from the attacker's address keeps only that address out.
    for (int i = 0; i < 25; ++i) {
        CAPTURE(i);
        {
            source_address attacker("127.0.0.2");
            const auto status = post_token(server, wrong).status;
            CHECK((status == 401 || status == 429));
        }
        advance_clock(server, 3);
        CHECK(post_token(server, refresh_grant_fields(app, tokens.refresh_token)).status == 200);
    }
}

TEST_CASE("throttle: 10,001 unknown client_ids from the same address do not lift a client's lock") {
    server_process server({.extra_args = {"--auth-failure-limit", "5", "--max-requests-per-connection", "20000"}});
    server.start();
    const auto victim = seed_sandbox(server);
    source_address attacker("127.0.0.2");
    auto wrong = code_grant_fields(victim, "no-such-code");
    set_field(wrong, "client_secret", "a-wrong-secret-0123456789");
    for (int i = 0; i < 5; ++i) check_error(post_token(server, wrong), 401, "BAD_CLIENT_SECRET");
    REQUIRE(post_token(server, wrong).status == 429);

    // Pipelined in batches over one connection, so the 10,001 requests take about a second.
    raw_connection c(server.port());
    constexpr int total = 10'001;
    int unknown_client = 0;
    for (int sent = 0; sent < total;) {
        const int batch = std::min(100, total - sent);
        std::string bytes;
        for (int k = 0; k < batch; ++k) {
            const std::string body = "grant_type=authorization_code&client_id=guess-" + std::to_string(sent + k) +
                                     "&client_secret=x&redirect_uri=https%3A%2F%2Fa.example%2Fcb&code=c";
            bytes += "POST /oauth/v1/token HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                     "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: " +
                     std::to_string(body.size()) + "\r\n\r\n" + body;
        }
        c.send(bytes);
        for (int k = 0; k < batch; ++k) {
            const auto r = c.read_response(10s);
            REQUIRE(r.has_value());
            if (r->status == 401 && body_of(*r).value("status", "") == "BAD_CLIENT_ID") ++unknown_client;
        }
        sent += batch;
    }
    CHECK(unknown_client == total);
    const auto still = post_token(server, code_grant_fields(victim, "no-such-code"));
    check_error(still, 429, "TOO_MANY_REQUESTS");
}

TEST_CASE("throttle: wrong admin keys are throttled per address, the right key included") {
    server_process server({.extra_args = {"--auth-failure-limit", "5"}});
    server.start();
    const header_list right = {{"Authorization", "Bearer " + server.admin_key()}};
    {
        source_address guesser("127.0.0.2");
        // Requests without a key guess nothing: they are refused and not counted.
        for (int i = 0; i < 10; ++i) check_error(http_request(server.port(), "GET", "/admin/v1/clock"), 401, "INVALID_AUTHENTICATION");
        for (int i = 0; i < 5; ++i) {
            const auto r = http_request(server.port(), "GET", "/admin/v1/clock",
                                        {{"Authorization", "Bearer wrong-admin-key-" + std::to_string(i)}});
            check_error(r, 401, "INVALID_AUTHENTICATION");
            CHECK(r.header("WWW-Authenticate") == "Bearer");
        }
        const auto throttled = http_request(server.port(), "GET", "/admin/v1/clock", right);
        check_error(throttled, 429, "TOO_MANY_REQUESTS");
        check_says_when_it_lifts(throttled);
    }
    // The operator's own address is not affected; once the window has passed, the other is heard.
    CHECK(http_request(server.port(), "GET", "/admin/v1/clock", right).status == 200);
    advance_clock(server, 61);
    source_address guesser("127.0.0.2");
    CHECK(http_request(server.port(), "GET", "/admin/v1/clock", right).status == 200);
}

}  // TEST_SUITE("abuse")

namespace {

// A certificate from scripts/dev-cert.sh --hubspot, made once per test binary in its own
// temporary directory (removed at exit).
const dev_cert& test_cert() {
    struct holder {
        std::string dir;
        dev_cert cert;
        holder() {
            std::string pattern = "/tmp/hsoauth-e2e-cert-XXXXXX";
            if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
            dir = pattern;
            cert = make_dev_cert(dir, {"--hubspot"});
        }
        ~holder() {
            std::error_code ignored;
            std::filesystem::remove_all(dir, ignored);
        }
    };
    static const holder made;
    return made.cert;
}

// A client that trusts the test CA and expects the name `name`.
tls_client_options trusting_client(std::string name = "localhost") {
    tls_client_options options;
    options.ca_file = test_cert().ca;
    options.server_name = std::move(name);
    return options;
}

// Flags that add HTTPS on an ephemeral port, besides the harness's plain HTTP listener.
std::vector<std::string> tls_args(std::vector<std::string> more = {}) {
    std::vector<std::string> args = {"--tls-listen", "127.0.0.1:0", "--tls-cert", test_cert().cert,
                                     "--tls-key", test_cert().key};
    args.insert(args.end(), more.begin(), more.end());
    return args;
}

// One request with Connection: close over a fresh connection to `at`; the whole response.
http_response request_at(const endpoint& at, std::string_view method, std::string_view target,
                         const std::vector<std::pair<std::string, std::string>>& headers = {},
                         std::string_view body = {}) {
    std::string bytes = std::string(method) + " " + std::string(target) + " HTTP/1.1\r\nHost: localhost\r\n"
                        "Connection: close\r\n";
    for (const auto& [name, value] : headers) bytes += name + ": " + value + "\r\n";
    if (!body.empty() || method == "POST") bytes += "Content-Length: " + std::to_string(body.size()) + "\r\n";
    bytes += "\r\n";
    bytes += body;
    raw_connection c = at.connect();
    c.send(bytes);
    auto r = c.read_response(5s);
    if (!r) throw std::runtime_error("no response to " + std::string(method) + " " + std::string(target));
    return std::move(*r);
}

}  // namespace

TEST_SUITE("http edges") {

// ---- Host (DNS rebinding) ----

TEST_CASE("Host: the listen address, localhost, 127.0.0.1 and [::1] are served, with a port or not, any case") {
    const auto port = shared_server().port();
    for (const std::string& host : std::vector<std::string>{"127.0.0.1", "127.0.0.1:" + std::to_string(port), "localhost", "LocalHost:80",
                                   "[::1]", "[::1]:8080", "localhost:"}) {
        CAPTURE(host);
        raw_connection c(port);
        c.send("GET /healthz HTTP/1.1\r\nHost: " + host + "\r\n\r\n");
        const auto r = c.read_response(5s);
        REQUIRE(r);
        CHECK(r->status == 200);
    }
}

TEST_CASE("Host: any other name gets 421 with the error body, and the connection stays open") {
    const auto port = shared_server().port();
    for (const std::string& host : std::vector<std::string>{"evil.example", "evil.example:" + std::to_string(port), "EVIL.example",
                                   "[::2]", "[::1].evil.example", "127.0.0.2", "localhost.evil.example",
                                   "evil.example:80@localhost", "localhost:80x", "localhost:evil"}) {
        CAPTURE(host);
        raw_connection c(port);
        c.send("GET /healthz HTTP/1.1\r\nHost: " + host + "\r\n\r\n" + healthz_keep_alive());
        const auto r = c.read_response(5s);
        REQUIRE(r);
        check_error(*r, 421, "MISDIRECTED_REQUEST");
        CHECK(r->header("Connection").empty());
        const auto next = c.read_response(5s);  // the same connection serves the next request
        REQUIRE(next);
        CHECK(next->status == 200);
    }
}

TEST_CASE("Host: a refused request with a body still unread gets 421 and the connection is closed") {
    const auto port = shared_server().port();
    const std::string body = "grant_type=refresh_token&refresh_token=x";
    check_refused_and_closed(port,
                             "POST /oauth/v1/token HTTP/1.1\r\nHost: evil.example\r\nContent-Type: "
                             "application/x-www-form-urlencoded\r\nContent-Length: " +
                                 std::to_string(body.size()) + "\r\n\r\n" + body,
                             421, "MISDIRECTED_REQUEST");
}

TEST_CASE("Host: missing on HTTP/1.1 gets 400, given twice 400; HTTP/1.0 without Host is served") {
    const auto port = shared_server().port();
    {
        raw_connection c(port);
        c.send("GET /healthz HTTP/1.1\r\n\r\n");
        const auto r = c.read_response(5s);
        REQUIRE(r);
        check_error(*r, 400, "BAD_REQUEST");
    }
    {
        raw_connection c(port);
        c.send("GET /healthz HTTP/1.1\r\nHost: localhost\r\nHost: evil.example\r\n\r\n");
        const auto r = c.read_response(5s);
        REQUIRE(r);
        check_error(*r, 400, "BAD_REQUEST");
    }
    {
        raw_connection c(port);
        c.send("GET /healthz HTTP/1.1\r\nHost:\r\n\r\n");
        const auto r = c.read_response(5s);
        REQUIRE(r);
        check_error(*r, 400, "BAD_REQUEST");
    }
    raw_connection c(port);
    c.send("GET /healthz HTTP/1.0\r\n\r\n");
    const auto r = c.read_response(5s);
    REQUIRE(r);
    CHECK(r->status == 200);
}

TEST_CASE("--allowed-hosts lists exactly the names served; * serves any") {
    server_process listed({.extra_args = {"--allowed-hosts", "App.Example.test, [fe80::1]"}});
    listed.start();
    const auto status_for = [](std::uint16_t port, const std::string& host) {
        raw_connection c(port);
        c.send("GET /healthz HTTP/1.1\r\nHost: " + host + "\r\n\r\n");
        const auto r = c.read_response(5s);
        return r ? r->status : 0;
    };
    CHECK(status_for(listed.port(), "app.example.test") == 200);
    CHECK(status_for(listed.port(), "APP.EXAMPLE.TEST:8443") == 200);
    CHECK(status_for(listed.port(), "[FE80::1]:80") == 200);
    CHECK(status_for(listed.port(), "localhost") == 421);  // the defaults are replaced, not extended
    CHECK(status_for(listed.port(), "127.0.0.1") == 421);
    CHECK(status_for(listed.port(), "example.test") == 421);

    server_process any({.extra_args = {"--allowed-hosts", "*"}});
    any.start();
    CHECK(status_for(any.port(), "evil.example") == 200);
    CHECK(status_for(any.port(), "localhost") == 200);
}

// ---- Expect: 100-continue ----

TEST_CASE("Expect: 100-continue gets 100 Continue before the body is sent, then the answer") {
    const auto port = shared_server().port();
    const std::string body = "grant_type=none";
    raw_connection c(port);
    c.send(post_head("/oauth/v1/token",
                     "Content-Type: application/x-www-form-urlencoded\r\nExpect: 100-continue\r\n", body.size()));
    const auto interim = c.read_response(2s);  // without it a client such as curl waits a second
    REQUIRE(interim);
    CHECK(interim->status == 100);
    c.send(body);
    const auto r = c.read_response(5s);
    REQUIRE(r);
    check_error(*r, 400, "BAD_GRANT_TYPE");
    // A chunked body too.
    c.send("POST /oauth/v1/token HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/x-www-form-urlencoded\r\n"
           "Expect: 100-Continue\r\nTransfer-Encoding: chunked\r\n\r\n");
    const auto second_interim = c.read_response(2s);
    REQUIRE(second_interim);
    CHECK(second_interim->status == 100);
    c.send("f\r\n" + body + "\r\n0\r\n\r\n");
    const auto second = c.read_response(5s);
    REQUIRE(second);
    check_error(*second, 400, "BAD_GRANT_TYPE");
}

TEST_CASE("Expect: 100-continue on a request refused by its header gets the refusal, never 100") {
    const auto port = shared_server().port();
    struct refused {
        const char* what;
        std::string head;
        int status;
        const char* hubspot_status;
    };
    const std::vector<refused> cases = {
        {"body over the limit", post_head("/oauth/v1/token", "Expect: 100-continue\r\n", 20000), 413,
         "PAYLOAD_TOO_LARGE"},
        {"disallowed Host",
         "POST /oauth/v1/token HTTP/1.1\r\nHost: evil.example\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n",
         421, "MISDIRECTED_REQUEST"},
        {"smuggling framing",
         "POST /oauth/v1/token HTTP/1.1\r\nHost: localhost\r\nExpect: 100-continue\r\nContent-Length: 5\r\n"
         "Transfer-Encoding: chunked\r\n\r\n",
         400, "BAD_REQUEST"},
    };
    for (const auto& c : cases) {
        INFO(c.what);
        raw_connection conn(port);
        conn.send(c.head);
        const auto r = conn.read_response(2s);
        REQUIRE(r);
        check_error(*r, c.status, c.hubspot_status);
        CHECK(conn.closed_by_peer(2s));
    }
    // Nothing to continue: a request without a body is simply answered.
    raw_connection c(port);
    c.send("GET /healthz HTTP/1.1\r\nHost: localhost\r\nExpect: 100-continue\r\n\r\n");
    const auto r = c.read_response(2s);
    REQUIRE(r);
    CHECK(r->status == 200);
}

// ---- HTTP/1.0 ----

TEST_CASE("HTTP/1.0 with Connection: keep-alive is told keep-alive and kept; without it, closed") {
    const auto port = shared_server().port();
    raw_connection kept(port);
    for (int i = 0; i < 3; ++i) {
        kept.send("GET /healthz HTTP/1.0\r\nHost: localhost\r\nConnection: keep-alive\r\n\r\n");
        const auto r = kept.read_response(5s);
        REQUIRE(r);
        CHECK(r->status == 200);
        CHECK(iequals(r->header("Connection"), "keep-alive"));
    }
    CHECK_FALSE(kept.closed_by_peer(300ms));

    raw_connection closed(port);
    closed.send("GET /healthz HTTP/1.0\r\nHost: localhost\r\n\r\n");
    const auto r = closed.read_response(5s);
    REQUIRE(r);
    CHECK(r->status == 200);
    CHECK(iequals(r->header("Connection"), "close"));
    CHECK(closed.closed_by_peer(2s));
}

// ---- Chunked framing against the body limit ----

TEST_CASE("a chunked body's framing counts against the body limit: 413 and the connection is closed") {
    const auto port = shared_server().port();
    const std::string head =
        "POST /oauth/v1/token HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/x-www-form-urlencoded\r\n"
        "Transfer-Encoding: chunked\r\n\r\n";
    // 15,000 one-byte chunks: a 15 KB body (under the 16 KiB limit) in 90 KB on the wire.
    std::string tiny_chunks = head;
    for (int i = 0; i < 15000; ++i) tiny_chunks += "1\r\na\r\n";
    tiny_chunks += "0\r\n\r\n";
    check_refused_and_closed(port, tiny_chunks, 413, "PAYLOAD_TOO_LARGE");
    // 1,000 one-byte chunks with 200-byte extensions: 1 KB of body in 200 KB.
    std::string extended = head;
    for (int i = 0; i < 1000; ++i) extended += "1;x=" + std::string(200, 'e') + "\r\na\r\n";
    extended += "0\r\n\r\n";
    check_refused_and_closed(port, extended, 413, "PAYLOAD_TOO_LARGE");
    // 2 KB of trailer fields after a small body.
    std::string trailers = head + "1\r\na\r\n0\r\n";
    for (int i = 0; i < 40; ++i) trailers += "X-Trailer-" + std::to_string(i) + ": " + std::string(1000, 't') + "\r\n";
    trailers += "\r\n";
    check_refused_and_closed(port, trailers, 413, "PAYLOAD_TOO_LARGE");
}

TEST_CASE("a 16 KiB chunked body in 64-byte chunks is read and answered") {
    const auto port = shared_server().port();
    std::string body = "grant_type=none&pad=";
    body += std::string(16384 - body.size(), 'a');
    std::string bytes =
        "POST /oauth/v1/token HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/x-www-form-urlencoded\r\n"
        "Transfer-Encoding: chunked\r\n\r\n";
    for (std::size_t at = 0; at < body.size(); at += 64) bytes += "40\r\n" + body.substr(at, 64) + "\r\n";
    bytes += "0\r\n\r\n";
    raw_connection c(port);
    c.send(bytes + healthz_keep_alive());
    const auto r = c.read_response(5s);
    REQUIRE(r);
    check_error(*r, 400, "BAD_GRANT_TYPE");
    const auto next = c.read_response(5s);
    REQUIRE(next);
    CHECK(next->status == 200);
}

// ---- The request log ----

TEST_CASE("the request log escapes direction overrides, C1 controls and invalid UTF-8 in the path") {
    server_process server;
    server.start();
    // U+202E RIGHT-TO-LEFT OVERRIDE, U+009B (a C1 control) in UTF-8, a raw 0x9b and 0xff (invalid UTF-8).
    const std::string path = "/logged\xe2\x80\xae" "exe.txt\xc2\x9b" "\x9b\xff\\end";
    raw_connection c(server.port());
    c.send("GET " + path + " HTTP/1.1\r\nHost: localhost\r\n\r\n");
    const auto r = c.read_response(5s);
    REQUIRE(r);
    check_error(*r, 404, "NOT_FOUND");
    const std::string log = server.log_text_with("/logged");
    const auto at = log.find("/logged");
    REQUIRE(at != std::string::npos);
    const std::string line = log.substr(at, log.find('\n', at) - at);
    CHECK(line.rfind("/logged\\xe2\\x80\\xaeexe.txt\\xc2\\x9b\\x9b\\xff\\x5cend 404 ", 0) == 0);
    for (const char ch : log) {
        const auto byte = static_cast<unsigned char>(ch);
        INFO("byte " << static_cast<int>(byte));
        REQUIRE(((byte >= 0x20 && byte < 0x7f) || byte == '\n'));
    }
}

}  // TEST_SUITE("http edges")

TEST_SUITE("tls") {

TEST_CASE("HTTPS serves the token flow") {
    server_process server({.extra_args = tls_args()});
    server.start();
    REQUIRE(server.tls_port() != 0);
    const endpoint https(server.tls_port(), trusting_client());
    const auto s = seed_sandbox(server);
    const std::vector<std::pair<std::string, std::string>> admin = {
        {"Authorization", "Bearer " + server.admin_key()}, {"Content-Type", "application/json"}};
    const auto minted = request_at(https, "POST", "/admin/v1/authorization-codes", admin, code_request(s).dump());
    REQUIRE(minted.status == 201);
    const std::string code = minted.json().at("code").get<std::string>();
    const std::vector<std::pair<std::string, std::string>> form = {
        {"Content-Type", "application/x-www-form-urlencoded"}};
    const auto tokens = request_at(https, "POST", "/oauth/v1/token", form, form_encode(code_grant_fields(s, code)));
    REQUIRE(tokens.status == 200);
    CHECK(tokens.header("Cache-Control") == "no-store");
    const std::string access = tokens.json().at("access_token").get<std::string>();
    const std::string refresh_token = tokens.json().at("refresh_token").get<std::string>();
    const auto info = request_at(https, "GET", "/oauth/v1/access-tokens/" + url_encode(access));
    REQUIRE(info.status == 200);
    CHECK(info.json().at("hub_id") == s.hub_id);
    const auto refreshed =
        request_at(https, "POST", "/oauth/v1/token", form, form_encode(refresh_grant_fields(s, refresh_token)));
    REQUIRE(refreshed.status == 200);
    CHECK(refreshed.json().at("access_token") != access);
    CHECK(request_at(https, "DELETE", "/oauth/v1/refresh-tokens/" + url_encode(refresh_token)).status == 204);
    check_error(request_at(https, "GET", "/oauth/v1/access-tokens/" + url_encode(access)), 401, "INVALID_TOKEN");
}

TEST_CASE("HTTPS: TLS 1.2 and 1.3 are accepted; TLS 1.1 and weak TLS 1.2 ciphers are refused") {
    server_process server({.extra_args = tls_args()});
    server.start();
    const auto port = server.tls_port();
    std::string version;

    auto v13 = trusting_client();
    v13.min = tls_version::v1_3;
    CHECK(tls_handshake_outcome(port, v13, &version) == "");
    CHECK(version == "TLSv1.3");

    auto v12 = trusting_client();
    v12.max = tls_version::v1_2;
    CHECK(tls_handshake_outcome(port, v12, &version) == "");
    CHECK(version == "TLSv1.2");

    // The same client settings as the refused attempt below, but allowed TLS 1.2: the refusal of
    // TLS 1.1 is the server's.
    auto legacy = trusting_client();
    legacy.legacy = true;
    legacy.max = tls_version::v1_2;
    CHECK(tls_handshake_outcome(port, legacy, &version) == "");
    legacy.max = tls_version::v1_1;
    const std::string refused = tls_handshake_outcome(port, legacy);
    INFO("TLS 1.1: " << refused);
    CHECK(refused != "");
    CHECK(refused.find("protocol version") != std::string::npos);

    // CBC and non-ECDHE suites are not in Mozilla's intermediate list.
    for (const char* cipher : {"ECDHE-ECDSA-AES128-SHA", "AES128-GCM-SHA256", "ECDHE-ECDSA-AES256-SHA384"}) {
        auto weak = trusting_client();
        weak.max = tls_version::v1_2;
        weak.legacy = true;
        weak.cipher_list = cipher;
        const std::string outcome = tls_handshake_outcome(port, weak);
        INFO(cipher << ": " << outcome);
        CHECK(outcome != "");
    }
    for (const char* cipher : {"ECDHE-ECDSA-AES128-GCM-SHA256", "ECDHE-ECDSA-CHACHA20-POLY1305"}) {
        auto strong = trusting_client();
        strong.max = tls_version::v1_2;
        strong.cipher_list = cipher;
        CHECK_MESSAGE(tls_handshake_outcome(port, strong) == "", cipher);
    }
}

TEST_CASE("HTTPS: a client that never handshakes is closed at --tls-handshake-timeout-ms and counts against the cap") {
    server_process server({.extra_args = tls_args({"--tls-handshake-timeout-ms", "800", "--max-connections", "2"})});
    server.start();
    std::vector<raw_connection> silent;
    silent.emplace_back(server.tls_port());  // TCP only: no ClientHello ever
    silent.emplace_back(server.tls_port());
    const auto opened = steady::now();
    std::this_thread::sleep_for(200ms);  // accepted and counted by now
    {
        raw_connection third(server.port());
        (void)third.try_send(healthz_keep_alive());
        CHECK(third.closed_by_peer(1s));
        CHECK_FALSE(third.read_response(100ms));
    }
    for (auto& c : silent) {
        REQUIRE(c.closed_by_peer(3s));
    }
    const auto elapsed = ms_since(opened);
    INFO("closed after " << elapsed << " ms");
    CHECK(elapsed >= 700);
    CHECK(elapsed <= 1800);
    silent.clear();
    bool served = false;
    for (const auto start = steady::now(); !served && ms_since(start) < 3000;) {
        raw_connection again(server.tls_port(), trusting_client());
        again.send(healthz_keep_alive());
        const auto r = again.read_response(1s);
        served = r && r->status == 200;
        if (!served) std::this_thread::sleep_for(20ms);
    }
    CHECK(served);
}

TEST_CASE("HTTPS: the limits, the smuggling checks and malformed input are refused as over plain HTTP") {
    server_process server({.extra_args = tls_args({"--header-timeout-ms", "1000"})});
    server.start();
    const endpoint https(server.tls_port(), trusting_client());
    std::string big_body;
    while (big_body.size() <= 16384) big_body += follow_up;
    check_refused_and_closed(https, form_post(big_body), 413, "PAYLOAD_TOO_LARGE");
    std::string tiny_chunks =
        "POST /oauth/v1/token HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/x-www-form-urlencoded\r\n"
        "Transfer-Encoding: chunked\r\n\r\n";
    for (int i = 0; i < 15000; ++i) tiny_chunks += "1\r\na\r\n";
    check_refused_and_closed(https, tiny_chunks + "0\r\n\r\n", 413, "PAYLOAD_TOO_LARGE");
    check_refused_and_closed(
        https, "GET /healthz HTTP/1.1\r\nHost: localhost\r\nX-Pad: " + std::string(9000, 'p') + "\r\n\r\n", 431,
        "HEADERS_TOO_LARGE");
    check_refused_and_closed(https,
                             "POST /oauth/v1/token HTTP/1.1\r\nHost: localhost\r\nContent-Length: 5\r\n"
                             "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
                             400, "BAD_REQUEST");
    check_refused_and_closed(https, "POST /oauth/v1/token HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: gzip\r\n\r\n",
                             400, "BAD_REQUEST");
    check_refused_and_closed(https, "GET /healthz HTTP/1.1\r\nHost: localhost\r\nX-Folded: a\r\n b\r\n\r\n", 400,
                             "BAD_REQUEST");
    std::string nul = "GET /healthz HTTP/1.1\r\nHost: localhost\r\nX-A: a";
    nul += '\0';
    check_refused_and_closed(https, nul + "b\r\n\r\n", 400, "BAD_REQUEST");
    check_refused_and_closed(https, "GET /healthz HTTP/9.9\r\nHost: localhost\r\n\r\n", 400, "BAD_REQUEST");

    // Malformed forms and paths: a 4xx with the error body.
    const auto bad_form = request_at(https, "POST", "/oauth/v1/token",
                                     {{"Content-Type", "application/x-www-form-urlencoded"}},
                                     "grant_type=authorization_code&code=%zz");
    check_error(bad_form, 400, "BAD_REQUEST");
    check_client_error(request_at(https, "GET", "/oauth/v1/access-tokens/%ff%fe"), "bad token segment over TLS");

    // A slow client: the header timeout holds inside TLS.
    raw_connection slow = https.connect();
    const auto start = steady::now();
    const std::string header = "GET /healthz HTTP/1.1\r\nHost: localhost\r\nX-Slow: " + std::string(4000, 's');
    bool closed = false;
    for (std::size_t i = 0; i < header.size() && ms_since(start) < 4000; ++i) {
        if (!slow.try_send(header.substr(i, 1)) || slow.closed_by_peer(20ms)) {
            closed = true;
            break;
        }
    }
    INFO("closed after " << ms_since(start) << " ms");
    CHECK(closed);
    CHECK(ms_since(start) <= 1800);

    // The server is fine afterwards.
    CHECK(request_at(https, "GET", "/healthz").status == 200);
}

TEST_CASE("HTTP and HTTPS from one process share tokens, and neither port speaks the other's protocol") {
    server_process server({.extra_args = tls_args()});
    server.start();
    REQUIRE(server.tls_port() != 0);
    REQUIRE(server.tls_port() != server.port());
    CHECK(server.stdout_text().find("listening on https://127.0.0.1:" + std::to_string(server.tls_port())) !=
          std::string::npos);
    const endpoint https(server.tls_port(), trusting_client());
    const auto s = seed_sandbox(server);
    const auto tokens = authorize(server, s);  // over plain HTTP
    const auto info = request_at(https, "GET", "/oauth/v1/access-tokens/" + url_encode(tokens.access_token));
    CHECK(info.status == 200);
    const auto refreshed =
        request_at(https, "POST", "/oauth/v1/token", {{"Content-Type", "application/x-www-form-urlencoded"}},
                   form_encode(refresh_grant_fields(s, tokens.refresh_token)));
    REQUIRE(refreshed.status == 200);
    CHECK(get_access(server, refreshed.json().at("access_token").get<std::string>()).status == 200);

    // Plain HTTP to the HTTPS port: no HTTP answer, the connection is closed.
    raw_connection plain_to_tls(server.tls_port());
    plain_to_tls.send(healthz_keep_alive());
    const std::string reply = plain_to_tls.receive_until_closed(5s);
    CHECK(reply.find("HTTP/1.1") == std::string::npos);
    // A TLS handshake with the plain port fails.
    CHECK(tls_handshake_outcome(server.port(), trusting_client()) != "");
}

TEST_CASE("HTTPS: the certificate's names are served Hosts, others get 421") {
    server_process server({.extra_args = tls_args()});
    server.start();
    const endpoint https(server.tls_port(), trusting_client("api.hubapi.com"));
    for (const std::string host : {"api.hubapi.com", "API.hubapi.com:443", "app.hubspot.com", "localhost"}) {
        CAPTURE(host);
        raw_connection c = https.connect();
        c.send("GET /healthz HTTP/1.1\r\nHost: " + host + "\r\n\r\n");
        const auto r = c.read_response(5s);
        REQUIRE(r);
        CHECK(r->status == 200);
    }
    raw_connection c = https.connect();
    c.send("GET /healthz HTTP/1.1\r\nHost: api.hubapi.com.evil.example\r\n\r\n");
    const auto r = c.read_response(5s);
    REQUIRE(r);
    check_error(*r, 421, "MISDIRECTED_REQUEST");
    // The private key never reaches stdout or the log.
    std::ifstream key_file(test_cert().key);
    const std::string key((std::istreambuf_iterator<char>(key_file)), std::istreambuf_iterator<char>());
    const auto key_line = key.substr(key.find('\n') + 1, 40);
    REQUIRE(key_line.size() == 40);
    CHECK(server.stdout_text().find(key_line) == std::string::npos);
    CHECK(server.log_text().find(key_line) == std::string::npos);
}

}  // TEST_SUITE("tls")
