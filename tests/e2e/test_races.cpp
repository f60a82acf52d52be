// Concurrency against the real binary: an authorization code raced by 20 exchanges has exactly
// one winner, and a refresh racing a revoke of the same refresh token never leaves a live access
// token behind once the revoke was acknowledged.
//
// Requests go out from a pool of 40 threads, one fresh connection each (http_request); the
// threads of one round start together at a barrier so that the requests really overlap.
// HSOAUTH_RACE_CODES (default 1000) and HSOAUTH_RACE_ROUNDS (default 300) size the runs.

#include <doctest/doctest.h>

#include <atomic>
#include <barrier>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <functional>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "support/fixtures.hpp"
#include "support/http_client.hpp"
#include "support/server_process.hpp"

using namespace hsoauth::e2e;
using nlohmann::json;
using steady = std::chrono::steady_clock;

namespace {

constexpr int pool_size = 40;

int env_count(const char* name, int fallback) {
    const char* text = std::getenv(name);
    if (text == nullptr || *text == '\0') return fallback;
    const int value = std::atoi(text);
    return value > 0 ? value : fallback;
}

double seconds_since(steady::time_point start) {
    return std::chrono::duration<double>(steady::now() - start).count();
}

// What one request came back with, reduced to what the checks need. `http` is -1 when the
// request failed at the connection level (`detail` then says why).
struct outcome {
    int http = 0;
    std::string status;  // HubSpot "status" of an error body
    std::string access_token;
    std::string refresh_token;
    std::string detail;  // the body, or the connection error
};

outcome reduce(const http_response& r) {
    outcome o;
    o.http = r.status;
    const json body = json::parse(r.body, nullptr, false);
    if (body.is_object()) {
        o.status = body.value("status", "");
        o.access_token = body.value("access_token", "");
        o.refresh_token = body.value("refresh_token", "");
    }
    o.detail = r.body;
    return o;
}

// Runs `request` and reduces its answer; connection failures become http == -1.
outcome attempt(const std::function<http_response()>& request) {
    try {
        return reduce(request());
    } catch (const std::exception& e) {
        outcome o;
        o.http = -1;
        o.detail = e.what();
        return o;
    }
}

// Calls work(i) for every i in [0, n) from `threads` threads.
void parallel_for(int threads, int n, const std::function<void(int)>& work) {
    std::atomic<int> next{0};
    std::vector<std::thread> pool;
    for (int t = 0; t < threads; ++t) {
        pool.emplace_back([&] {
            for (int i = next++; i < n; i = next++) work(i);
        });
    }
    for (auto& t : pool) t.join();
}

// `rounds` rounds; in each, every one of `threads` threads waits at a barrier and then calls
// work(round, thread). The barrier makes the requests of one round overlap.
void raced_rounds(int threads, int rounds, const std::function<void(int, int)>& work) {
    std::barrier start(threads);
    std::vector<std::thread> pool;
    for (int t = 0; t < threads; ++t) {
        pool.emplace_back([&, t] {
            for (int round = 0; round < rounds; ++round) {
                start.arrive_and_wait();
                work(round, t);
            }
        });
    }
    for (auto& t : pool) t.join();
}

std::string admin_bearer(const server_process& server) { return "Bearer " + server.admin_key(); }

// POST /admin/v1/authorization-codes for `s`; thread-safe.
outcome mint(std::uint16_t port, const std::string& bearer, const std::string& body) {
    return attempt([&] {
        return http_request(port, "POST", "/admin/v1/authorization-codes",
                            {{"Authorization", bearer}, {"Content-Type", "application/json"}}, body);
    });
}

outcome post_form_body(std::uint16_t port, const std::string& body) {
    return attempt([&] {
        return http_request(port, "POST", "/oauth/v1/token",
                            {{"Content-Type", "application/x-www-form-urlencoded"}}, body);
    });
}

outcome get_token(std::uint16_t port, std::string_view prefix, const std::string& token) {
    return attempt([&] { return http_request(port, "GET", std::string(prefix) + url_encode(token)); });
}

outcome revoke(std::uint16_t port, const std::string& refresh_token) {
    return attempt(
        [&] { return http_request(port, "DELETE", "/oauth/v1/refresh-tokens/" + url_encode(refresh_token)); });
}

// Collects the first few problems of a run for the failure message, and counts them all.
class problems {
  public:
    void add(const std::string& what) {
        const std::lock_guard lock(mutex_);
        ++count_;
        if (examples_.size() < 10) examples_ += what + "\n";
    }
    int count() const { return count_; }
    const std::string& examples() const { return examples_; }

