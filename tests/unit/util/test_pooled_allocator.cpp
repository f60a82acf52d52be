// pooled_allocator (util/pooled_allocator.hpp): a block let go is the next one taken on its
// thread; blocks move between threads; shared state made with it lives and dies as with
// make_shared.
#include <doctest/doctest.h>

#include <array>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "hsoauth/util/pooled_allocator.hpp"

using hsoauth::pooled_allocator;

namespace {

struct request_state {
    std::array<char, 200> bytes{};
    std::string text;
};

}  // namespace

TEST_CASE("pooled_allocator: the block given back is the next one taken; arrays go to the heap") {
    pooled_allocator<request_state> alloc;
    request_state* first = alloc.allocate(1);
    alloc.deallocate(first, 1);
    request_state* again = alloc.allocate(1);
    CHECK(again == first);
    request_state* other = alloc.allocate(1);
    CHECK(other != again);
    alloc.deallocate(other, 1);
    alloc.deallocate(again, 1);

    request_state* array = alloc.allocate(3);
    alloc.deallocate(array, 3);
}

TEST_CASE("pooled_allocator: shared state lives as long as its last owner, on any thread") {
    auto weak = std::weak_ptr<request_state>();
    std::shared_ptr<request_state> s =
        std::allocate_shared<request_state>(pooled_allocator<request_state>{}, request_state{{}, std::string(100, 'x')});
    weak = s;
    std::vector<std::shared_ptr<request_state>> made_elsewhere;
    std::thread([&] {
        // Taken on this thread; one of them let go here, the rest on the test's thread.
        for (int i = 0; i < 4; ++i) {
            made_elsewhere.push_back(std::allocate_shared<request_state>(pooled_allocator<request_state>{}));
        }
        made_elsewhere.front()->text = "from the other thread";
        made_elsewhere.pop_back();
        s.reset();  // the last owner of the first state, on this thread
    }).join();
    CHECK(weak.expired());
    REQUIRE(made_elsewhere.size() == 3);
    CHECK(made_elsewhere.front()->text == "from the other thread");
    made_elsewhere.clear();
    auto after = std::allocate_shared<request_state>(pooled_allocator<request_state>{});
    CHECK(after->text.empty());
}
