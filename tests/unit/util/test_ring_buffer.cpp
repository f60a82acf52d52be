// ring_buffer and block_queue (util/): first in, first out across wrap-arounds and growth, and
// indexing from the oldest.
#include <doctest/doctest.h>

#include <deque>
#include <string>

#include "hsoauth/util/block_queue.hpp"
#include "hsoauth/util/ring_buffer.hpp"

using hsoauth::ring_buffer;

TEST_CASE("ring_buffer: behaves as a deque under pushes and pops in any interleaving") {
    ring_buffer<std::string> ring(40);
    std::deque<std::string> model;
    unsigned seed = 7;
    for (int step = 0; step < 5000; ++step) {
        seed = seed * 1103515245u + 12345u;
        const bool push = model.empty() || (seed >> 16) % 3 != 0 || model.size() < 5;
        if (push && model.size() < 60) {  // beyond the growth limit too
            std::string value = "value number " + std::to_string(step);  // on the heap: moves count
            model.push_back(value);
            ring.push_back(std::move(value));
        } else {
            model.pop_front();
            ring.pop_front();
        }
        REQUIRE(ring.size() == model.size());
        if (!model.empty()) {
            CHECK(ring.front() == model.front());
            CHECK(ring.back() == model.back());
            const std::size_t middle = model.size() / 2;
            CHECK(ring[middle] == model[middle]);
        }
    }
    ring.clear();
    CHECK(ring.empty());
    ring.push_back("again");
    CHECK(ring.front() == "again");
}

TEST_CASE("block_queue: behaves as a deque under pushes and pops, across blocks reused and added") {
    hsoauth::block_queue<std::string, 4> queue(10);
    std::deque<std::string> model;
    unsigned seed = 11;
    for (int step = 0; step < 5000; ++step) {
        seed = seed * 1103515245u + 12345u;
        const bool push = model.empty() || (seed >> 16) % 3 != 0;
        if (push && model.size() < 30) {  // beyond the expected limit too
            std::string value = "value number " + std::to_string(step);
            model.push_back(value);
            queue.push_back(std::move(value));
        } else if (!model.empty()) {
            model.pop_front();
            queue.pop_front();
        }
        REQUIRE(queue.size() == model.size());
        for (std::size_t i = 0; i < model.size(); ++i) REQUIRE(queue[i] == model[i]);
        if (!model.empty()) CHECK(queue.back() == model.back());
    }
    queue.clear();
    CHECK(queue.empty());
    queue.push_back("again");
    CHECK(queue.front() == "again");
}