  private:
    std::mutex mutex_;
    int count_ = 0;
    std::string examples_;
};

}  // namespace

TEST_SUITE("concurrency") {

TEST_CASE("concurrency: each of 1,000 codes raced by 20 exchanges has exactly one winner") {
    const int codes = env_count("HSOAUTH_RACE_CODES", 1000);
    constexpr int racers = 20;
    constexpr int codes_per_round = pool_size / racers;
    server_process server;
    server.start();
    const auto port = server.port();
    const auto s = seed_sandbox(server);
    const auto bearer = admin_bearer(server);
    const std::string mint_body = code_request(s).dump();
    const auto started = steady::now();

    std::vector<std::string> code(static_cast<std::size_t>(codes));
    problems mint_problems;
    parallel_for(pool_size, codes, [&](int i) {
        const auto o = mint(port, bearer, mint_body);
        const json body = json::parse(o.detail, nullptr, false);
        if (o.http != 201 || !body.is_object() || !body.contains("code")) {
            mint_problems.add("mint " + std::to_string(i) + ": " + std::to_string(o.http) + " " + o.detail);
            return;
        }
        code[static_cast<std::size_t>(i)] = body["code"].get<std::string>();
    });
    INFO("minting: " << mint_problems.examples());
    REQUIRE(mint_problems.count() == 0);
    const double mint_seconds = seconds_since(started);

    std::vector<std::string> exchange_body(code.size());
    for (std::size_t i = 0; i < code.size(); ++i) exchange_body[i] = form_encode(code_grant_fields(s, code[i]));

    std::vector<outcome> results(code.size() * racers);
    const auto race_started = steady::now();
    const int rounds = (codes + codes_per_round - 1) / codes_per_round;
    raced_rounds(pool_size, rounds, [&](int round, int thread) {
        const int i = round * codes_per_round + thread / racers;
        if (i >= codes) return;
        results[static_cast<std::size_t>(i * racers + thread % racers)] =
            post_form_body(port, exchange_body[static_cast<std::size_t>(i)]);
    });
    const double race_seconds = seconds_since(race_started);

    problems race_problems;
    std::vector<std::string> winner(code.size());
    int server_errors = 0;
    for (std::size_t i = 0; i < code.size(); ++i) {
        int wins = 0;
        for (int r = 0; r < racers; ++r) {
            const auto& o = results[i * racers + static_cast<std::size_t>(r)];
            if (o.http >= 500 || o.http < 0) ++server_errors;
            if (o.http == 200 && !o.access_token.empty()) {
                ++wins;
                winner[i] = o.access_token;
            } else if (o.http != 400 || o.status != "BAD_AUTH_CODE") {
                race_problems.add("code " + std::to_string(i) + ": " + std::to_string(o.http) + " " + o.detail);
            }
        }
        if (wins != 1) race_problems.add("code " + std::to_string(i) + ": " + std::to_string(wins) + " winners");
    }

    // Every loser replayed a code that had been used: that revokes what the winner got.
    problems replay_problems;
    parallel_for(pool_size, codes, [&](int i) {
        const auto& token = winner[static_cast<std::size_t>(i)];
        if (token.empty()) return;
        const auto o = get_token(port, "/oauth/v1/access-tokens/", token);
        if (o.http != 401) {
            replay_problems.add("winner of code " + std::to_string(i) + " still answers " + std::to_string(o.http));
        }
    });

    MESSAGE(codes << " codes x " << racers << " exchanges: minting " << mint_seconds << " s, racing "
                  << race_seconds << " s (" << (codes * racers) / race_seconds << " exchanges/s), total "
                  << seconds_since(started) << " s");
    INFO("problems:\n" << race_problems.examples());
    CHECK(race_problems.count() == 0);
    CHECK(server_errors == 0);
    INFO("replay problems:\n" << replay_problems.examples());
    CHECK(replay_problems.count() == 0);
    CHECK(seconds_since(started) < 60.0);
}

TEST_CASE("concurrency: a refresh racing a revoke leaves no live access token once the revoke is acknowledged") {
    const int rounds = env_count("HSOAUTH_RACE_ROUNDS", 300);
    constexpr int per_round = 4;  // thread 0 revokes, threads 1-3 refresh
    constexpr int rounds_at_once = pool_size / per_round;
    server_process server;
    server.start();
    const auto port = server.port();
    const auto s = seed_sandbox(server);
    const auto bearer = admin_bearer(server);
    const std::string mint_body = code_request(s).dump();
    const auto started = steady::now();

    // One token pair per round, obtained beforehand.
    std::vector<outcome> initial(static_cast<std::size_t>(rounds));
    problems setup_problems;
    parallel_for(pool_size, rounds, [&](int i) {
        const auto minted = mint(port, bearer, mint_body);
        const json body = json::parse(minted.detail, nullptr, false);
        if (minted.http != 201 || !body.is_object() || !body.contains("code")) {
            setup_problems.add("mint: " + std::to_string(minted.http) + " " + minted.detail);
            return;
        }
        auto& out = initial[static_cast<std::size_t>(i)];
        out = post_form_body(port, form_encode(code_grant_fields(s, body["code"].get<std::string>())));
        if (out.http != 200) setup_problems.add("exchange: " + std::to_string(out.http) + " " + out.detail);
    });
    INFO("setup: " << setup_problems.examples());
    REQUIRE(setup_problems.count() == 0);

    std::vector<outcome> raced(static_cast<std::size_t>(rounds * per_round));
    const int groups = (rounds + rounds_at_once - 1) / rounds_at_once;
    raced_rounds(pool_size, groups, [&](int group, int thread) {
        const int i = group * rounds_at_once + thread / per_round;
        if (i >= rounds) return;
        const auto& refresh_token = initial[static_cast<std::size_t>(i)].refresh_token;
        auto& out = raced[static_cast<std::size_t>(i * per_round + thread % per_round)];
        if (thread % per_round == 0) {
            out = revoke(port, refresh_token);
        } else {
            out = post_form_body(port, form_encode(refresh_grant_fields(s, refresh_token)));
        }
    });

    // Every revoke is acknowledged by now: check what each round left behind.
    problems race_problems;
    std::atomic<int> refresh_won{0};
    std::atomic<int> revoke_won{0};
    std::atomic<int> access_checked{0};
    parallel_for(pool_size, rounds, [&](int i) {
        const auto round = std::to_string(i);
        const auto& first = initial[static_cast<std::size_t>(i)];
        const auto& revoked = raced[static_cast<std::size_t>(i * per_round)];
        if (revoked.http != 204) {
            race_problems.add("round " + round + ": revoke answered " + std::to_string(revoked.http) + " " +
                              revoked.detail);
            return;
        }
        std::vector<std::string> access = {first.access_token};
        bool any_refreshed = false;
        for (int k = 1; k < per_round; ++k) {
            const auto& o = raced[static_cast<std::size_t>(i * per_round + k)];
            if (o.http == 200) {
                any_refreshed = true;
                access.push_back(o.access_token);
                if (o.refresh_token != first.refresh_token) {
                    race_problems.add("round " + round + ": refresh returned another refresh token");
                }
            } else if (o.http != 400 || o.status != "BAD_REFRESH_TOKEN") {
                race_problems.add("round " + round + ": refresh answered " + std::to_string(o.http) + " " + o.detail);
            }
        }
        ++(any_refreshed ? refresh_won : revoke_won);
        for (const auto& token : access) {
            ++access_checked;
            const auto o = get_token(port, "/oauth/v1/access-tokens/", token);
            if (o.http != 401) {
                race_problems.add("round " + round + ": access token still answers " + std::to_string(o.http) +
                                  (token == first.access_token ? " (the one from the code)" : " (from a refresh)"));
            }
        }
        const auto meta = get_token(port, "/oauth/v1/refresh-tokens/", first.refresh_token);
        if (meta.http != 401) {
            race_problems.add("round " + round + ": revoked refresh token metadata answers " +
                              std::to_string(meta.http));
        }
        const auto again = post_form_body(port, form_encode(refresh_grant_fields(s, first.refresh_token)));
        if (again.http != 400 || again.status != "BAD_REFRESH_TOKEN") {
            race_problems.add("round " + round + ": refresh after the revoke answered " + std::to_string(again.http) +
                              " " + again.detail);
        }
    });

    MESSAGE(rounds << " rounds: a refresh got through in " << refresh_won.load() << ", the revoke came first in "
                   << revoke_won.load() << "; " << access_checked.load() << " access tokens checked; "
                   << seconds_since(started) << " s");
    INFO("problems:\n" << race_problems.examples());
    CHECK(race_problems.count() == 0);
    // Otherwise the interesting interleaving (a refresh succeeding just before the revoke) never ran.
    CHECK(refresh_won.load() > 0);
}

}  // TEST_SUITE("concurrency")

