// The bodies of answers about live access tokens (http/wire/access_token_body.hpp) and the texts
// kept with a token's facts (oauth/kept_renderings.hpp): an answer is the rendering of its facts
// with the seconds left in place, whether rendered now or kept; shared facts are rendered once per
// kind of body; facts nobody else holds are not kept.
#include <doctest/doctest.h>

#include <atomic>
#include <limits>
#include <memory>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "hsoauth/http/json_writer.hpp"
#include "hsoauth/http/wire/access_token_body.hpp"

using namespace hsoauth;
using http::wire::access_body_kind;
using http::wire::access_token_body;

namespace {

std::atomic<int> renders{0};

// A small body of the shape the views write: expires_in second, a string after it.
std::string test_body(const oauth::access_token_facts& facts, std::size_t& expires_in_at) {
    ++renders;
    http::json_object_writer out;
    out.add("app_id", facts.app_id).add("expires_in", std::int64_t{0});
    expires_in_at = out.size() - 1;
    out.add("token", facts.token);
    return out.finish();
}

// The same members under other names, for the other kind of body.
std::string other_body(const oauth::access_token_facts& facts, std::size_t& expires_in_at) {
    http::json_object_writer out;
    out.add("expires_in", std::int64_t{0});
    expires_in_at = out.size() - 1;
    out.add("id", facts.app_id);
    return out.finish();
}

std::shared_ptr<const oauth::access_token_facts> facts_of(std::int64_t app_id, std::string token) {
    auto facts = std::make_shared<oauth::access_token_facts>();
    facts->app_id = app_id;
    facts->token = std::move(token);
    return facts;
}

constexpr auto metadata = access_body_kind::v1_metadata;
constexpr auto introspection = access_body_kind::dated_introspection;

}  // namespace

TEST_CASE("access_token_body: the seconds left go in place of the 0, kept or not") {
    renders = 0;
    const auto facts = facts_of(7, "C\"quoted\"");
    const auto kept_by_the_service = facts;  // the service's cache holds the facts too
    CHECK(access_token_body({facts, 1800}, metadata, &test_body) ==
          R"({"app_id":7,"expires_in":1800,"token":"C\"quoted\""})");
    CHECK(access_token_body({facts, 1}, metadata, &test_body) ==
          R"({"app_id":7,"expires_in":1,"token":"C\"quoted\""})");
    CHECK(access_token_body({facts, 0}, metadata, &test_body) ==
          R"({"app_id":7,"expires_in":0,"token":"C\"quoted\""})");
    const auto most = std::numeric_limits<std::int64_t>::max();
    const auto parsed = nlohmann::json::parse(access_token_body({facts, most}, metadata, &test_body));
    CHECK(parsed["expires_in"].get<std::int64_t>() == most);
    CHECK(parsed["token"] == "C\"quoted\"");
    CHECK(renders == 1);
    CHECK(facts->renderings.find(static_cast<std::size_t>(introspection)) == nullptr);
}

TEST_CASE("access_token_body: each kind of body has its own slot; other facts are rendered anew") {
    renders = 0;
    const auto first = facts_of(1, "Cfirst");
    const auto again = facts_of(2, "Cfirst");  // the same token read again after a commit
    std::vector<std::shared_ptr<const oauth::access_token_facts>> held{first, again};
    CHECK(access_token_body({first, 10}, metadata, &test_body) == R"({"app_id":1,"expires_in":10,"token":"Cfirst"})");
    CHECK(access_token_body({first, 10}, introspection, &other_body) == R"({"expires_in":10,"id":1})");
    CHECK(access_token_body({first, 9}, introspection, &other_body) == R"({"expires_in":9,"id":1})");
    CHECK(access_token_body({again, 10}, metadata, &test_body) == R"({"app_id":2,"expires_in":10,"token":"Cfirst"})");
    CHECK(renders == 2);
}

TEST_CASE("access_token_body: facts that only the answer holds are rendered each time, not kept") {
    renders = 0;
    for (int i = 0; i < 3; ++i) {
        // The deleter looks at the facts as the answer lets go of them: nothing may be kept.
        bool kept_at_the_end = true;
        auto* facts = new oauth::access_token_facts{};
        facts->app_id = 3;
        facts->token = "Conly";
        std::shared_ptr<const oauth::access_token_facts> only(facts, [&kept_at_the_end](const oauth::access_token_facts* dying) {
            kept_at_the_end = dying->renderings.find(static_cast<std::size_t>(metadata)) != nullptr;
            delete dying;
        });
        CHECK(access_token_body({std::move(only), 5}, metadata, &test_body) ==
              R"({"app_id":3,"expires_in":5,"token":"Conly"})");
        CHECK_FALSE(kept_at_the_end);
    }
    CHECK(renders == 3);
}

TEST_CASE("kept_renderings: of texts kept at once in one slot, every thread gets the first") {
    const auto facts = facts_of(4, "Cshared");
    std::vector<const oauth::kept_rendering*> got(4, nullptr);
    std::vector<std::thread> threads;
    for (std::size_t t = 0; t < got.size(); ++t) {
        threads.emplace_back([&, t] {
            auto made = std::make_unique<oauth::kept_rendering>();
            made->text = "text of thread " + std::to_string(t);
            got[t] = &facts->renderings.keep(0, std::move(made));
        });
    }
    for (auto& thread : threads) thread.join();
    for (const auto* kept : got) CHECK(kept == facts->renderings.find(0));
    CHECK(facts->renderings.find(1) == nullptr);

    // A copy of the facts starts with nothing kept.
    const oauth::access_token_facts copy = *facts;
    CHECK(copy.renderings.find(0) == nullptr);
    CHECK(copy.token == "Cshared");

    // Facts assigned to drop what they kept: it was made from the facts they were.
    oauth::access_token_facts assigned = *facts;
    assigned.renderings.keep(1, std::make_unique<oauth::kept_rendering>());
    REQUIRE(assigned.renderings.find(1) != nullptr);
    assigned = *facts_of(5, "Cother");
    CHECK(assigned.renderings.find(0) == nullptr);
    CHECK(assigned.renderings.find(1) == nullptr);
    CHECK(assigned.token == "Cother");
}
