// util/held_wakeups.hpp: wake-ups held in a scope are sent once, at its end; outside a scope, and on
// other threads, nothing is held.
#include <doctest/doctest.h>

#include <thread>

#include "hsoauth/util/held_wakeups.hpp"

using hsoauth::util::held_wakeups;

namespace {

// A receiver that counts its wake-ups.
struct receiver {
    int woken = 0;
    static void wake(void* self) { ++static_cast<receiver*>(self)->woken; }
};

}  // namespace

TEST_CASE("held_wakeups: without a scope nothing is held, and the caller wakes the receiver") {
    receiver r;
    CHECK_FALSE(held_wakeups::hold(&receiver::wake, &r));
    CHECK(r.woken == 0);
}

TEST_CASE("held_wakeups: a scope sends what it held at its end, in order") {
    receiver a;
    receiver b;
    {
        const held_wakeups scope;
        CHECK(held_wakeups::hold(&receiver::wake, &a));
        CHECK(held_wakeups::hold(&receiver::wake, &b));
        CHECK(a.woken == 0);
        CHECK(b.woken == 0);
    }
    CHECK(a.woken == 1);
    CHECK(b.woken == 1);
    // Closed: the next hold is the caller's again.
    CHECK_FALSE(held_wakeups::hold(&receiver::wake, &a));
}

TEST_CASE("held_wakeups: a scope inside another adds nothing; the outer one sends") {
    receiver r;
    {
        const held_wakeups outer;
        {
            const held_wakeups inner;
            CHECK(held_wakeups::hold(&receiver::wake, &r));
        }
        CHECK(r.woken == 0);  // still held by the outer scope
    }
    CHECK(r.woken == 1);
}

TEST_CASE("held_wakeups: a scope holds only its own thread's wake-ups") {
    receiver r;
    const held_wakeups scope;
    bool held_elsewhere = true;
    std::thread([&] { held_elsewhere = held_wakeups::hold(&receiver::wake, &r); }).join();
    CHECK_FALSE(held_elsewhere);
}
