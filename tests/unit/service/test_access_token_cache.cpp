// service::access_token_cache: a live token's facts served from memory while the store commits
// nothing, checked against the time asked, never for another token with the same id.
#include <doctest/doctest.h>

#include <memory>
#include <string>
#include <vector>

#include "../storage/temp_database.hpp"
#include "hsoauth/oauth/token_format.hpp"
#include "hsoauth/service/access_token_cache.hpp"

using namespace hsoauth;

namespace {

// Facts of a live token with row id `access_id`, expiring at `expires_at`.
oauth::access_token_info live_token(std::int64_t access_id, std::int64_t expires_at) {
    oauth::access_token_facts facts;
    facts.token = oauth::new_access_token(access_id);
    facts.access_id = access_id;
    facts.user = "someone@example.com";
    facts.hub_domain = "hub1.example.com";
    facts.hublet = "na1";
    facts.client_id = "cached-client";
    facts.scopes = storage::scope_text("oauth crm.objects.contacts.read");
    facts.hub_id = 1;
    facts.app_id = 7;
    facts.expires_at = expires_at;
    facts.signed_token.audience = facts.client_id;
    return oauth::access_token_info{
        std::make_shared<const oauth::access_token_facts>(std::move(facts)), 1800};
}

// remember() twice, as two reads of the same token do: the first only notes its id (admission).
void keep(service::access_token_cache& cache, std::uint64_t generation,
          const oauth::access_token_info& info) {
    cache.remember(generation, info);
    cache.remember(generation, info);
}

// Any commit: the cache cannot tell one write from another, and need not.
void commit_something(test::temp_database& t) {
    storage::write_and_wait(t.db,
                            [](storage::repository& repo) { repo.set_state("unrelated", 1); });
}

}  // namespace