// ---- 20 suites at once, each in its own sandbox (issue 15) ----

#include "support/sandbox_client.hpp"

// Each suite also adds a fault rule (503 on its own client's token requests, 1–4 times by suite)
// and reads its own rules and journal: it sees its rule alone, fired as often as it asked, and
// exactly the fault events its own requests met.
TEST_CASE("sandboxes: 20 suites at once, each with its own clock, faults and journal, never see each other") {
    server_process server;
    server.start();
    constexpr int suites = 20;
    struct suite_result {
        sandbox_client sandbox;
        world w;
        issued_tokens tokens;
        std::int64_t advanced = 0;
        std::vector<std::string> problems;
    };
    std::vector<suite_result> results(suites);
    std::barrier start(suites);
    std::vector<std::thread> threads;
    for (int i = 0; i < suites; ++i) {
        threads.emplace_back([&, i] {
            suite_result& r = results[static_cast<std::size_t>(i)];
            const auto problem = [&](std::string text) { r.problems.push_back("suite " + std::to_string(i) + ": " + text); };
            try {
                start.arrive_and_wait();
                r.sandbox = create_sandbox(server, {{"name", "suite " + std::to_string(i)}});
                r.w = seed_world(r.sandbox, "suite" + std::to_string(i));  // the same hub and user ids in every suite
                r.tokens = issue(r.sandbox, r.w);
                // Suite i moves its clock 100 s × i: suites 19 and 18 past the 1,800 s lifetime.
                r.advanced = 100 * i;
                if (r.advanced > 0) advance(r.sandbox, r.advanced);
                const http_response info = r.sandbox.get("/oauth/v1/access-tokens/" + r.tokens.access_token);
                if (r.advanced >= 1800) {
                    if (info.status != 401 || info.json().value("status", "") != "EXPIRED_AUTHENTICATION")
                        problem("expected the access token expired, got " + std::to_string(info.status) + " " + info.body);
                } else if (info.status != 200 || info.json().at("expires_in").get<std::int64_t>() > 1800 - r.advanced ||
                           info.json().at("expires_in").get<std::int64_t>() < 1800 - r.advanced - 3) {
                    problem("expected expires_in " + std::to_string(1800 - r.advanced) + ", got " + info.body);
                }
                // Its own fault rule: the next `times` token requests of its client get 503.
                const int times = 1 + i % 4;
                const http_response added = r.sandbox.admin(
                    "POST", "/admin/v1/faults",
                    {{"match", {{"route", "token"}, {"client_id", r.w.client_id}}},
                     {"action", {{"kind", "server_error"}, {"status", 503}}},
                     {"times", times}});
                if (added.status != 201) problem("adding the fault rule: " + added.body);
                std::set<std::string> faulted;  // correlation ids of the 503s this suite met
                for (int k = 0; k < times; ++k) {
                    const http_response hit = refresh_with(r.sandbox, r.w, r.tokens.refresh_token);
                    if (hit.status != 503) problem("expected the fault's 503, got " + std::to_string(hit.status) + " " + hit.body);
                    faulted.insert(hit.header("X-HubSpot-Correlation-Id"));
                }
                const http_response refreshed = refresh_with(r.sandbox, r.w, r.tokens.refresh_token);
                if (refreshed.status != 200) problem("refresh after the fault was spent: " + refreshed.body);
                const json rules = r.sandbox.admin("GET", "/admin/v1/faults").json().at("results");
                if (rules.size() != 1 || rules[0].at("match").value("client_id", "") != r.w.client_id ||
                    rules[0].at("fired") != times)
                    problem("rules: " + rules.dump());
                std::set<std::string> fault_events;
                const json events = r.sandbox.admin("GET", "/admin/v1/events?limit=1000").json().at("results");
                for (const json& e : events) {
                    if (e.at("kind") == "fault") fault_events.insert(e.value("correlation_id", ""));
                    if (e.contains("client_id") && !e.at("client_id").is_null() && e.at("client_id") != r.w.client_id)
                        problem("an event of another suite: " + e.dump());
                }
                if (fault_events != faulted)
                    problem("the journal's fault events are not the 503s this suite met: " + std::to_string(fault_events.size()) +
                            " events for " + std::to_string(faulted.size()) + " faults");
                if (clock_offset(r.sandbox) != r.advanced) problem("the clock moved by another suite");
                const json apps = r.sandbox.admin("GET", "/admin/v1/apps").json().at("results");
                if (apps.size() != 1 || apps[0].at("client_id") != r.w.client_id) problem("apps: " + apps.dump());
                if (r.sandbox.del("/oauth/v1/refresh-tokens/" + r.tokens.refresh_token).status != 204)
                    problem("revoke refused");
            } catch (const std::exception& e) {
                problem(e.what());
            }
        });
    }
    for (auto& t : threads) t.join();
    for (const auto& r : results) {
        for (const auto& p : r.problems) FAIL_CHECK(p);
    }
    // Afterwards: each suite's tokens are unknown in every other suite, and its client too.
    for (int i = 0; i < suites; ++i) {
        const auto& mine = results[static_cast<std::size_t>(i)];
        const auto& other = results[static_cast<std::size_t>((i + 1) % suites)];
        const http_response seen = other.sandbox.get("/oauth/v1/access-tokens/" + mine.tokens.access_token);
        CHECK(seen.status == 401);
        CHECK(body_of(seen).value("status", "") == "INVALID_TOKEN");
        CHECK(refresh_with(other.sandbox, mine.w, mine.tokens.refresh_token).status == 401);  // BAD_CLIENT_ID
    }
    CHECK(server.admin("GET", "/admin/v1/sandboxes").json().at("results").size() == suites);
    CHECK(clock_offset(root_sandbox(server)) == 0);
    // The root saw none of the suites' rules or faults.
    CHECK(root_sandbox(server).admin("GET", "/admin/v1/faults").json().at("results").empty());
    CHECK(root_sandbox(server).admin("GET", "/admin/v1/events?kind=fault").json().at("results").empty());
}
