// The repository over a real SQLite file: apps, hubs, users and installs round-trip.
#include <doctest/doctest.h>

#include "hsoauth/storage/scope_text.hpp"
#include "hsoauth/storage/sqlite/connection.hpp"
#include "temp_database.hpp"

using namespace hsoauth;
using storage::repository;
using test::hub_with_id;

namespace {

storage::app_record sample_app() {
    storage::app_record app;
    app.name = "Sample App";
    app.client_id = "client-sample";
    app.client_secret_digest = std::string("\x00\x01\xff digest bytes \x00 with nul", 27);
    app.redirect_uris = {"https://app.example.com/callback", "http://localhost:3000/cb?x=1&y=\"q\""};
    app.scopes = {"oauth", "crm.objects.contacts.read"};
    app.optional_scopes = {"automation"};
    app.access_token_ttl = 900;
    app.rotate_refresh_tokens = true;
    return app;
}

}  // namespace

TEST_CASE("storage: an app round-trips with every field") {
    test::temp_database t;
    const auto id = storage::write_and_wait(t.db, [](repository& repo) { return repo.upsert_app(sample_app()); });
    CHECK(id > 0);
    const auto found = storage::read_value(t.db, [&](repository& repo) { return repo.find_app(id); });
    REQUIRE(found.has_value());
    const auto want = sample_app();
    CHECK(found->app_id == id);
    CHECK(found->name == want.name);
    CHECK(found->client_id == want.client_id);
    CHECK(found->client_secret_digest == want.client_secret_digest);
    CHECK(found->redirect_uris == want.redirect_uris);
    CHECK(found->scopes == want.scopes);
    CHECK(found->optional_scopes == want.optional_scopes);
    CHECK(found->access_token_ttl == 900);
    CHECK(found->rotate_refresh_tokens);

    storage::read_value(t.db, [&](repository& repo) {
        CHECK(repo.find_app_by_client_id("client-sample")->app_id == id);
        CHECK(repo.find_app_by_name("Sample App")->app_id == id);
        CHECK_FALSE(repo.find_app_by_client_id("client-other").has_value());
        CHECK_FALSE(repo.find_app(id + 1).has_value());
        CHECK(repo.list_apps().size() == 1);
    });
}

TEST_CASE("storage: upsert_app with an id replaces that row; delete_app removes it") {
    test::temp_database t;
    auto app = sample_app();
    app.app_id = 42;
    CHECK(storage::write_and_wait(t.db, [&](repository& repo) { return repo.upsert_app(app); }) == 42);
    app.name = "Renamed";
    app.optional_scopes.clear();
    app.rotate_refresh_tokens = false;
    CHECK(storage::write_and_wait(t.db, [&](repository& repo) { return repo.upsert_app(app); }) == 42);
    storage::read_value(t.db, [](repository& repo) {
        const auto apps = repo.list_apps();
        REQUIRE(apps.size() == 1);
        CHECK(apps[0].name == "Renamed");
        CHECK(apps[0].optional_scopes.empty());
        CHECK_FALSE(apps[0].rotate_refresh_tokens);
    });
    CHECK(storage::write_and_wait(t.db, [](repository& repo) { return repo.delete_app(42); }));
    CHECK_FALSE(storage::write_and_wait(t.db, [](repository& repo) { return repo.delete_app(42); }));
    CHECK(storage::read_value(t.db, [](repository& repo) { return repo.list_apps().empty(); }));
}

TEST_CASE("storage: a second app with the same client_id is refused by the database") {
    test::temp_database t;
    storage::write_and_wait(t.db, [](repository& repo) { repo.upsert_app(sample_app()); });
    CHECK_THROWS_AS(storage::write_and_wait(t.db, [](repository& repo) { repo.upsert_app(sample_app()); }),
                    storage::storage_error);
    CHECK(storage::read_value(t.db, [](repository& repo) { return repo.list_apps().size(); }) == 1);
}

TEST_CASE("storage: an error says whether it passes; a broken constraint does not, a missing file does") {
    test::temp_database t;
    storage::write_and_wait(t.db, [](repository& repo) { repo.upsert_app(sample_app()); });
    try {
        storage::write_and_wait(t.db, [](repository& repo) { repo.upsert_app(sample_app()); });
        FAIL("a second app with the same client_id was stored");
    } catch (const storage::storage_error& e) {
        CHECK_FALSE(e.unavailable());
        CHECK(std::string(e.what()).find("UNIQUE") != std::string::npos);
    }
    try {
        storage::sqlite::connection missing(t.dir.file("no-such-dir/x.db"), /*create=*/false);
        FAIL("a missing database was opened");
    } catch (const storage::storage_error& e) {
        CHECK(e.unavailable());
    }
}

