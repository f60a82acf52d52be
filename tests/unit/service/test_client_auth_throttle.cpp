// The failed-authentication throttle on its own: counted per subject and source address, lifted
// when the window of the first failure has passed, bounded by forgetting the least recently used
// pair rather than everything.
#include <doctest/doctest.h>

#include <string>
#include <thread>
#include <vector>

#include "hsoauth/service/client_auth_throttle.hpp"

using hsoauth::service::client_auth_throttle;

TEST_CASE("throttle: limit failures lock the client from that address only, until the window passes") {
    client_auth_throttle throttle(3, 60);
    for (int i = 0; i < 3; ++i) {
        CHECK(throttle.retry_after("app", "10.0.0.9", 1000) == 0);
        throttle.record_failure("app", "10.0.0.9", 1000);
    }
    CHECK(throttle.retry_after("app", "10.0.0.9", 1000) == 60);
    CHECK(throttle.retry_after("app", "10.0.0.9", 1059) == 1);
    CHECK(throttle.retry_after("app", "10.0.0.9", 1060) == 0);
    // The real app's own address, and another client from the attacker's address, are heard.
    CHECK(throttle.retry_after("app", "10.0.0.1", 1000) == 0);
    CHECK(throttle.retry_after("other-app", "10.0.0.9", 1000) == 0);
    // A subject and source that only concatenate alike are different pairs.
    throttle.record_failure("ab", "c", 1000);
    throttle.record_failure("ab", "c", 1000);
    throttle.record_failure("ab", "c", 1000);
    CHECK(throttle.retry_after("ab", "c", 1000) > 0);
    CHECK(throttle.retry_after("a", "bc", 1000) == 0);
}

TEST_CASE("throttle: the window starts at a pair's first failure; failures after it start a new one") {
    client_auth_throttle throttle(3, 60);
    throttle.record_failure("app", "a", 0);
    throttle.record_failure("app", "a", 30);
    throttle.record_failure("app", "a", 59);
    CHECK(throttle.retry_after("app", "a", 59) == 1);
    CHECK(throttle.retry_after("app", "a", 60) == 0);
    // A failure every 20 s from that address never reaches the limit again within one window.
    for (std::int64_t t = 60; t < 600; t += 20) {
        throttle.record_failure("app", "a", t);
        CHECK(throttle.retry_after("app", "b", t) == 0);
    }
}

TEST_CASE("throttle: a limit of 0 switches it off") {
    client_auth_throttle throttle(0, 60);
    for (int i = 0; i < 100; ++i) throttle.record_failure("app", "a", 5);
    CHECK(throttle.retry_after("app", "a", 5) == 0);
    CHECK(throttle.tracked() == 0);
}

TEST_CASE("throttle: a full table forgets the least recently used pair, never the whole table") {
    client_auth_throttle throttle(2, 60, 100);
    throttle.record_failure("victim", "attacker", 10);
    throttle.record_failure("victim", "attacker", 10);
    REQUIRE(throttle.retry_after("victim", "attacker", 10) > 0);
    // 99 other pairs fill the table: the locked pair is still there.
    for (int i = 0; i < 99; ++i) throttle.record_failure("unknown-" + std::to_string(i), "attacker", 11);
    CHECK(throttle.tracked() == 100);
    CHECK(throttle.retry_after("victim", "attacker", 12) > 0);  // also marks it used just now
    // More pairs push out the oldest ones, one each, and not the pair refused a moment ago.
    for (int i = 99; i < 150; ++i) throttle.record_failure("unknown-" + std::to_string(i), "attacker", 13);
    CHECK(throttle.tracked() == 100);
    CHECK(throttle.retry_after("victim", "attacker", 13) > 0);
    // Only once every other pair has been used more recently does it go.
    for (int i = 150; i < 250; ++i) throttle.record_failure("unknown-" + std::to_string(i), "attacker", 14);
    CHECK(throttle.retry_after("victim", "attacker", 14) == 0);
    CHECK(throttle.tracked() == 100);
}

TEST_CASE("throttle: counts from many threads add up") {
    client_auth_throttle throttle(4000, 60, 64);
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
        threads.emplace_back([&throttle, t] {
            for (int i = 0; i < 1000; ++i) {
                throttle.record_failure("shared", "a", 100);
                throttle.record_failure("own-" + std::to_string(t), std::to_string(i % 50), 100);
                (void)throttle.retry_after("shared", "a", 100);
            }
        });
    }
    for (auto& t : threads) t.join();
    CHECK(throttle.retry_after("shared", "a", 100) == 60);
    CHECK(throttle.tracked() <= 64);
}

TEST_CASE("throttle: a clock moved back before the first failure (a sandbox reset) lifts the refusal") {
    client_auth_throttle throttle(3, 60);
    const std::int64_t advanced = 1000 + 365 * 86400;  // the sandbox clock a year ahead
    for (int i = 0; i < 3; ++i) throttle.record_failure("app", "a", advanced);
    REQUIRE(throttle.retry_after("app", "a", advanced) == 60);
    // Back to real time: not a year and a minute of refusal.
    CHECK(throttle.retry_after("app", "a", 1000) == 0);
    // Failures from then on count in a window on the new clock.
    for (int i = 0; i < 3; ++i) throttle.record_failure("app", "a", 1000);
    CHECK(throttle.retry_after("app", "a", 1000) == 60);
    CHECK(throttle.retry_after("app", "a", 1060) == 0);
}
