// SIGTERM against the real binary: the server stops accepting at once, lets a request in flight
// finish with its normal answer (and commits it), closes idle keep-alive connections promptly,
// and exits 0 -- at the latest when the 10 s drain bound runs out.

#include <doctest/doctest.h>
#include <signal.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <optional>
#include <set>
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

std::int64_t ms_since(steady::time_point start) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(steady::now() - start).count();
}

// Polls until the server has exited or `limit` passed; returns its exit status if it exited.
std::optional<int> wait_exit(server_process& server, std::chrono::milliseconds limit) {
    const auto deadline = steady::now() + limit;
    while (steady::now() < deadline) {
        if (!server.running()) return server.last_exit_status();
        std::this_thread::sleep_for(5ms);
    }
    return std::nullopt;
}

// True once a connection attempt is refused within `limit`. The signal is handled
// asynchronously, so a connection made in the first moments after kill() may still be served
// (counted in `served`); what must happen is that refusals start and stay.
bool refuses_new_connections(std::uint16_t port, std::chrono::milliseconds limit, std::string& served) {
    const auto deadline = steady::now() + limit;
    while (steady::now() < deadline) {
        try {
            raw_connection c(port);
            (void)c.try_send("GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n");
            if (const auto r = c.read_response(500ms)) served += std::to_string(r->status) + " ";
        } catch (const std::exception&) {
            return true;  // connection refused
        }
        std::this_thread::sleep_for(5ms);
    }
    return false;
}

std::string token_request_head(std::size_t content_length) {
    return "POST /oauth/v1/token HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/x-www-form-urlencoded\r\n"
           "Content-Length: " +
           std::to_string(content_length) + "\r\n\r\n";
}

}  // namespace

