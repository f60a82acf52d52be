// A service reply (service/reply.hpp) and the callable it keeps its answer and taps in
// (util/inline_function.hpp): the taps see the outcome before the answer, the last added first,
// whatever their number, and a reply copies and moves like the std::function it replaced.
#include <doctest/doctest.h>

#include <array>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "hsoauth/service/outcome.hpp"
#include "hsoauth/util/inline_function.hpp"

using namespace hsoauth;

namespace {

struct value {
    int n = 0;
};

}  // namespace

TEST_CASE("inline_function: small and large callables, copies and moves, empty") {
    auto counter = std::make_shared<int>(0);
    inline_function<int(int), 32> small = [counter](int x) { return ++*counter + x; };
    std::array<char, 200> padding{};
    padding[0] = 5;
    inline_function<int(int), 32> large = [counter, padding](int x) { return ++*counter + x + padding[0]; };
    CHECK(small(10) == 11);
    CHECK(large(10) == 17);

    auto small_copy = small;
    auto large_copy = large;
    CHECK(small_copy(0) == 3);
    CHECK(large_copy(0) == 9);

    auto moved = std::move(large);
    CHECK_FALSE(large);
    CHECK(moved(0) == 10);
    CHECK_THROWS_AS(large(0), std::bad_function_call);

    small = nullptr;
    CHECK(small == nullptr);
    small = std::move(moved);
    CHECK(small(0) == 11);
    // Every copy released what it captured: only `counter` holds it once all are gone.
    small = nullptr;
    small_copy = nullptr;
    large_copy = nullptr;
    CHECK(counter.use_count() == 1);
}

TEST_CASE("reply: taps see the outcome before the answer, the last added first, and may change it") {
    std::vector<std::string> seen;
    service::reply<value> done = [&seen](service::outcome<value>&& out) {
        seen.push_back("answer " + std::to_string(out.ok() ? out.value().n : -1));
    };
    done.tap([&seen](service::outcome<value>& out) {
        seen.push_back("outer " + std::to_string(out.value().n));
        out.value().n += 1;
    });
    done.tap([&seen](service::outcome<value>& out) {
        seen.push_back("inner " + std::to_string(out.value().n));
        out.value().n *= 10;
    });
    auto moved = std::move(done);
    moved(value{4});
    CHECK(seen == std::vector<std::string>{"inner 4", "outer 40", "answer 41"});
}

TEST_CASE("reply: more taps than it holds in place still run, in the same order") {
    std::vector<int> order;
    service::reply<value> done = [&order](service::outcome<value>&&) { order.push_back(0); };
    const int taps = static_cast<int>(service::reply<value>::max_taps) * 2 + 1;
    for (int i = 1; i <= taps; ++i) done.tap([&order, i](service::outcome<value>&) { order.push_back(i); });
    const service::reply<value> copy = done;
    copy(value{});
    REQUIRE(order.size() == static_cast<std::size_t>(taps + 1));
    for (int i = 0; i < taps; ++i) CHECK(order[static_cast<std::size_t>(i)] == taps - i);
    CHECK(order.back() == 0);
}

TEST_CASE("reply: a refusal reaches the answer through the taps") {
    int refused = 0;
    int tapped = 0;
    service::reply<value> done = [&refused](service::outcome<value>&& out) {
        if (out.error() != nullptr) ++refused;
    };
    done.tap([&tapped](service::outcome<value>& out) { tapped += out.ok() ? 0 : 1; });
    done(oauth::make_error(oauth::errc::unknown_token));
    CHECK(refused == 1);
    CHECK(tapped == 1);
}
