// Client authentication, authorization codes and their exchange (oauth::authority).
#include <doctest/doctest.h>

#include "authority_fixture.hpp"
#include "hsoauth/oauth/token_format.hpp"

using namespace hsoauth;
using oauth::errc;
using namespace hsoauth::test;

TEST_CASE_FIXTURE(authority_fixture, "oauth: the client check looks at client_id first, then the secret") {
    CHECK(error_of(authenticate("no-such-client", demo_secret)) == errc::unknown_client);
    CHECK(error_of(authenticate("no-such-client", "")) == errc::unknown_client);
    CHECK(error_of(authenticate("", "")) == errc::unknown_client);
    CHECK(error_of(authenticate(demo_client, "wrong")) == errc::wrong_client_secret);
    CHECK(error_of(authenticate(demo_client, "")) == errc::wrong_client_secret);
    CHECK(error_of(authenticate(demo_client, rotating_secret)) == errc::wrong_client_secret);
    CHECK(error_of(authenticate(demo_client, demo_secret + " ")) == errc::wrong_client_secret);
    const auto ok = authenticate(demo_client, demo_secret);
    REQUIRE(ok.ok());
    CHECK(ok.value()->app_id == demo_app_id);
    CHECK(ok.value()->client_id == demo_client);
}

TEST_CASE_FIXTURE(authority_fixture, "oauth: approve then exchange_code issues tokens that introspect") {
    oauth::authorization_request request;
    request.client_id = demo_client;
    request.redirect_uri = demo_redirect;
    request.scopes = {"oauth", "crm.objects.contacts.read"};
    const auto issued = authorize(request, open_hub, dev_user);
    REQUIRE_MESSAGE(issued.ok(), test::why(issued));
    CHECK(issued->code.rfind("na1-", 0) == 0);
    CHECK(issued->expires_in == 600);
    CHECK(issued->granted_scopes == storage::scope_list{"oauth", "crm.objects.contacts.read"});

    const auto install = storage::read_value(store.db, [&](storage::repository& repo) {
        return repo.find_live_install(demo_app_id, open_hub);
    });
    REQUIRE(install.has_value());
    CHECK(install->install_id == issued->install_id);
    CHECK(install->user_id == dev_user);
    CHECK(install->installed_at == test::start_time);

    const auto tokens = exchange_demo(issued->code);
    REQUIRE_MESSAGE(tokens.ok(), test::why(tokens));
    CHECK(tokens->access_token.view().starts_with("C"));
    CHECK(tokens->access_token.size() == 55);  // "C" + base64url of 40 bytes
    CHECK(tokens->refresh_token.rfind("na1-", 0) == 0);
    CHECK(oauth::refresh_token_id(tokens->refresh_token).has_value());
    CHECK(tokens->expires_in == 1800);
    CHECK(tokens->hub_id == open_hub);
    CHECK(tokens->user_id == dev_user);
    CHECK(tokens->scopes == storage::scope_list{"oauth", "crm.objects.contacts.read"});

    const auto read = introspect_access(tokens->access_token);
    REQUIRE_MESSAGE(read.ok(), test::why(read));
    const oauth::access_token_info& access = read.value();
    CHECK(access->token == tokens->access_token);
    CHECK(access->user == "dev@example.com");
    CHECK(access->hub_domain == "open.example.com");
    CHECK(access->hub_id == open_hub);
    CHECK(access->app_id == demo_app_id);
    CHECK(access->user_id == dev_user);
    CHECK(access->client_id == demo_client);
    CHECK(access.expires_in == 1800);
    CHECK(access->expires_at == test::start_time + 1800);
    CHECK(access->scopes == storage::scope_list{"oauth", "crm.objects.contacts.read"});

    const auto refresh_info = introspect_refresh(tokens->refresh_token);
    REQUIRE_MESSAGE(refresh_info.ok(), test::why(refresh_info));
    CHECK(refresh_info->client_id == demo_client);
    CHECK(refresh_info->user == "dev@example.com");
    CHECK(refresh_info->hub_id == open_hub);
    CHECK(refresh_info->user_id == dev_user);
    CHECK(refresh_info->scopes == storage::scope_list{"oauth", "crm.objects.contacts.read"});

    // The access token and refresh token are not interchangeable.
    CHECK(error_of(introspect_access(tokens->refresh_token)) == errc::unknown_token);
    CHECK(error_of(introspect_refresh(tokens->access_token)) == errc::unknown_token);
}

TEST_CASE_FIXTURE(authority_fixture, "oauth: codes and tokens of an eu1 hub carry its hublet") {
    const auto code = demo_code({}, test::eu_hub, test::eu_user);
    CHECK(code.rfind("eu1-", 0) == 0);
    const auto tokens = exchange_demo(code);
    REQUIRE_MESSAGE(tokens.ok(), test::why(tokens));
    CHECK(tokens->refresh_token.rfind("eu1-", 0) == 0);
    CHECK(introspect_access(tokens->access_token).value()->hublet == "eu1");
}

TEST_CASE_FIXTURE(authority_fixture, "oauth: an unknown code is unknown_code") {
    CHECK(error_of(exchange_demo("na1-not-a-real-code")) == errc::unknown_code);
    CHECK(error_of(exchange_demo("")) == errc::unknown_code);
}

