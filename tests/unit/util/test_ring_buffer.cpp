// ring_buffer (util/ring_buffer.hpp): first in, first out across wrap-arounds and growth, and
// indexing from the oldest.
#include <doctest/doctest.h>

#include <deque>
#include <string>

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
