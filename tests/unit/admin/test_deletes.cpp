// Deleting an app, hub, user or install leaves no authority behind: every code and token that
// hangs from it is refused afterwards, memberships go with the hub or user, and the id is never
// handed out again (admin::registry over the real SQLite store, the authority as the server runs it).
#include <doctest/doctest.h>

#include <algorithm>

#include "../oauth/authority_fixture.hpp"
#include "hsoauth/admin/registry.hpp"

using namespace hsoauth;
using namespace hsoauth::test;
using oauth::errc;

namespace {

struct deletes_fixture : authority_fixture {
    admin::registry reg{hasher, 1800};

    // A live code and a live token pair of the demo app on `hub` for `user`.
    struct authority_of {
        std::string code;
        oauth::issued_tokens tokens;
    };
    authority_of mint(std::int64_t hub = open_hub, std::int64_t user = dev_user) {
        authority_of out;
        auto first = exchange_demo(demo_code({}, hub, user));
        REQUIRE_MESSAGE(first.ok(), why(first));
        out.tokens = std::move(*first);
        out.code = demo_code({}, hub, user);
        return out;
    }

    // Every code and token of `what` is refused, the way a client would present them (the
    // client itself first, when its app is gone).
    void check_dead(const authority_of& what, bool app_gone = false) {
        const auto code_refusal = app_gone ? errc::unknown_client : errc::unknown_code;
        CHECK(error_of(exchange_demo(what.code)) == code_refusal);
        CHECK(error_of(introspect_access(what.tokens.access_token)) == errc::unknown_token);
        CHECK(error_of(introspect_refresh(what.tokens.refresh_token)) == errc::unknown_token);
        const auto refresh_refusal = app_gone ? errc::unknown_client : errc::uninstalled_refresh_token;
        CHECK(error_of(refresh(demo_client, demo_secret, what.tokens.refresh_token)) == refresh_refusal);
    }

    template <class Work>
    auto write(Work work) {
        return storage::write_and_wait(store.db, work);
    }
    template <class Work>
    auto read(Work work) {
        return storage::read_value(store.db, work);
    }
};

}  // namespace

TEST_CASE_FIXTURE(deletes_fixture, "deletes: an app's codes and tokens die with it and its id is never reused") {
    const auto doomed = mint();
    apps.invalidate();
    REQUIRE(write([&](storage::repository& repo) { return reg.delete_app(repo, demo_app_id, time.now()); }).ok());
    apps.invalidate();
    check_dead(doomed, /*app_gone=*/true);
    // Created again under the same id and client_id, on purpose: nothing of the old one revives.
    admin::app_input same;
    same.app_id = demo_app_id;
    same.name = "Demo again";
    same.client_id = demo_client;
    same.client_secret = demo_secret;
    same.redirect_uris = {demo_redirect};
    same.scopes = {"oauth", "crm.objects.contacts.read"};
    REQUIRE(write([&](storage::repository& repo) { return reg.put_app(repo, same); }).ok());
    apps.invalidate();
    check_dead(doomed);
    // A new app without an id gets one above every app id ever stored.
    admin::app_input again;
    again.name = "Next";
    again.client_secret = "next-secret-0123456789";
    again.redirect_uris = {demo_redirect};
    again.scopes = {"oauth"};
    const auto saved = write([&](storage::repository& repo) { return reg.put_app(repo, again); });
    REQUIRE(saved.ok());
    CHECK(saved->app.app_id > std::max(demo_app_id, rotating_app_id));
}

TEST_CASE_FIXTURE(deletes_fixture, "deletes: the last app's id is not handed out again after it is deleted") {
    const auto last = std::max(demo_app_id, rotating_app_id);
    REQUIRE(write([&](storage::repository& repo) { return reg.delete_app(repo, last, time.now()); }).ok());
    storage::app_record fresh = app(demo_client);
    fresh.app_id = 0;
    fresh.client_id = "fresh-client";
    CHECK(write([&](storage::repository& repo) { return repo.upsert_app(fresh); }) == last + 1);
}