TEST_SUITE("drain") {

TEST_CASE("SIGTERM: a request in flight completes normally, new connections are refused, exit 0") {
    server_process server;
    server.start();
    const auto port = server.port();
    const auto s = seed_sandbox(server);
    const auto code = mint_code(server, s).code;
    const std::string body = form_encode(code_grant_fields(s, code));
    const auto half = body.size() / 2;

    raw_connection slow(port);
    slow.send(token_request_head(body.size()) + body.substr(0, half));
    // Let the server read the header, so the request is in flight when the signal comes.
    std::this_thread::sleep_for(200ms);

    REQUIRE(::kill(server.pid(), SIGTERM) == 0);
    const auto signalled = steady::now();

    std::string served;
    CHECK_MESSAGE(refuses_new_connections(port, 2s, served),
                  "a new connection after SIGTERM was served: " << served);
    CHECK(server.running());  // still waiting for the request in flight

    slow.send(body.substr(half));
    const auto r = slow.read_response(5s);
    REQUIRE(r);
    INFO("response: " << r->status << " " << r->body);
    CHECK(r->status == 200);
    const auto tokens = r->json();
    CHECK(tokens.value("token_type", "") == "bearer");
    const std::string access_token = tokens.value("access_token", "");
    CHECK_FALSE(access_token.empty());
    CHECK(iequals(r->header("Connection"), "close"));
    CHECK(slow.closed_by_peer(2s));

    const auto status = wait_exit(server, 12s);
    const auto exit_ms = ms_since(signalled);
    MESSAGE("exited " << exit_ms << " ms after SIGTERM");
    REQUIRE(status);
    CHECK(*status == 0);
    CHECK(exit_ms < 12'000);

    // The answered request was committed: its token works after a restart.
    server.start();
    CHECK(get_access(server, access_token).status == 200);
}

TEST_CASE("SIGTERM closes idle keep-alive connections promptly and exits 0") {
    server_process server;  // idle timeout 5 s: a close within 1 s is the drain's doing
    server.start();
    const auto port = server.port();
    std::vector<raw_connection> idle;
    for (int i = 0; i < 4; ++i) {
        idle.emplace_back(port);
        idle.back().send("GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n");
        const auto r = idle.back().read_response(5s);
        REQUIRE(r);
        REQUIRE(r->status == 200);
    }
    idle.emplace_back(port);  // connected, never sent a byte
    std::this_thread::sleep_for(100ms);

    REQUIRE(::kill(server.pid(), SIGTERM) == 0);
    const auto signalled = steady::now();
    for (std::size_t i = 0; i < idle.size(); ++i) {
        INFO("connection " << i);
        CHECK(idle[i].closed_by_peer(1s));
        CHECK_FALSE(idle[i].read_response(50ms));
    }
    const auto closed_ms = ms_since(signalled);
    const auto status = wait_exit(server, 3s);
    MESSAGE("idle connections closed within " << closed_ms << " ms; exited after " << ms_since(signalled) << " ms");
    REQUIRE(status);
    CHECK(*status == 0);
    CHECK(closed_ms < 1000);
}

TEST_CASE("SIGTERM with a request that never completes: exit 0 when the 10 s drain bound runs out") {
    // Longer read timeouts than the drain bound, so only the drain can end the wait.
    server_process server({.extra_args = {"--body-timeout-ms", "60000", "--header-timeout-ms", "60000"}});
    server.start();
    raw_connection stuck(server.port());
    stuck.send(token_request_head(1000) + "grant_type=");
    std::this_thread::sleep_for(200ms);

    REQUIRE(::kill(server.pid(), SIGTERM) == 0);
    const auto signalled = steady::now();
    const auto status = wait_exit(server, 15s);
    const auto exit_ms = ms_since(signalled);
    MESSAGE("exited " << exit_ms << " ms after SIGTERM with a request stuck in flight");
    REQUIRE(status);
    CHECK(*status == 0);
    CHECK(exit_ms >= 9'000);  // it did wait for the request
    CHECK(exit_ms < 12'000);
}

}  // TEST_SUITE("drain")

TEST_CASE("SIGTERM ends open follow streams of the event journal (last chunk sent) and exits 0 promptly") {
    server_process server;
    server.start();
    raw_connection follower(server.port());
    follower.send("GET /admin/v1/events?follow=true HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " +
                  server.admin_key() + "\r\n\r\n");
    std::string seen = follower.receive_some(5000ms);
    REQUIRE(seen.rfind("HTTP/1.1 200 OK\r\n", 0) == 0);
    REQUIRE(seen.find("Transfer-Encoding: chunked") != std::string::npos);

    const auto start = steady::now();
    REQUIRE(::kill(server.pid(), SIGTERM) == 0);
    seen += follower.receive_until_closed(5000ms);
    // The stream ends with the last chunk, not a cut, long before the 10 s drain bound.
    CHECK(seen.size() >= 5);
    CHECK(seen.substr(seen.size() - 5) == "0\r\n\r\n");
    const auto status = wait_exit(server, 5000ms);
    REQUIRE(status);
    CHECK(*status == 0);
    CHECK(ms_since(start) < 3000);
}

#if defined(__linux__)
namespace {

// The names the kernel shows for the server's threads (top -H, perf, /proc/PID/task/*/comm).
std::multiset<std::string> thread_names(pid_t pid) {
    std::multiset<std::string> names;
    for (const auto& task : std::filesystem::directory_iterator("/proc/" + std::to_string(pid) + "/task")) {
        std::ifstream comm(task.path() / "comm");
        std::string name;
        if (std::getline(comm, name)) names.insert(name);
    }
    return names;
}

}  // namespace

TEST_CASE("the server's threads are named for top -H and perf; the main thread keeps the process's name") {
    server_process server({.extra_args = {"--threads", "3", "--synchronous", "FULL"}});
    server.start();
    REQUIRE(server.admin("GET", "/admin/v1/apps").status == 200);  // started, and answering
    const auto names = thread_names(server.pid());
    INFO("threads: " << [&] {
        std::string all;
        for (const auto& n : names) all += n + " ";
        return all;
    }());
    CHECK(names.count("hs-writer") == 1);
    CHECK(names.count("hs-wal-sync") == 1);
    CHECK(names.count("hs-checkpoint") == 1);
    CHECK(names.count("hs-log") == 1);
    CHECK(names.count("hs-net-1") == 1);
    CHECK(names.count("hs-net-2") == 1);
    CHECK(names.count("hs-net-3") == 0);  // network loop 0 runs on the main thread
    std::ifstream main_comm("/proc/" + std::to_string(server.pid()) + "/comm");
    std::string main_name;
    std::getline(main_comm, main_name);
    CHECK(main_name == "hsoauth");  // ps, pidof and killall still find the server
    CHECK(server.stop() == 0);
}
#endif