TEST_CASE_FIXTURE(authority_fixture, "oauth: a replayed code is refused and revokes every token issued from it") {
    const auto code = demo_code();
    const auto first = exchange_demo(code);
    REQUIRE_MESSAGE(first.ok(), test::why(first));
    const auto refreshed = refresh(demo_client, demo_secret, first->refresh_token);
    REQUIRE_MESSAGE(refreshed.ok(), test::why(refreshed));
    REQUIRE(introspect_access(first->access_token).ok());
    REQUIRE(introspect_access(refreshed->access_token).ok());

    CHECK(error_of(exchange_demo(code)) == errc::unknown_code);

    CHECK(error_of(introspect_access(first->access_token)) == errc::unknown_token);
    CHECK(error_of(introspect_access(refreshed->access_token)) == errc::unknown_token);
    CHECK(error_of(introspect_refresh(first->refresh_token)) == errc::unknown_token);
    CHECK(error_of(refresh(demo_client, demo_secret, first->refresh_token)) == errc::invalid_refresh_token);
    // Still refused on a third attempt.
    CHECK(error_of(exchange_demo(code)) == errc::unknown_code);
}

TEST_CASE_FIXTURE(authority_fixture, "oauth: a replay does not touch tokens of other codes") {
    const auto replayed = demo_code();
    const auto other = exchange_demo(demo_code());
    REQUIRE(other.ok());
    REQUIRE(exchange_demo(replayed).ok());
    CHECK(error_of(exchange_demo(replayed)) == errc::unknown_code);
    CHECK(introspect_access(other->access_token).ok());
    CHECK(introspect_refresh(other->refresh_token).ok());
}

TEST_CASE_FIXTURE(authority_fixture, "oauth: another client replaying a used code is refused and revokes nothing") {
    // RFC 6749 §4.1.3: the client is checked before the code's state. Otherwise any registered
    // app's credentials and a leaked used code (browser history, proxy logs) would revoke
    // another app's tokens.
    const auto code = demo_code();
    const auto first = exchange_demo(code);
    REQUIRE_MESSAGE(first.ok(), test::why(first));
    CHECK(error_of(exchange(rotating_client, rotating_secret, code, demo_redirect)) == errc::unknown_code);
    CHECK(introspect_access(first->access_token).ok());
    CHECK(introspect_refresh(first->refresh_token).ok());
    // The code's own client replaying it still revokes.
    CHECK(error_of(exchange_demo(code)) == errc::unknown_code);
    CHECK(error_of(introspect_access(first->access_token)) == errc::unknown_token);
}

TEST_CASE_FIXTURE(authority_fixture, "oauth: a code expires exactly code_ttl seconds after it was issued") {
    const auto alive = demo_code();
    time.advance(599);
    const auto ok = exchange_demo(alive);
    CHECK_MESSAGE(ok.ok(), test::why(ok));

    const auto stale = demo_code();
    time.advance(600);
    CHECK(error_of(exchange_demo(stale)) == errc::expired_code);
    time.advance(100000);
    CHECK(error_of(exchange_demo(stale)) == errc::expired_code);
}

TEST_CASE("oauth: code_ttl comes from the settings") {
    oauth::authority_settings settings;
    settings.code_ttl = 30;
    authority_fixture f(settings);
    const auto alive = f.demo_code();
    const auto stale = f.demo_code();
    f.time.advance(29);
    CHECK(f.exchange_demo(alive).ok());
    f.time.advance(1);
    CHECK(authority_fixture::error_of(f.exchange_demo(stale)) == errc::expired_code);
}

TEST_CASE_FIXTURE(authority_fixture, "oauth: redirect_uri must match the code's byte for byte; a miss does not use the code") {
    const auto code = demo_code();
    for (const std::string& wrong : {demo_redirect + "/", std::string("https://APP.example.com/callback"),
                                    std::string("http://localhost:3000/oauth-callback"), std::string(""),
                                    demo_redirect + "?x=1"}) {
        CAPTURE(wrong);
        CHECK(error_of(exchange(demo_client, demo_secret, code, wrong)) == errc::redirect_uri_mismatch);
    }
    CHECK(exchange_demo(code).ok());
}

TEST_CASE_FIXTURE(authority_fixture, "oauth: a code issued to another app is unknown_code and stays usable") {
    const auto code = demo_code();
    CHECK(error_of(exchange(rotating_client, rotating_secret, code, demo_redirect)) == errc::unknown_code);
    CHECK(error_of(exchange(demo_client, "wrong", code, demo_redirect)) == errc::wrong_client_secret);
    CHECK(exchange_demo(code).ok());
}

TEST_CASE_FIXTURE(authority_fixture, "oauth: a code from an uninstalled install is unknown_code") {
    const auto code = demo_code();
    REQUIRE(uninstall(demo_app_id, test::open_hub).ok());
    CHECK(error_of(exchange_demo(code)) == errc::unknown_code);
}

TEST_CASE_FIXTURE(authority_fixture, "oauth: approving again updates the install instead of adding one") {
    demo_code();
    oauth::authorization_request request;
    request.client_id = demo_client;
    request.redirect_uri = demo_redirect;
    request.scopes = {"oauth", "crm.objects.contacts.read"};
    request.optional_scopes = {"automation"};
    const auto again = authorize(request, test::open_hub, test::dev_user);
    REQUIRE_MESSAGE(again.ok(), test::why(again));
    const auto installs = storage::read_value(store.db, [](storage::repository& repo) { return repo.list_installs(); });
    REQUIRE(installs.size() == 1);
    CHECK(installs[0].scopes == storage::scope_list{"oauth", "crm.objects.contacts.read", "automation"});
}
