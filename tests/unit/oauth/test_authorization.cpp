// The consent step: scope rules, hub membership and hub scope filtering (plan_authorization,
// approve).
#include <doctest/doctest.h>

#include "authority_fixture.hpp"

using namespace hsoauth;
using oauth::errc;
using namespace hsoauth::test;

namespace {

oauth::authorization_request demo_request(storage::scope_list scopes, storage::scope_list optional_scopes = {},
                                          bool strict = true) {
    oauth::authorization_request r;
    r.client_id = test::demo_client;
    r.redirect_uri = test::demo_redirect;
    r.scopes = std::move(scopes);
    r.optional_scopes = std::move(optional_scopes);
    r.strict_placement = strict;
    return r;
}

}  // namespace

TEST_CASE_FIXTURE(authority_fixture, "oauth: plan_authorization accepts the required scopes in any order") {
    const auto p = plan(demo_request({"crm.objects.contacts.read", "oauth"}));
    REQUIRE_MESSAGE(p.ok(), test::why(p));
    CHECK(p->app.app_id == demo_app_id);
    CHECK(p->redirect_uri == test::demo_redirect);
    CHECK(p->required_scopes == storage::scope_list{"crm.objects.contacts.read", "oauth"});
    CHECK(p->optional_scopes.empty());
}

TEST_CASE_FIXTURE(authority_fixture, "oauth: plan_authorization checks client_id and the exact redirect_uri") {
    auto r = demo_request({"oauth", "crm.objects.contacts.read"});
    r.client_id = "nobody";
    CHECK(error_of(plan(r)) == errc::unknown_client);
    r = demo_request({"oauth", "crm.objects.contacts.read"});
    r.redirect_uri = test::demo_redirect + "/extra";
    CHECK(error_of(plan(r)) == errc::unregistered_redirect_uri);
    r.redirect_uri = "https://app.example.com/Callback";
    CHECK(error_of(plan(r)) == errc::unregistered_redirect_uri);
    r.redirect_uri = "http://localhost:3000/oauth-callback";  // the app's second URI
    CHECK(plan(r).ok());
}

TEST_CASE_FIXTURE(authority_fixture, "oauth: a missing required scope is scope_mismatch") {
    CHECK(error_of(plan(demo_request({"oauth"}))) == errc::scope_mismatch);
    CHECK(error_of(plan(demo_request({}))) == errc::scope_mismatch);
    CHECK(error_of(plan(demo_request({"oauth"}, {"crm.objects.contacts.read"}))) == errc::scope_mismatch);
}

TEST_CASE_FIXTURE(authority_fixture, "oauth: a scope the app never configured is scope_mismatch") {
    const auto unknown = plan(demo_request({"oauth", "crm.objects.contacts.read", "crm.objects.contacts.write"}));
    CHECK(error_of(unknown) == errc::scope_mismatch);
    CHECK(unknown.err().detail.find("crm.objects.contacts.write") != std::string::npos);
    CHECK(error_of(plan(demo_request({"oauth", "crm.objects.contacts.read"}, {"tickets"}))) == errc::scope_mismatch);
    CHECK(error_of(plan(demo_request({"oauth", "crm.objects.contacts.read"}, {"tickets"}, false))) ==
          errc::scope_mismatch);
}

TEST_CASE_FIXTURE(authority_fixture, "oauth: an optional scope in `scopes` is a mismatch only with strict placement") {
    CHECK(error_of(plan(demo_request({"oauth", "crm.objects.contacts.read", "automation"}))) == errc::scope_mismatch);
    const auto relaxed = plan(demo_request({"oauth", "crm.objects.contacts.read", "automation"}, {}, false));
    REQUIRE_MESSAGE(relaxed.ok(), test::why(relaxed));
    CHECK(relaxed->required_scopes == storage::scope_list{"oauth", "crm.objects.contacts.read"});
    CHECK(relaxed->optional_scopes == storage::scope_list{"automation"});
    // Optional scopes in their own list are fine either way.
    const auto placed = plan(demo_request({"oauth", "crm.objects.contacts.read"}, {"automation", "crm.objects.deals.read"}));
    REQUIRE_MESSAGE(placed.ok(), test::why(placed));
    CHECK(placed->optional_scopes == storage::scope_list{"automation", "crm.objects.deals.read"});
}

TEST_CASE_FIXTURE(authority_fixture, "oauth: approve grants requested optional scopes on a hub that grants everything") {
    const auto issued = authorize(demo_request({"oauth", "crm.objects.contacts.read"},
                                               {"crm.objects.deals.read", "automation"}),
                                  test::open_hub, test::dev_user);
    REQUIRE_MESSAGE(issued.ok(), test::why(issued));
    CHECK(issued->granted_scopes ==
          storage::scope_list{"oauth", "crm.objects.contacts.read", "crm.objects.deals.read", "automation"});
}

TEST_CASE_FIXTURE(authority_fixture, "oauth: approve drops optional scopes the hub cannot grant") {
    const auto issued = authorize(demo_request({"oauth", "crm.objects.contacts.read"},
                                               {"crm.objects.deals.read", "automation"}),
                                  test::restricted_hub, test::dev_user);
    REQUIRE_MESSAGE(issued.ok(), test::why(issued));
    CHECK(issued->granted_scopes == storage::scope_list{"oauth", "crm.objects.contacts.read", "automation"});
    const auto install = storage::read_value(store.db, [&](storage::repository& repo) {
        return repo.find_live_install(demo_app_id, test::restricted_hub);
    });
    REQUIRE(install.has_value());
    CHECK(install->scopes == storage::scope_list{"oauth", "crm.objects.contacts.read", "automation"});
    const auto tokens = exchange_demo(issued->code);
    REQUIRE(tokens.ok());
    CHECK(tokens->scopes == storage::scope_list{"oauth", "crm.objects.contacts.read", "automation"});
    CHECK(introspect_access(tokens->access_token).value()->scopes == tokens->scopes);
}

TEST_CASE_FIXTURE(authority_fixture, "oauth: a hub that cannot grant a required scope is hub_unavailable") {
    storage::write_and_wait(store.db, [](storage::repository& repo) {
        storage::hub_record narrow;
        narrow.hub_id = 104;
        narrow.hub_domain = "narrow.example.com";
        narrow.scopes = storage::scope_list{"oauth"};
        repo.upsert_hub(narrow);
        auto user = *repo.find_user(test::dev_user);
        user.hub_ids.push_back(104);
        repo.upsert_user(user);
    });
    CHECK(error_of(authorize(demo_request({"oauth", "crm.objects.contacts.read"}), 104, test::dev_user)) ==
          errc::hub_unavailable);
    CHECK_FALSE(storage::read_value(store.db, [&](storage::repository& repo) {
        return repo.find_live_install(demo_app_id, 104).has_value();
    }));
}

TEST_CASE_FIXTURE(authority_fixture, "oauth: approve checks the user exists and belongs to the hub") {
    const auto request = demo_request({"oauth", "crm.objects.contacts.read"});
    CHECK(error_of(authorize(request, test::open_hub, test::outsider_user)) == errc::hub_unavailable);
    CHECK(error_of(authorize(request, test::eu_hub, test::dev_user)) == errc::hub_unavailable);
    CHECK(error_of(authorize(request, 999, test::dev_user)) == errc::hub_unavailable);
    CHECK(error_of(authorize(request, test::open_hub, 999)) == errc::unknown_user);
    // Nothing was installed by the refusals.
    CHECK(storage::read_value(store.db, [](storage::repository& repo) { return repo.list_installs().empty(); }));
}
