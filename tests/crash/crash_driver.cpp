// Crash driver: SIGKILLs the real hsoauth server at random moments while clients mint, exchange,
// refresh and revoke (in the root sandbox and in two others), restarts it over the same database
// each time, and then checks the
// durability promise: every token the server acknowledged still works, every acknowledged
// revocation still holds, and `PRAGMA integrity_check` says ok.
//
// usage: hsoauth_crash_driver [--binary PATH] [--kills N] [--clients K] [--seed S] [--keep]
//   binary: --binary, else $HSOAUTH_BINARY, else the hsoauth this was built with
//   kills:  --kills, else $HSOAUTH_CRASH_KILLS, else 50
// Prints what it checked and a final "N passed, M failed" line; exits 1 on any failure, 2 on
// bad usage.

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "crash_client.hpp"
#include "crash_server.hpp"
#include "support/http_client.hpp"

#ifndef HSOAUTH_BINARY
#error "HSOAUTH_BINARY must name the server binary (it comes with hsoauth_e2e_support)"
#endif

namespace {

using namespace hsoauth::crash;
using hsoauth::e2e::http_request;
using hsoauth::e2e::url_encode;
using nlohmann::json;
using steady = std::chrono::steady_clock;

struct options {
    std::string binary = HSOAUTH_BINARY;
    int kills = 50;
    int clients = 8;
    unsigned seed = std::random_device{}();
    bool keep = false;
};

[[noreturn]] void usage(const std::string& why) {
    std::cerr << "hsoauth_crash_driver: " << why
              << "\nusage: hsoauth_crash_driver [--binary PATH] [--kills N] [--clients K] [--seed S] [--keep]\n";
    std::exit(2);
}

int positive(const std::string& text, const char* what) {
    char* end = nullptr;
    const long value = std::strtol(text.c_str(), &end, 10);
    if (end == text.c_str() || *end != '\0' || value < 1 || value > 100000) usage(std::string("bad ") + what);
    return static_cast<int>(value);
}

options parse(int argc, char** argv) {
    options o;
    if (const char* b = std::getenv("HSOAUTH_BINARY"); b != nullptr && *b != '\0') o.binary = b;
    if (const char* k = std::getenv("HSOAUTH_CRASH_KILLS"); k != nullptr && *k != '\0') {
        o.kills = positive(k, "HSOAUTH_CRASH_KILLS");
    }
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        const auto value = [&]() -> std::string {
            if (i + 1 >= argc) usage(arg + " needs a value");
            return argv[++i];
        };
        if (arg == "--binary") {
            o.binary = value();
        } else if (arg == "--kills") {
            o.kills = positive(value(), "--kills");
        } else if (arg == "--clients") {
            o.clients = positive(value(), "--clients");
        } else if (arg == "--seed") {
            const std::string text = value();
            char* end = nullptr;
            const unsigned long seed = std::strtoul(text.c_str(), &end, 10);
            if (end == text.c_str() || *end != '\0' || seed > 0xffffffffUL) usage("bad --seed");
            o.seed = static_cast<unsigned>(seed);
        } else if (arg == "--keep") {
            o.keep = true;
        } else {
            usage("unknown argument " + arg);
        }
    }
    if (::access(o.binary.c_str(), X_OK) != 0) usage("not an executable: " + o.binary);
    return o;
}

// Pass/fail tally; failures are printed as they happen (the first 20 of them).
class tally {
  public:
    void check(bool ok, const std::string& what) {
        const std::lock_guard lock(mutex_);
        if (ok) {
            ++passed_;
            return;
        }
        if (++failed_ <= 20) std::cout << "FAIL: " << what << "\n";
    }
    int passed() const { return passed_; }
    int failed() const { return failed_; }

  private:
    std::mutex mutex_;
    int passed_ = 0;
    int failed_ = 0;
};

std::string make_dir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "hsoauth-crash-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    return pattern;
}

