// Rolling-window rate limits (gateway/rolling_window_limiter.hpp, gateway/api_rate_limits.hpp).
// Time is passed in: the tests move it instead of sleeping.
#include <doctest/doctest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "hsoauth/gateway/api_rate_limits.hpp"

using namespace hsoauth::gateway;

namespace {

constexpr std::int64_t app = 456789;
constexpr std::int64_t hub = 62515;

// Spends `count` calls of `app` on `hub`, one per millisecond from `start`; returns how many
// were allowed.
int spend(api_rate_limits& limits, int count, std::int64_t start, std::int64_t app_id = app,
          std::int64_t hub_id = hub) {
    int allowed = 0;
    for (int i = 0; i < count; ++i)
        allowed += limits.acquire(app_id, hub_id, start + i).allowed ? 1 : 0;
    return allowed;
}

}  // namespace

TEST_CASE("gateway: 110 calls in 10 s are allowed, the 111th is refused with the exact wait") {
    api_rate_limits limits;
    for (int i = 0; i < 110; ++i) {
        const rate_decision d = limits.acquire(app, hub, i);  // at 0, 1, ..., 109 ms
        REQUIRE(d.allowed);
        CHECK(d.limit == 110);
        CHECK(d.remaining == 109 - i);
        CHECK(d.interval_ms == 10'000);
        CHECK(d.retry_after_ms == 0);
    }
    const rate_decision refused = limits.acquire(app, hub, 2'500);
    CHECK_FALSE(refused.allowed);
    CHECK(refused.remaining == 0);
    CHECK(refused.limit == 110);
    CHECK(refused.interval_ms == 10'000);
    CHECK(refused.retry_after_ms == 7'500);  // the call at 0 ms leaves the window at 10,000 ms
}

TEST_CASE("gateway: the window rolls: each old call leaving it makes room for one new call") {
    api_rate_limits limits;
    REQUIRE(spend(limits, 110, 0) == 110);  // at 0..109 ms

    CHECK(limits.acquire(app, hub, 9'999).retry_after_ms == 1);
    const rate_decision first = limits.acquire(app, hub, 10'000);  // the call at 0 has left
    CHECK(first.allowed);
    CHECK(first.remaining == 0);
    const rate_decision next = limits.acquire(app, hub, 10'000);  // the call at 1 has not
    CHECK_FALSE(next.allowed);
    CHECK(next.retry_after_ms == 1);
    CHECK(limits.acquire(app, hub, 10'001).allowed);
    for (int i = 0; i < 50; ++i) CHECK_FALSE(limits.acquire(app, hub, 10'001).allowed);

    // Refused calls are not recorded: at 20,000 ms the window holds the call at 10,001 alone.
    const rate_decision later = limits.acquire(app, hub, 20'000);
    CHECK(later.allowed);
    CHECK(later.remaining == 108);
}

TEST_CASE("gateway: a rolling window is not a fixed one") {
    api_rate_limits limits;
    // 110 calls at the end of one 10 s span...
    REQUIRE(spend(limits, 110, 9'890) == 110);  // 9,890..9,999 ms
    // ...still count at the start of the next one: a fixed window would allow these.
    CHECK(spend(limits, 10, 10'000) == 0);
    const rate_decision d = limits.acquire(app, hub, 15'000);
    CHECK_FALSE(d.allowed);
    CHECK(d.retry_after_ms == 4'890);
    CHECK(spend(limits, 110, 19'890) == 110);
}

TEST_CASE("gateway: each app and hub pair has its own window, and an app may have its own limit") {
    api_rate_limits limits;
    limits.set_app_limit(app, 3);
    CHECK(limits.app_limit(app) == 3);
    CHECK(limits.app_limit(app + 1) == 110);

    CHECK(spend(limits, 5, 0) == 3);
    const rate_decision refused = limits.acquire(app, hub, 100);
    CHECK(refused.limit == 3);
    CHECK(refused.retry_after_ms == 9'900);

    CHECK(spend(limits, 120, 0, app + 1, hub) == 110);  // another app on the same hub
    CHECK(spend(limits, 5, 0, app, hub + 1) == 3);      // the same app on another hub

    // Back to the default: the 3 calls already in the window count against 110.
    limits.set_app_limit(app, std::nullopt);
    const rate_decision d = limits.acquire(app, hub, 200);
    CHECK(d.allowed);
    CHECK(d.limit == 110);
    CHECK(d.remaining == 110 - 4);

    limits.set_app_limit(app, 0);  // taken as 1
    CHECK(limits.app_limit(app) == 1);
}

TEST_CASE("gateway: lowering a limit refuses until enough calls have left the window") {
    rolling_window_limiter limiter(10'000, 64);
    const rolling_window_limiter::key k{1, 2};
    for (int i = 0; i < 10; ++i) REQUIRE(limiter.acquire(k, 10, i * 100).allowed);  // 0..900 ms
    // With a limit of 4, one more fits when 3 are left: seven must leave, the seventh oldest
    // (600 ms) at 10,600 ms.
    const rate_decision d = limiter.acquire(k, 4, 1'000);
    CHECK_FALSE(d.allowed);
    CHECK(d.retry_after_ms == 9'600);
    CHECK_FALSE(limiter.acquire(k, 4, 10'599).allowed);
    const rate_decision after = limiter.acquire(k, 4, 10'600);
    CHECK(after.allowed);
    CHECK(after.remaining == 0);
}

TEST_CASE("gateway: Search calls have their own limit of 5 per second per hub") {
    api_rate_limits limits;
    for (int i = 0; i < 5; ++i) {
        const rate_decision d = limits.acquire_search(hub, 1'000 + i);
        REQUIRE(d.allowed);
        CHECK(d.limit == 5);
        CHECK(d.interval_ms == 1'000);
        CHECK(d.remaining == 4 - i);
    }
    const rate_decision refused = limits.acquire_search(hub, 1'200);
    CHECK_FALSE(refused.allowed);
    CHECK(refused.retry_after_ms == 800);
    CHECK(limits.acquire_search(hub + 1, 1'200).allowed);  // another hub
    CHECK(limits.acquire_search(hub, 2'000).allowed);
    // Search calls do not count against the ten-secondly limit.
    CHECK(limits.acquire(app, hub, 2'000).remaining == 109);
}

TEST_CASE("gateway: a time earlier than the key's latest call is taken as that call's time") {
    rolling_window_limiter limiter(10'000, 64);
    const rolling_window_limiter::key k{7, 8};
    REQUIRE(limiter.acquire(k, 1, 5'000).allowed);
    const rate_decision d = limiter.acquire(k, 1, 4'000);
    CHECK_FALSE(d.allowed);
    CHECK(d.retry_after_ms == 10'000);  // counted from 5,000, not 4,000
}

TEST_CASE("gateway: the limiter tracks at most max_keys keys") {
    rolling_window_limiter limiter(10'000, 1'024);
    const rolling_window_limiter::key first{1, 1};
    REQUIRE(limiter.acquire(first, 2, 0).allowed);
    for (std::int64_t i = 0; i < 100'000; ++i) {
        REQUIRE(limiter.acquire({1000 + i, i}, 110, 1).allowed);  // all active within one window
        if (i % 10'000 == 0) CHECK(limiter.tracked_keys() <= 1'024);
    }
    CHECK(limiter.tracked_keys() == 1'024);  // every shard full, none over
    // The first key was evicted while active: its count started afresh (documented trade-off).
    const rate_decision d = limiter.acquire(first, 2, 2);
    CHECK(d.allowed);
    CHECK(d.remaining == 1);
    // A recent key kept its state.
    const rate_decision recent = limiter.acquire({1000 + 99'999, 99'999}, 110, 2);
    CHECK(recent.remaining == 108);
}

TEST_CASE("gateway: idle keys are dropped as traffic goes on, whichever keys it is for") {
    rolling_window_limiter limiter(10'000, 16'384);
    for (std::int64_t i = 0; i < 1'000; ++i) REQUIRE(limiter.acquire({i, i}, 110, 0).allowed);
    CHECK(limiter.tracked_keys() == 1'000);
    // A window later every one of them is idle; one busy key's calls sweep all shards.
    const rolling_window_limiter::key busy{-1, -1};
    for (int i = 0; i < 2'000; ++i) limiter.acquire(busy, 110, 10'000);
    CHECK(limiter.tracked_keys() == 1);
}

TEST_CASE("gateway: concurrent calls on one key never exceed the limit") {
    rolling_window_limiter limiter(10'000, 16'384);
    std::atomic<int> allowed{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
        threads.emplace_back([&, t] {
            for (int i = 0; i < 1'000; ++i) {
                // Other keys too, so that the sweeps and the shards' locks interleave.
                limiter.acquire({t + 100, i}, 110, 0);
                if (limiter.acquire({1, 1}, 110, 0).allowed) allowed.fetch_add(1);
            }
        });
    }
    for (auto& thread : threads) thread.join();
    CHECK(allowed.load() == 110);
}
