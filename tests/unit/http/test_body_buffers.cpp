// Response bodies' buffers kept per thread (http/body_buffers.hpp): a body given back is the next
// one taken on its thread, with its capacity; small, huge and surplus ones are not kept; a JSON
// writer writes into a kept one.
#include <doctest/doctest.h>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "hsoauth/http/body_buffers.hpp"
#include "hsoauth/http/json_writer.hpp"

using namespace hsoauth::http;

TEST_CASE("body buffers: a body given back is the next one taken, empty, with its room") {
    std::string body = take_body_buffer();
    CHECK(body.empty());
    CHECK(body.capacity() >= 1024);
    body.assign(800, 'x');
    const char* const storage = body.data();
    give_back_body_buffer(std::move(body));
    std::string again = take_body_buffer();
    CHECK(again.data() == storage);
    CHECK(again.empty());

    // A JSON writer writes into the buffer kept last.
    give_back_body_buffer(std::move(again));
    const std::string written = json_object_writer().add("a", std::int64_t{1}).finish();
    CHECK(written == R"({"a":1})");
    CHECK(written.data() == storage);
}

TEST_CASE("body buffers: small and huge bodies are let go, and at most four are kept") {
    std::string small;
    small.reserve(200);  // under 1,024: not kept
    give_back_body_buffer(std::move(small));
    CHECK(take_body_buffer().capacity() >= 1024);
    std::string huge(200 * 1024, 'x');
    const char* const huge_storage = huge.data();
    give_back_body_buffer(std::move(huge));
    CHECK(take_body_buffer().data() != huge_storage);

    std::vector<std::string> bodies;
    for (int i = 0; i < 6; ++i) bodies.push_back(take_body_buffer());
    std::vector<const char*> storages;
    for (auto& b : bodies) {
        storages.push_back(b.data());
        give_back_body_buffer(std::move(b));
    }
    // The four kept come back last kept first; the fifth and sixth were let go.
    for (int i = 3; i >= 0; --i) CHECK(take_body_buffer().data() == storages[static_cast<std::size_t>(i)]);
}