// Seeds one hub, user and app through the admin API of the sandbox under `prefix` ("" for the root).
app_identity seed(const crash_server& server, const std::string& prefix = "") {
    app_identity app{.client_id = "crash-client",
                     .client_secret = "CrashSecret0123456789abcdefABCDEF",
                     .redirect_uri = "https://crash.example.com/callback",
                     .hub_id = 424242,
                     .user_id = 434343,
                     .scopes = {"oauth", "crm.objects.contacts.read"},
                     .prefix = prefix};
    const json body = {
        {"hubs", json::array({{{"hub_id", app.hub_id}, {"hub_domain", "crash.example.com"}}})},
        {"users", json::array({{{"user_id", app.user_id}, {"email", "crash@example.com"}, {"hub_ids", {app.hub_id}}}})},
        {"apps", json::array({{{"name", "crash app"},
                               {"client_id", app.client_id},
                               {"client_secret", app.client_secret},
                               {"redirect_uris", {app.redirect_uri}},
                               {"scopes", app.scopes}}})}};
    const auto r = http_request(server.port(), "POST", prefix + "/admin/v1/seed",
                                {{"Authorization", "Bearer " + server.admin_key()}, {"Content-Type", "application/json"}},
                                body.dump());
    if (r.status != 200) throw std::runtime_error("seeding failed: " + std::to_string(r.status) + " " + r.body);
    return app;
}

int status_of(std::uint16_t port, const std::string& target) {
    try {
        return http_request(port, "GET", target).status;
    } catch (const std::exception&) {
        return -1;
    }
}

struct verification {
    std::atomic<int> access_live{0};
    std::atomic<int> access_revoked{0};
    std::atomic<int> refresh_live{0};
    std::atomic<int> refresh_revoked{0};
    std::atomic<int> skipped_families{0};
};

// Checks every family against what was acknowledged, from 8 threads.
void verify(const std::vector<token_family>& families, std::uint16_t port, tally& t, verification& v) {
    std::atomic<std::size_t> next{0};
    std::vector<std::thread> pool;
    for (int i = 0; i < 8; ++i) {
        pool.emplace_back([&] {
            for (std::size_t k = next++; k < families.size(); k = next++) {
                const auto& f = families[k];
                if (f.uncertain) {
                    ++v.skipped_families;
                    continue;
                }
                const int want = f.revoked ? 401 : 200;
                const char* state = f.revoked ? "acknowledged revoked" : "acknowledged live";
                for (const auto& a : f.access_tokens) {
                    const int got = status_of(port, f.prefix + "/oauth/v1/access-tokens/" + url_encode(a));
                    t.check(got == want, std::string(state) + " access token answers " + std::to_string(got));
                    ++(f.revoked ? v.access_revoked : v.access_live);
                }
                const int got = status_of(port, f.prefix + "/oauth/v1/refresh-tokens/" + url_encode(f.refresh_token));
                t.check(got == want, std::string(state) + " refresh token answers " + std::to_string(got));
                ++(f.revoked ? v.refresh_revoked : v.refresh_live);
            }
        });
    }
    for (auto& thread : pool) thread.join();
}

double seconds_since(steady::time_point start) {
    return std::chrono::duration<double>(steady::now() - start).count();
}

