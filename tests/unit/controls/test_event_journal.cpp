// The event journal (controls/event_journal.hpp): ids and paging, filters, retention by count
// and by age, attribution of refused tokens to the owner seen when they were issued, and the
// wake-ups of follow streams.
#include <doctest/doctest.h>

#include <atomic>

#include "hsoauth/controls/event_journal.hpp"

using namespace hsoauth;
using controls::event_kind;
using controls::token_kind;

namespace {

controls::event make(event_kind kind, std::string client = "client-a", std::int64_t wall_ms = 1000) {
    controls::event e;
    e.kind = kind;
    e.client_id = std::move(client);
    e.wall_ms = wall_ms;
    e.route = "token";
    e.version = "v1";
    e.correlation_id = "corr";
    return e;
}

}  // namespace

TEST_CASE("journal: ids count up; pages follow `since`; filters select") {
    controls::event_journal journal({});
    for (int i = 0; i < 5; ++i) journal.record(make(event_kind::refresh), 1000);
    journal.record(make(event_kind::refusal, "client-b"), 1000);
    CHECK(journal.last_id() == 6);

    controls::event_query q;
    q.limit = 2;
    auto page = journal.query(q, 1000);
    REQUIRE(page.events.size() == 2);
    CHECK(page.events[0].id == 1);
    CHECK(page.more);
    CHECK(page.next_since == 2);
    q.since = page.next_since;
    page = journal.query(q, 1000);
    CHECK(page.events.front().id == 3);

    controls::event_query by_client;
    by_client.client_id = "client-b";
    page = journal.query(by_client, 1000);
    REQUIRE(page.events.size() == 1);
    CHECK(page.events[0].kind == event_kind::refusal);
    CHECK_FALSE(page.more);
    CHECK(page.next_since == 6);

    controls::event_query by_kind;
    by_kind.kinds = {event_kind::refusal, event_kind::fault};
    CHECK(journal.query(by_kind, 1000).events.size() == 1);
}

TEST_CASE("journal: retention drops the oldest beyond max_events and those older than max_age_s") {
    controls::journal_settings settings;
    settings.max_events = 3;
    settings.max_age_s = 60;
    controls::event_journal journal(settings);
    for (int i = 0; i < 5; ++i) journal.record(make(event_kind::refresh, "c", 1000 + i), 1000 + i);
    auto page = journal.query({}, 2000);
    REQUIRE(page.events.size() == 3);
    CHECK(page.events.front().id == 3);
    // 61 s later (real time) all of them are too old.
    CHECK(journal.query({}, 1004 + 61000).events.empty());
    CHECK(journal.last_id() == 5);
}

TEST_CASE("journal: a refusal of a token it saw issued is attributed to the token's owner") {
    controls::event_journal journal({});
    auto issued = make(event_kind::code_exchange);
    issued.grant_type = "authorization_code";
    issued.hub_id = 62515;
    issued.user_id = 7;
    issued.access_id = 11;
    issued.refresh_id = 5;
    journal.record(issued, 1000);

    auto refused = make(event_kind::refusal, "");
    refused.result = controls::event_result::refused;
    refused.error = oauth::errc::expired_token;
    refused.presented = token_kind::access;
    refused.presented_id = 11;
    journal.record(refused, 1000);
    const auto page = journal.query({}, 1000);
    REQUIRE(page.events.size() == 2);
    const auto& e = page.events[1];
    CHECK(e.client_id == "client-a");
    CHECK(e.hub_id == 62515);
    CHECK(e.user_id == 7);
    CHECK(e.refresh_id == 5);
    const auto owner = journal.owner_of(token_kind::refresh, 5);
    REQUIRE(owner);
    CHECK(owner->hub_id == 62515);
    CHECK_FALSE(journal.owner_of(token_kind::refresh, 6));
}

TEST_CASE("journal: followers are woken once per rearm, and at most max_followers open") {
    controls::journal_settings settings;
    settings.max_followers = 1;
    controls::event_journal journal(settings);
    std::atomic<int> wakes{0};
    auto f = journal.follow([&] { ++wakes; });
    REQUIRE(f);
    CHECK_FALSE(journal.follow([] {}));
    journal.record(make(event_kind::refresh), 1000);
    journal.record(make(event_kind::refresh), 1000);
    CHECK(wakes == 1);
    f->rearm();
    journal.record(make(event_kind::refresh), 1000);
    CHECK(wakes == 2);
    f.reset();
    journal.record(make(event_kind::refresh), 1000);
    CHECK(wakes == 2);
    CHECK(journal.follow([] {}));
}

