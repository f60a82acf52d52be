// The journal's token directory (controls/token_directory.hpp): owners found by token id, known
// ones completed and not moved, the oldest forgotten beyond the capacity; checked against a plain
// map and queue over random ids (many collide in its index, and forgetting moves its entries).
#include <doctest/doctest.h>

#include <deque>
#include <map>
#include <string>

#include "hsoauth/controls/token_directory.hpp"

using hsoauth::controls::token_directory;
using hsoauth::controls::token_owner;

TEST_CASE("token directory: a known token's owner is completed, never replaced, and keeps its place") {
    token_directory directory(2);
    directory.remember(7, token_owner{0, 62515, 0, "", 0});
    directory.remember(7, token_owner{3, 99, 4, "client-a", 5});
    const token_owner* owner = directory.find(7);
    REQUIRE(owner);
    CHECK(owner->app_id == 3);
    CHECK(owner->hub_id == 62515);
    CHECK(owner->client_id == "client-a");
    CHECK(owner->refresh_id == 5);
    directory.remember(8, token_owner{1, 1, 1, "b", 0});
    directory.remember(9, token_owner{1, 1, 1, "c", 0});  // 7, learned first, is forgotten
    CHECK_FALSE(directory.find(7));
    CHECK(directory.find(9)->client_id == "c");
    directory.clear();
    CHECK_FALSE(directory.find(9));
    CHECK(directory.size() == 0);
    directory.remember(9, token_owner{2, 2, 2, "again", 0});
    CHECK(directory.find(9)->app_id == 2);
}

TEST_CASE("token directory: agrees with a map and a queue over random ids, across evictions and growth") {
    const std::size_t capacity = 300;
    token_directory directory(capacity);
    std::map<std::int64_t, std::int64_t> model;  // id -> hub id
    std::deque<std::int64_t> order;
    unsigned seed = 12345;
    const auto next = [&seed] {
        seed = seed * 1103515245u + 12345u;
        return seed >> 8;
    };
    for (int step = 0; step < 20000; ++step) {
        // Row ids mostly count up, some repeat or come from far away.
        const unsigned pick = next() % 10;
        const std::int64_t id = pick < 6 ? step : pick < 9 ? static_cast<std::int64_t>(next() % 2000)
                                                            : static_cast<std::int64_t>(next()) * 1000003;
        const std::int64_t hub = step + 1;
        directory.remember(id, token_owner{0, hub, 0, "", 0});
        if (model.try_emplace(id, hub).second) {
            order.push_back(id);
            if (order.size() > capacity) {
                model.erase(order.front());
                order.pop_front();
            }
        }
        REQUIRE(directory.size() == model.size());
        const std::int64_t probe = static_cast<std::int64_t>(next() % 20000);
        const auto known = model.find(probe);
        const token_owner* found = directory.find(probe);
        REQUIRE((found != nullptr) == (known != model.end()));
        if (found != nullptr) CHECK(found->hub_id == known->second);
    }
    for (const auto& [id, hub] : model) {
        const token_owner* found = directory.find(id);
        REQUIRE(found);
        CHECK(found->hub_id == hub);
    }
}
