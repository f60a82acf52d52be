// service::app_cache: apps by client_id from memory until a write that changed apps completed.
#include <doctest/doctest.h>

#include <stdexcept>
#include <string>

#include "../storage/temp_database.hpp"
#include "hsoauth/service/app_cache.hpp"

using namespace hsoauth;

namespace {

storage::app_record cached_app() {
    storage::app_record app;
    app.name = "cached";
    app.client_id = "cached-client";
    app.client_secret_digest = "digest-1";
    app.scopes = {"oauth"};
    return app;
}

// Stores `app` (a new app when its app_id is 0) and returns its app_id.
std::int64_t store_app(test::temp_database& t, const storage::app_record& app) {
    return storage::write_and_wait(t.db, [&](storage::repository& repo) { return repo.upsert_app(app); });
}

// Runs `work` as a write and then invalidates the cache, as the handlers that change apps do,
// whether the write succeeded or failed; rethrows what the write threw.
template <class Work>
void write_app(test::temp_database& t, service::app_cache& apps, Work work) {
    try {
        storage::write_and_wait(t.db, work);
    } catch (...) {
        apps.invalidate();
        throw;
    }
    apps.invalidate();
}

}  // namespace

TEST_CASE(
    "app_cache: apps by client_id are remembered until a write that changed an app invalidates "
    "them") {
    test::temp_database t;
    service::app_cache apps(t.db);
    storage::app_record app = cached_app();
    app.app_id = store_app(t, app);

    REQUIRE(apps.find("cached-client") != nullptr);
    CHECK(apps.find("cached-client")->client_secret_digest == "digest-1");
    CHECK(apps.find("no-such-client") == nullptr);

    // A new secret is seen by the very next lookup after the write and its invalidation.
    app.client_secret_digest = "digest-2";
    write_app(t, apps, [&](storage::repository& repo) { repo.upsert_app(app); });
    CHECK(apps.find("cached-client")->client_secret_digest == "digest-2");

    // So is a new client_id: the old one is gone at once.
    app.client_id = "renamed-client";
    write_app(t, apps, [&](storage::repository& repo) { repo.upsert_app(app); });
    CHECK(apps.find("cached-client") == nullptr);
    CHECK(apps.find("renamed-client") != nullptr);

    write_app(t, apps, [&](storage::repository& repo) { repo.delete_app(app.app_id); });
    CHECK(apps.find("renamed-client") == nullptr);

    // A write that changes an app and then rolls back leaves the app as it was.
    app.client_id = "back-client";
    app.app_id = 0;
    write_app(t, apps, [&](storage::repository& repo) { repo.upsert_app(app); });
    REQUIRE(apps.find("back-client") != nullptr);
    CHECK_THROWS(write_app(t, apps, [&](storage::repository& repo) {
        storage::app_record changed = *repo.find_app_by_client_id("back-client");
        changed.client_secret_digest = "never-committed";
        repo.upsert_app(changed);
        throw std::runtime_error("rolled back");
    }));
    CHECK(apps.find("back-client")->client_secret_digest == "digest-2");
}

TEST_CASE("app_cache: a hit is served from memory, without reading the store") {
    test::temp_database t;
    service::app_cache apps(t.db);
    storage::app_record app = cached_app();
    app.app_id = store_app(t, app);
    const auto first = apps.find("cached-client");
    REQUIRE(first != nullptr);

    // Changed behind the cache's back (no invalidate): the remembered app is still served, the
    // very same object.
    app.client_secret_digest = "digest-2";
    store_app(t, app);
    const auto second = apps.find("cached-client");
    CHECK(second == first);
    CHECK(second->client_secret_digest == "digest-1");

    apps.invalidate();
    const auto third = apps.find("cached-client");
    REQUIRE(third != nullptr);
    CHECK(third != first);
    CHECK(third->client_secret_digest == "digest-2");
    CHECK(apps.find("cached-client") == third);
}

TEST_CASE("app_cache: an unknown client_id is not remembered") {
    test::temp_database t;
    service::app_cache apps(t.db);
    CHECK(apps.find("cached-client") == nullptr);
    CHECK(apps.find("cached-client") == nullptr);

    // The app appears without an invalidation: had the miss been remembered, it would stay unseen.
    storage::app_record app = cached_app();
    store_app(t, app);
    const auto found = apps.find("cached-client");
    REQUIRE(found != nullptr);
    CHECK(found->client_secret_digest == "digest-1");
}

// Whether the cache knows `secret` as the verified one of "cached-client" as it is now.
static bool knows(service::app_cache& apps, std::string_view secret) {
    return apps.find_with_secret("cached-client", secret).secret_known;
}

TEST_CASE("app_cache: a verified secret is known byte for byte until its app changes") {
    test::temp_database t;
    service::app_cache apps(t.db);
    storage::app_record app = cached_app();
    app.app_id = store_app(t, app);
    const auto first = apps.find("cached-client");
    REQUIRE(first != nullptr);
    CHECK_FALSE(knows(apps, "secret-1"));
    CHECK_FALSE(knows(apps, ""));

    apps.remember_secret(*first, "secret-1");
    CHECK(knows(apps, "secret-1"));
    CHECK_FALSE(knows(apps, "secret-2"));
    CHECK_FALSE(knows(apps, "secret-"));
    CHECK_FALSE(knows(apps, "secret-10"));
    CHECK_FALSE(knows(apps, "SECRET-1"));

    // A record that is not the cached one (a copy) teaches the cache nothing.
    const storage::app_record copy = *first;
    apps.remember_secret(copy, "secret-3");
    CHECK_FALSE(knows(apps, "secret-3"));
    CHECK(knows(apps, "secret-1"));

    // A write that changed apps forgets it.
    app.client_secret_digest = "digest-2";
    write_app(t, apps, [&](storage::repository& repo) { repo.upsert_app(app); });
    CHECK_FALSE(knows(apps, "secret-1"));
    // The record of before the change cannot teach the new one a secret.
    apps.remember_secret(*first, "secret-1");
    CHECK_FALSE(knows(apps, "secret-1"));
}

TEST_CASE("app_cache: find_with_secret finds the app and knows its verified secret until it changes") {
    test::temp_database t;
    service::app_cache apps(t.db);
    CHECK(apps.find_with_secret("cached-client", "secret-1").app == nullptr);

    storage::app_record app = cached_app();
    app.app_id = store_app(t, app);
    const auto read = apps.find_with_secret("cached-client", "secret-1");
    REQUIRE(read.app != nullptr);
    CHECK_FALSE(read.secret_known);  // read through the store: nothing verified yet

    apps.remember_secret(*read.app, "secret-1");
    const auto again = apps.find_with_secret("cached-client", "secret-1");
    CHECK(again.app == read.app);
    CHECK(again.secret_known);
    CHECK_FALSE(apps.find_with_secret("cached-client", "secret-2").secret_known);
    CHECK_FALSE(apps.find_with_secret("cached-client", "secret-").secret_known);
    CHECK_FALSE(apps.find_with_secret("cached-client", "").secret_known);
    CHECK_FALSE(apps.find_with_secret("other-client", "secret-1").secret_known);

    // A write that changed apps forgets the secret at once.
    app.client_secret_digest = "digest-2";
    write_app(t, apps, [&](storage::repository& repo) { repo.upsert_app(app); });
    const auto changed = apps.find_with_secret("cached-client", "secret-1");
    REQUIRE(changed.app != nullptr);
    CHECK(changed.app != read.app);
    CHECK(changed.app->client_secret_digest == "digest-2");
    CHECK_FALSE(changed.secret_known);
}