TEST_CASE("access_token_cache: a remembered live token answers with expires_in at the time asked") {
    test::temp_database t;
    service::access_token_cache cache(t.db);
    const auto info = live_token(42, 10'000);

    CHECK_FALSE(cache.find(info->token, 8'200).has_value());
    keep(cache, cache.generation(), info);

    const auto found = cache.find(info->token, 8'500);
    REQUIRE(found.has_value());
    REQUIRE(found->ok());
    const oauth::access_token_info& answer = found->value();
    CHECK(answer->token == info->token);
    CHECK(answer->hub_domain == "hub1.example.com");
    CHECK(answer->scopes.text() == "oauth crm.objects.contacts.read");
    CHECK(answer->signed_token.audience == "cached-client");
    CHECK(answer.expires_in == 1'500);
    // The remembered facts themselves, shared, not a copy of them.
    CHECK(answer.facts == info.facts);

    // At and after its expiry the same answer a read gives: expired_token, with the seconds since.
    const auto expired = cache.find(info->token, 10'030);
    REQUIRE(expired.has_value());
    REQUIRE_FALSE(expired->ok());
    CHECK(expired->err().code == oauth::errc::expired_token);
    CHECK(expired->err().seconds == 30);
}

TEST_CASE("access_token_cache: any commit after the read makes the answer stale") {
    test::temp_database t;
    service::access_token_cache cache(t.db);
    const auto info = live_token(43, 10'000);

    keep(cache, cache.generation(), info);
    REQUIRE(cache.find(info->token, 9'000).has_value());
    commit_something(t);
    CHECK_FALSE(cache.find(info->token, 9'000).has_value());

    // A read that began before a commit is not kept at all: it may have missed that commit.
    const std::uint64_t before = cache.generation();
    commit_something(t);
    keep(cache, before, info);
    CHECK_FALSE(cache.find(info->token, 9'000).has_value());

    // Read again after the commits, it is kept again, at once: its id is still noted.
    cache.remember(cache.generation(), info);
    CHECK(cache.find(info->token, 9'000).has_value());
}

TEST_CASE("access_token_cache: only the very token remembered is answered") {
    test::temp_database t;
    service::access_token_cache cache(t.db);
    const auto info = live_token(44, 10'000);
    keep(cache, cache.generation(), info);

    // The same row id with other random bytes, a truncated token, one without an id.
    CHECK_FALSE(cache.find(oauth::new_access_token(44), 9'000).has_value());
    CHECK_FALSE(cache.find(std::string_view(info->token).substr(0, info->token.size() - 1), 9'000)
                    .has_value());
    CHECK_FALSE(cache.find("not-a-token", 9'000).has_value());
    CHECK_FALSE(cache.find("", 9'000).has_value());
    CHECK(cache.find(info->token, 9'000).has_value());
}

TEST_CASE("access_token_cache: bounded, a full shard is emptied before it takes another token") {
    test::temp_database t;
    service::access_token_cache cache(t.db);
    const std::uint64_t generation = cache.generation();
    constexpr auto shards = static_cast<std::int64_t>(service::access_token_cache::shard_count);
    constexpr auto capacity =
        static_cast<std::int64_t>(service::access_token_cache::shard_capacity);

    // Row ids 1, 1 + shards, 1 + 2·shards, … share one shard.
    std::vector<oauth::access_token_info> tokens;
    for (std::int64_t i = 0; i < capacity; ++i)
        tokens.push_back(live_token(1 + i * shards, 10'000));
    for (const auto& info : tokens) keep(cache, generation, info);
    CHECK(cache.find(tokens.front()->token, 9'000).has_value());
    CHECK(cache.find(tokens.back()->token, 9'000).has_value());

    const auto one_more = live_token(1 + capacity * shards, 10'000);
    keep(cache, generation, one_more);
    CHECK(cache.find(one_more->token, 9'000).has_value());
    CHECK_FALSE(cache.find(tokens.front()->token, 9'000).has_value());
    CHECK_FALSE(cache.find(tokens.back()->token, 9'000).has_value());

    // Another shard was not touched.
    const auto elsewhere = live_token(2, 10'000);
    keep(cache, generation, elsewhere);
    CHECK(cache.find(elsewhere->token, 9'000).has_value());
}

TEST_CASE(
    "access_token_cache: a token is kept at its second read, unless a scan took its slot between") {
    test::temp_database t;
    service::access_token_cache cache(t.db);
    const std::uint64_t generation = cache.generation();
    const auto asked_again = live_token(5, 10'000);
    cache.remember(generation, asked_again);
    CHECK_FALSE(cache.find(asked_again->token, 9'000).has_value());
    cache.remember(generation, asked_again);
    CHECK(cache.find(asked_again->token, 9'000).has_value());

    // A scan: each id read once, between two reads of `scanned`, over more ids than a shard's
    // table holds. Nothing of it is kept, and what was kept before stays.
    const auto scanned = live_token(6, 10'000);
    cache.remember(generation, scanned);
    constexpr auto slots = static_cast<std::int64_t>(service::access_token_cache::shard_count *
                                                     service::access_token_cache::admission_slots);
    std::vector<oauth::access_token_info> scan;
    for (std::int64_t id = 7; id < 7 + slots; ++id) scan.push_back(live_token(id, 10'000));
    for (const auto& info : scan) cache.remember(generation, info);
    cache.remember(generation, scanned);
    CHECK_FALSE(cache.find(scanned->token, 9'000).has_value());
    for (const auto& info : scan) CHECK_FALSE(cache.find(info->token, 9'000).has_value());
    CHECK(cache.find(asked_again->token, 9'000).has_value());
}

TEST_CASE("access_token_cache: row id 0 finds nothing, though a free slot holds id 0") {
    test::temp_database t;
    service::access_token_cache cache(t.db);
    // A free slot's generation is 0 too: the case matters while the store's generation is 0.
    REQUIRE(cache.generation() == 0);
    keep(cache, cache.generation(), live_token(16, 10'000));  // shard 0 gets its table
    const auto id_zero = oauth::new_access_token(0);
    REQUIRE(oauth::access_token_id(std::string_view(id_zero)) == std::optional<std::int64_t>(0));
    CHECK_FALSE(cache.find(std::string_view(id_zero), 9'000).has_value());
}