TEST_CASE("journal: switched off, it records nothing") {
    controls::journal_settings settings;
    settings.enabled = false;
    controls::event_journal journal(settings);
    journal.record(make(event_kind::refresh), 1000);
    CHECK(journal.query({}, 1000).events.empty());
    CHECK(journal.last_id() == 0);
}

TEST_CASE("journal: clear forgets events and token owners; ids go on; app tokens are learned") {
    controls::event_journal journal({});
    auto issued = make(event_kind::app_token);
    issued.app_id = 3;
    issued.access_id = 21;
    journal.record(issued, 1000);
    REQUIRE(journal.owner_of(token_kind::access, 21));
    CHECK(journal.owner_of(token_kind::access, 21)->app_id == 3);

    journal.clear();
    CHECK(journal.query({}, 1000).events.empty());
    CHECK_FALSE(journal.owner_of(token_kind::access, 21));
    CHECK(journal.events_of_app(3, "client-a").empty());
    CHECK(journal.last_id() == 1);

    journal.record(make(event_kind::refresh), 1000);
    const auto page = journal.query({}, 1000);
    REQUIRE(page.events.size() == 1);
    CHECK(page.events[0].id == 2);
    controls::event_query after_old;
    after_old.since = 1;  // a cursor from before the clear
    CHECK(journal.query(after_old, 1000).events.size() == 1);
}

TEST_CASE("journal: retention and paging hold while its storage wraps around and grows") {
    controls::journal_settings settings;
    settings.max_events = 20;
    settings.max_age_s = 1;
    controls::event_journal journal(settings);
    // 100 events 100 ms apart: at most 20 are kept, and only those of the last second.
    for (int i = 0; i < 100; ++i) {
        auto e = make(event_kind::refresh, "c", 1000 + 100 * i);
        e.correlation_id = "corr-" + std::to_string(i + 1);
        journal.record(std::move(e), 1000 + 100 * i);
    }
    auto page = journal.query({}, 1000 + 100 * 99);
    REQUIRE(page.events.size() == 11);  // 8,900 ms … 9,900 ms
    CHECK(page.events.front().id == 90);
    CHECK(page.events.back().id == 100);
    CHECK(page.events.back().correlation_id == "corr-100");
    controls::event_query after;
    after.since = 95;
    after.limit = 2;
    page = journal.query(after, 1000 + 100 * 99);
    REQUIRE(page.events.size() == 2);
    CHECK(page.events[0].id == 96);
    CHECK(page.events[1].correlation_id == "corr-97");
    CHECK(page.more);
}

TEST_CASE("journal: a correlation id is kept whole up to 64 bytes, cut beyond") {
    controls::event_journal journal({});
    auto uuid = make(event_kind::refresh);
    uuid.correlation_id = "0b3c5a5e-2f4d-4f8e-9a51-6f1de2a4c7b0";
    journal.record(std::move(uuid), 1000);
    auto longer = make(event_kind::refresh);
    longer.correlation_id = std::string(70, 'x');
    journal.record(std::move(longer), 1000);
    const auto page = journal.query({}, 1000);
    REQUIRE(page.events.size() == 2);
    CHECK(page.events[0].correlation_id == "0b3c5a5e-2f4d-4f8e-9a51-6f1de2a4c7b0");
    CHECK(page.events[1].correlation_id == std::string(64, 'x'));
}

TEST_CASE("journal: the token directory forgets the oldest owners beyond its capacity (1,024 at least)") {
    controls::journal_settings settings;
    settings.max_events = 10;  // the directory still keeps 1,024 of each kind
    controls::event_journal journal(settings);
    for (std::int64_t id = 1; id <= 1100; ++id) {
        auto issued = make(event_kind::refresh);
        issued.hub_id = 1000 + id;
        issued.access_id = id;
        issued.refresh_id = 5000 + id;
        journal.record(std::move(issued), 1000);
    }
    CHECK_FALSE(journal.owner_of(token_kind::access, 76));
    REQUIRE(journal.owner_of(token_kind::access, 77));
    CHECK(journal.owner_of(token_kind::access, 77)->hub_id == 1077);
    CHECK(journal.owner_of(token_kind::access, 1100)->refresh_id == 6100);
    CHECK_FALSE(journal.owner_of(token_kind::refresh, 5076));
    CHECK(journal.owner_of(token_kind::refresh, 6100)->hub_id == 2100);
}