TEST_CASE_FIXTURE(deletes_fixture, "deletes: a hub's codes, tokens and memberships die with it; its id is never reused") {
    // The hub with the largest id, as in the finding: a new hub took its id and its members.
    const auto doomed = mint(eu_hub, eu_user);
    const auto living = mint(open_hub, dev_user);
    REQUIRE(write([&](storage::repository& repo) { return reg.delete_hub(repo, eu_hub, time.now()); }).ok());
    check_dead(doomed);
    CHECK(introspect_access(living.tokens.access_token).ok());
    read([&](storage::repository& repo) {
        CHECK(repo.find_user(eu_user)->hub_ids.empty());
        return 0;
    });
    admin::hub_input next;
    next.hub_domain = "secret-customer.example.com";
    const auto created = write([&](storage::repository& repo) { return reg.put_hub(repo, next); });
    REQUIRE(created.ok());
    CHECK(created->record.hub_id == eu_hub + 1);
    // Nobody is a member of the new hub: the old hub's member cannot approve on it.
    oauth::authorization_request request;
    request.client_id = demo_client;
    request.redirect_uri = demo_redirect;
    request.scopes = {"oauth", "crm.objects.contacts.read"};
    CHECK(error_of(authorize(request, created->record.hub_id, eu_user)) == errc::hub_unavailable);
    // Posting a user back as listed works: no membership points at a deleted hub.
    const auto listed = read([&](storage::repository& repo) { return *repo.find_user(dev_user); });
    admin::user_input back{listed.user_id, listed.email, listed.hub_ids, {}};
    CHECK(write([&](storage::repository& repo) { return reg.put_user(repo, back); }).ok());
}

TEST_CASE_FIXTURE(deletes_fixture, "deletes: a user's unused code dies with them even when another user installed since") {
    // A's code, then B approves the same app on the same hub: the install is B's now.
    const auto of_a = demo_code({}, open_hub, dev_user);
    write([&](storage::repository& repo) {
        storage::user_record b;
        b.user_id = 300;
        b.email = "b@example.com";
        b.hub_ids = {open_hub};
        return repo.upsert_user(b);
    });
    const auto of_b = exchange_demo(demo_code({}, open_hub, 300));
    REQUIRE(of_b.ok());
    REQUIRE(write([&](storage::repository& repo) { return reg.delete_user(repo, dev_user, time.now()); }).ok());
    CHECK(error_of(exchange_demo(of_a)) == errc::unknown_code);
    // The user's id is not handed out again: a new user without an id gets another.
    admin::user_input eve;
    eve.email = "eve@example.com";
    const auto created = write([&](storage::repository& repo) { return reg.put_user(repo, eve); });
    REQUIRE(created.ok());
    CHECK(created->record.user_id > 300);
    CHECK(created->record.user_id != dev_user);
}

TEST_CASE_FIXTURE(deletes_fixture, "deletes: a user's tokens die with them; their memberships go") {
    const auto doomed = mint(open_hub, dev_user);
    REQUIRE(write([&](storage::repository& repo) { return reg.delete_user(repo, dev_user, time.now()); }).ok());
    check_dead(doomed);
    CHECK(read([&](storage::repository& repo) {
              return repo.consent_users({"oauth"}, open_hub, "", 10).size();
          }) == 0);
}

TEST_CASE_FIXTURE(deletes_fixture, "deletes: an uninstall kills the install's codes and tokens; a new install gets a new id") {
    const auto doomed = mint();
    const auto before = read([&](storage::repository& repo) { return repo.find_live_install(demo_app_id, open_hub); });
    REQUIRE(before.has_value());
    REQUIRE(uninstall(demo_app_id, open_hub).ok());
    check_dead(doomed);
    const auto fresh = mint();
    const auto after = read([&](storage::repository& repo) { return repo.find_live_install(demo_app_id, open_hub); });
    REQUIRE(after.has_value());
    CHECK(after->install_id > before->install_id);
    check_dead(doomed);  // the new install does not bring the old one's codes back
    CHECK(introspect_access(fresh.tokens.access_token).ok());
}