int run(const options& o) {
    const std::string dir = make_dir();
    std::cout << "crash driver: " << o.kills << " kills, " << o.clients << " clients, seed " << o.seed << ", binary "
              << o.binary << ", dir " << dir << std::endl;
    tally t;
    crash_server server(o.binary, dir, "crash-admin-key-0123");
    const auto started = steady::now();
    server.start();
    // The clients share out over the root and two sandboxes (the same app in each world).
    std::vector<app_identity> worlds = {seed(server)};
    std::vector<std::string> sandbox_ids;
    for (int i = 0; i < 2; ++i) {
        const auto created = http_request(server.port(), "POST", "/admin/v1/sandboxes",
                                          {{"Authorization", "Bearer " + server.admin_key()}}, "{}");
        if (created.status != 201) throw std::runtime_error("creating a sandbox failed: " + created.body);
        sandbox_ids.push_back(json::parse(created.body).at("id").get<std::string>());
        worlds.push_back(seed(server, "/sandboxes/" + sandbox_ids.back()));
    }

    std::atomic<std::uint16_t> port{server.port()};
    std::atomic<bool> stop{false};
    std::vector<client_record> records(static_cast<std::size_t>(o.clients));
    std::vector<std::thread> clients;
    for (int c = 0; c < o.clients; ++c) {
        clients.emplace_back([&, c] {
            records[static_cast<std::size_t>(c)] =
                run_client(worlds[static_cast<std::size_t>(c) % worlds.size()], server.admin_key(), port, stop,
                           o.seed + static_cast<unsigned>(c) + 1U);
        });
    }

    std::mt19937 random(o.seed);
    std::uniform_int_distribution<int> pause_ms(50, 500);
    double restart_total_ms = 0;
    for (int k = 0; k < o.kills; ++k) {
        std::this_thread::sleep_for(std::chrono::milliseconds(pause_ms(random)));
        server.kill9();
        const auto restart_from = steady::now();
        server.start();
        restart_total_ms += seconds_since(restart_from) * 1000.0;
        port = server.port();
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    stop = true;
    for (auto& c : clients) c.join();
    const double crash_seconds = seconds_since(started);

    // A last crash, then the database as the next start would find it.
    server.kill9();
    int integrity_status = 0;
    const auto integrity =
        run_capture({"/usr/bin/sqlite3", "-batch", server.db_path(), "PRAGMA integrity_check"}, integrity_status);
    t.check(integrity_status == 0 && integrity == "ok", "PRAGMA integrity_check printed \"" + integrity + "\"");
    for (const auto& id : sandbox_ids) {
        const std::string file = server.db_path() + ".sandboxes/" + id + ".db";
        int status = 0;
        const auto checked = run_capture({"/usr/bin/sqlite3", "-batch", file, "PRAGMA integrity_check"}, status);
        t.check(status == 0 && checked == "ok", "sandbox " + id + ": PRAGMA integrity_check printed \"" + checked + "\"");
    }

    client_record all;
    for (auto& r : records) {
        all.codes_minted += r.codes_minted;
        all.exchanges += r.exchanges;
        all.refreshes += r.refreshes;
        all.revocations += r.revocations;
        all.unanswered += r.unanswered;
        for (auto& a : r.anomalies) all.anomalies.push_back(std::move(a));
        for (auto& f : r.families) all.families.push_back(std::move(f));
    }
    for (const auto& a : all.anomalies) t.check(false, "while crashing: " + a);
    t.check(all.exchanges > 0, "some exchanges were acknowledged");

    server.start();
    verification v;
    verify(all.families, server.port(), t, v);
    const int exit_status = server.stop();
    t.check(exit_status == 0, "graceful stop after verification exited " + std::to_string(exit_status));

    std::cout << "crashed " << o.kills << " times in " << crash_seconds << " s (restart avg "
              << (o.kills > 0 ? restart_total_ms / o.kills : 0.0) << " ms)\n"
              << "acknowledged: " << all.codes_minted << " codes, " << all.exchanges << " exchanges, " << all.refreshes
              << " refreshes, " << all.revocations << " revocations; " << all.unanswered
              << " requests cut off by kills; " << v.skipped_families.load()
              << " token families skipped (revoke unanswered)\n"
              << "checked: " << v.access_live.load() << " live access tokens (200), " << v.access_revoked.load()
              << " revoked access tokens (401), " << v.refresh_live.load() << " live refresh tokens (200), "
              << v.refresh_revoked.load() << " revoked refresh tokens (401), integrity_check \"" << integrity
              << "\"; " << all.anomalies.size() << " anomalies while crashing\n"
              << "total " << seconds_since(started) << " s\n"
              << t.passed() << " passed, " << t.failed() << " failed" << std::endl;
    if (t.failed() == 0 && !o.keep) {
        std::error_code ignored;
        std::filesystem::remove_all(dir, ignored);
    } else {
        std::cout << "kept " << dir << std::endl;
    }
    return t.failed() == 0 ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
    const options o = parse(argc, argv);
    try {
        return run(o);
    } catch (const std::exception& e) {
        std::cout << "crash driver aborted: " << e.what() << "\n0 passed, 1 failed" << std::endl;
        return 1;
    }
}