TEST_CASE("storage: hubs round-trip; no scope list and an empty one stay distinct") {
    test::temp_database t;
    storage::write_and_wait(t.db, [](repository& repo) {
        storage::hub_record all;
        all.hub_id = 101;
        all.hub_domain = "all.example.com";
        repo.upsert_hub(all);
        storage::hub_record some;
        some.hub_id = 102;
        some.hub_domain = "some.example.com";
        some.hublet = "eu1";
        some.scopes = storage::scope_list{"oauth", "crm.objects.contacts.read"};
        repo.upsert_hub(some);
        storage::hub_record none;
        none.hub_domain = "none.example.com";
        none.scopes = storage::scope_list{};
        CHECK(repo.upsert_hub(none) > 102);
    });
    storage::read_value(t.db, [](repository& repo) {
        const auto all = repo.find_hub(101);
        REQUIRE(all.has_value());
        CHECK(all->hub_domain == "all.example.com");
        CHECK(all->hublet == "na1");
        CHECK_FALSE(all->scopes.has_value());
        const auto some = repo.find_hub_by_domain("some.example.com");
        REQUIRE(some.has_value());
        CHECK(some->hub_id == 102);
        CHECK(some->hublet == "eu1");
        CHECK(some->scopes == std::optional<storage::scope_list>(storage::scope_list{"oauth", "crm.objects.contacts.read"}));
        const auto none = repo.find_hub_by_domain("none.example.com");
        REQUIRE(none.has_value());
        REQUIRE(none->scopes.has_value());
        CHECK(none->scopes->empty());
        CHECK(repo.list_hubs().size() == 3);
    });
    CHECK(storage::write_and_wait(t.db, [](repository& repo) { return repo.delete_hub(101); }));
    CHECK_FALSE(storage::read_value(t.db, [](repository& repo) { return repo.find_hub(101).has_value(); }));
}

TEST_CASE("storage: users round-trip with their hub memberships") {
    test::temp_database t;
    const auto user_id = storage::write_and_wait(t.db, [](repository& repo) {
        for (std::int64_t id : {101, 102, 103}) {
            storage::hub_record hub;
            hub.hub_id = id;
            hub.hub_domain = "hub" + std::to_string(id) + ".example.com";
            repo.upsert_hub(hub);
        }
        storage::user_record user;
        user.email = "dev@example.com";
        user.hub_ids = {103, 101};
        return repo.upsert_user(user);
    });
    storage::read_value(t.db, [&](repository& repo) {
        const auto user = repo.find_user(user_id);
        REQUIRE(user.has_value());
        CHECK(user->email == "dev@example.com");
        CHECK(user->hub_ids == std::vector<std::int64_t>{101, 103});
        CHECK(repo.find_user_by_email("dev@example.com")->user_id == user_id);
        CHECK_FALSE(repo.find_user_by_email("DEV@example.com").has_value());
    });
    // Upserting replaces the memberships.
    storage::write_and_wait(t.db, [&](repository& repo) {
        storage::user_record user;
        user.user_id = user_id;
        user.email = "dev2@example.com";
        user.hub_ids = {102};
        CHECK(repo.upsert_user(user) == user_id);
    });
    storage::read_value(t.db, [&](repository& repo) {
        const auto users = repo.list_users();
        REQUIRE(users.size() == 1);
        CHECK(users[0].email == "dev2@example.com");
        CHECK(users[0].hub_ids == std::vector<std::int64_t>{102});
    });
    CHECK(storage::write_and_wait(t.db, [&](repository& repo) { return repo.delete_user(user_id); }));
    CHECK_FALSE(storage::read_value(t.db, [&](repository& repo) { return repo.find_user(user_id).has_value(); }));
}

TEST_CASE("storage: installs are created, updated, found while live and uninstalled once") {
    test::temp_database t;
    const auto install_id = storage::write_and_wait(t.db, [](repository& repo) {
        storage::install_record in;
        in.app_id = 1;
        in.hub_id = 101;
        in.user_id = 201;
        in.scopes = {"oauth"};
        in.installed_at = 1000;
        return repo.create_install(in);
    });
    storage::read_value(t.db, [&](repository& repo) {
        const auto live = repo.find_live_install(1, 101);
        REQUIRE(live.has_value());
        CHECK(live->install_id == install_id);
        CHECK(live->user_id == 201);
        CHECK(live->scopes == storage::scope_list{"oauth"});
        CHECK(live->installed_at == 1000);
        CHECK_FALSE(live->uninstalled_at.has_value());
        CHECK_FALSE(repo.find_live_install(1, 102).has_value());
    });
    storage::write_and_wait(t.db, [&](repository& repo) { repo.update_install(install_id, 202, {"oauth", "automation"}); });
    CHECK(storage::read_value(t.db, [](repository& repo) { return repo.find_live_install(1, 101)->scopes; }) ==
          storage::scope_list{"oauth", "automation"});
    CHECK(storage::write_and_wait(t.db, [](repository& repo) { return repo.uninstall(1, 101, 2000); }) == 1);
    CHECK(storage::write_and_wait(t.db, [](repository& repo) { return repo.uninstall(1, 101, 2001); }) == 0);
    storage::read_value(t.db, [&](repository& repo) {
        CHECK_FALSE(repo.find_live_install(1, 101).has_value());
        const auto all = repo.list_installs();
        REQUIRE(all.size() == 1);
        CHECK(all[0].user_id == 202);
        CHECK(all[0].uninstalled_at == std::optional<std::int64_t>(2000));
    });
    // A later authorization makes a fresh row.
    storage::write_and_wait(t.db, [](repository& repo) {
        storage::install_record again;
        again.app_id = 1;
        again.hub_id = 101;
        again.user_id = 201;
        again.installed_at = 3000;
        repo.create_install(again);
    });
    CHECK(storage::read_value(t.db, [](repository& repo) { return repo.list_installs().size(); }) == 2);
}

TEST_CASE("storage: sandbox state survives as a key/value pair") {
    test::temp_database t;
    CHECK_FALSE(storage::read_value(t.db, [](repository& repo) { return repo.get_state(storage::clock_offset_key); }).has_value());
    storage::write_and_wait(t.db, [](repository& repo) { repo.set_state(storage::clock_offset_key, 3600); });
    storage::write_and_wait(t.db, [](repository& repo) { repo.set_state(storage::clock_offset_key, 7200); });
    CHECK(storage::read_value(t.db, [](repository& repo) { return repo.get_state(storage::clock_offset_key); }) ==
          std::optional<std::int64_t>(7200));
}

TEST_CASE("storage: split_scopes and join_scopes") {
    CHECK(storage::split_scopes("").empty());
    CHECK(storage::split_scopes("   ").empty());
    CHECK(storage::split_scopes(" a  b c ") == std::vector<std::string>{"a", "b", "c"});
    CHECK(storage::join_scopes({"a", "b"}) == "a b");
    CHECK(storage::join_scopes({}) == "");
}

TEST_CASE("storage: scope_text keeps scopes as one normalized text and reads them one by one") {
    const storage::scope_text spaced(std::string("  oauth   crm.objects.contacts.read content "));
    CHECK(spaced.text() == "oauth crm.objects.contacts.read content");
    CHECK(spaced.size() == 3);
    CHECK(spaced == std::vector<std::string>{"oauth", "crm.objects.contacts.read", "content"});
    CHECK(spaced.to_list() == std::vector<std::string>{"oauth", "crm.objects.contacts.read", "content"});
    CHECK(spaced.contains("crm.objects.contacts.read"));
    CHECK_FALSE(spaced.contains("crm"));
    CHECK_FALSE(spaced == std::vector<std::string>{"oauth", "crm.objects.contacts.read"});
    CHECK(spaced == storage::scope_text(std::vector<std::string>{"oauth", "crm.objects.contacts.read", "content"}));

    const storage::scope_text none(std::string("   "));
    CHECK(none.empty());
    CHECK(none.size() == 0);
    CHECK(none.begin() == none.end());
    CHECK(none == std::vector<std::string>{});
    CHECK(storage::scope_text(std::string("oauth")) == std::vector<std::string>{"oauth"});
}

TEST_CASE("storage: a copy of a scope_text shares its text, and compares by text") {
    const storage::scope_text read(std::string("oauth crm.objects.contacts.read"));
    const storage::scope_text copy = read;  // what the writer's kept refresh states hand out
    CHECK(copy.text().data() == read.text().data());
    CHECK(copy == read);
    const storage::scope_text same_text(std::string("oauth  crm.objects.contacts.read "));
    CHECK(same_text.text().data() != read.text().data());
    CHECK(same_text == read);
    CHECK_FALSE(storage::scope_text(std::string("oauth")) == read);
    CHECK(storage::scope_text(std::string("  ")) == storage::scope_text());
}

TEST_CASE("storage: a new id is above every id ever stored, whatever was deleted or given explicitly") {
    test::temp_database t;
    storage::write_and_wait(t.db, [](repository& repo) {
        CHECK(repo.upsert_hub(hub_with_id(0)) == 1);
        CHECK(repo.upsert_hub(hub_with_id(500)) == 500);
        CHECK(repo.delete_hub(500));
        CHECK(repo.upsert_hub(hub_with_id(0)) == 501);  // not 500 again, though 500 is free
        CHECK(repo.upsert_hub(hub_with_id(7)) == 7);     // an explicit lower id keeps the mark
        CHECK(repo.upsert_hub(hub_with_id(0)) == 502);
        storage::user_record user;
        user.email = "a@example.com";
        const auto first = repo.upsert_user(user);
        CHECK(repo.delete_user(first));
        user.email = "b@example.com";
        CHECK(repo.upsert_user(user) == first + 1);
        storage::install_record install{0, 1, 1, first, {"oauth"}, 10, {}};
        const auto installed = repo.create_install(install);
        repo.uninstall(1, 1, 11);
        CHECK(repo.create_install(install) == installed + 1);
        return 0;
    });
}

TEST_CASE("storage: deleting a hub deletes its memberships") {
    test::temp_database t;
    storage::write_and_wait(t.db, [](repository& repo) {
        repo.upsert_hub(hub_with_id(1));
        repo.upsert_hub(hub_with_id(2));
        storage::user_record user;
        user.user_id = 9;
        user.email = "a@example.com";
        user.hub_ids = {1, 2};
        repo.upsert_user(user);
        CHECK(repo.delete_hub(2));
        CHECK(repo.find_user(9)->hub_ids == std::vector<std::int64_t>{1});
        return 0;
    });
}

TEST_CASE("storage: the consent page's users and hubs are those that can grant the required scopes") {
    test::temp_database t;
    storage::write_and_wait(t.db, [](repository& repo) {
        storage::hub_record open = hub_with_id(10);  // grants everything
        storage::hub_record narrow = hub_with_id(20);
        narrow.scopes = storage::scope_list{"oauth"};
        storage::hub_record enough = hub_with_id(30);
        enough.scopes = storage::scope_list{"crm.objects.contacts.read", "oauth", "content"};
        storage::hub_record empty = hub_with_id(40);  // no members
        for (const auto& hub : {open, narrow, enough, empty}) repo.upsert_hub(hub);
        const auto add = [&](std::int64_t id, std::string email, std::vector<std::int64_t> hubs) {
            storage::user_record user;
            user.user_id = id;
            user.email = std::move(email);
            user.hub_ids = std::move(hubs);
            repo.upsert_user(user);
        };
        add(1, "Ann@Example.com", {10});
        add(2, "bob@example.com", {20});  // only in the hub that cannot grant contacts.read
        add(3, "cat@example.com", {30, 20});
        add(4, "dan@example.com", {});
        for (std::int64_t id = 100; id < 160; ++id) add(id, "bulk" + std::to_string(id) + "@example.com", {10});
        return 0;
    });
    const storage::scope_list required = {"oauth", "crm.objects.contacts.read"};
    storage::read_value(t.db, [&](repository& repo) {
        const auto ids = [](const std::vector<storage::choice_record>& rows) {
            std::vector<std::int64_t> out;
            for (const auto& row : rows) out.push_back(row.id);
            return out;
        };
        const auto users = repo.consent_users(required, std::nullopt, "", 5);
        CHECK(ids(users) == std::vector<std::int64_t>{1, 3, 100, 101, 102});
        CHECK(users[0].label == "Ann@Example.com");
        CHECK(ids(repo.consent_hubs(required, std::nullopt, "", 10)) == std::vector<std::int64_t>{10, 30});
        // Only "oauth": the narrow hub and its member qualify too.
        CHECK(ids(repo.consent_users({"oauth"}, std::nullopt, "", 3)) == std::vector<std::int64_t>{1, 2, 3});
        CHECK(ids(repo.consent_hubs({"oauth"}, std::nullopt, "", 10)) == std::vector<std::int64_t>{10, 20, 30});
        // A search by e-mail, ASCII case-insensitive; hubs are those of the matching users.
        CHECK(ids(repo.consent_users(required, std::nullopt, "ANN@", 5)) == std::vector<std::int64_t>{1});
        CHECK(ids(repo.consent_hubs(required, std::nullopt, "cat", 5)) == std::vector<std::int64_t>{30});
        CHECK(ids(repo.consent_users(required, std::nullopt, "bulk159", 5)) == std::vector<std::int64_t>{159});
        CHECK(repo.consent_users(required, std::nullopt, "bob", 5).empty());
        CHECK(repo.consent_users(required, std::nullopt, "%", 5).empty());  // no LIKE wildcards
        // A preselected hub: its members only, and nobody when it cannot grant the scopes.
        CHECK(ids(repo.consent_users(required, 30, "", 5)) == std::vector<std::int64_t>{3});
        CHECK(ids(repo.consent_hubs(required, 30, "", 5)) == std::vector<std::int64_t>{30});
        CHECK(repo.consent_users(required, 20, "", 5).empty());
        CHECK(repo.consent_hubs(required, 20, "", 5).empty());
        CHECK(repo.consent_hubs(required, 40, "", 5).empty());
        return 0;
    });
}
