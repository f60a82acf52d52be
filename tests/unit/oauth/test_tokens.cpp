// Refresh, rotation, introspection against the clock, revocation and uninstall (oauth::authority).
#include <doctest/doctest.h>

#include "authority_fixture.hpp"
#include "hsoauth/oauth/token_format.hpp"

using namespace hsoauth;
using oauth::errc;
using namespace hsoauth::test;

TEST_CASE_FIXTURE(authority_fixture, "oauth: refresh returns a new access token and the same refresh token") {
    const auto tokens = demo_tokens();
    time.advance(100);
    const auto refreshed = refresh(demo_client, demo_secret, tokens.refresh_token);
    REQUIRE_MESSAGE(refreshed.ok(), test::why(refreshed));
    CHECK(refreshed->refresh_token == tokens.refresh_token);
    CHECK(refreshed->access_token != tokens.access_token);
    CHECK(refreshed->access_token.view().starts_with("C"));
    CHECK(refreshed->expires_in == 1800);
    CHECK(refreshed->hub_id == test::open_hub);
    CHECK(refreshed->user_id == test::dev_user);
    CHECK(refreshed->scopes == tokens.scopes);
    // Both access tokens live, each with its own expiry.
    CHECK(introspect_access(tokens.access_token)->expires_in == 1700);
    CHECK(introspect_access(refreshed->access_token)->expires_in == 1800);
    // And the refresh token goes on working.
    CHECK(refresh(demo_client, demo_secret, tokens.refresh_token).ok());
    CHECK(introspect_refresh(tokens.refresh_token).ok());
}

TEST_CASE_FIXTURE(authority_fixture, "oauth: a refresh prepared before its token was revoked issues nothing") {
    const auto tokens = demo_tokens();
    auto app = authenticate(demo_client, demo_secret);
    REQUIRE(app.ok());
    // The network thread hashes and makes the new access token; a revocation commits before the write.
    auto grant = auth.prepare_refresh(tokens.refresh_token, store.db.allocate_access_id());
    const std::string prepared_access (grant.access_token);
    REQUIRE(revoke(tokens.refresh_token).ok());
    const auto refreshed = storage::write_and_wait(
        store.db, [&](storage::repository& repo) { return auth.refresh(repo, **app, std::move(grant)); });
    CHECK(error_of(refreshed) == errc::invalid_refresh_token);
    CHECK(error_of(introspect_access(prepared_access)) == errc::unknown_token);
}

TEST_CASE_FIXTURE(authority_fixture, "oauth: the access token a refresh returns is the one prepared for it") {
    const auto tokens = demo_tokens();
    auto app = authenticate(demo_client, demo_secret);
    REQUIRE(app.ok());
    auto first = auth.prepare_refresh(tokens.refresh_token, store.db.allocate_access_id());
    auto second = auth.prepare_refresh(tokens.refresh_token, store.db.allocate_access_id());
    CHECK(first.access_token != second.access_token);
    // Written in the other order than prepared: each write issues its own prepared token.
    for (auto* grant : {&second, &first}) {
        const std::string prepared_access (grant->access_token);
        const auto refreshed = storage::write_and_wait(
            store.db, [&](storage::repository& repo) { return auth.refresh(repo, **app, std::move(*grant)); });
        REQUIRE_MESSAGE(refreshed.ok(), test::why(refreshed));
        CHECK(refreshed->access_token == prepared_access);
        CHECK(introspect_access(prepared_access)->expires_in == 1800);
    }
}

TEST_CASE_FIXTURE(authority_fixture, "oauth: refresh refuses unknown tokens and another app's tokens") {
    const auto tokens = demo_tokens();
    const auto unknown = refresh(demo_client, demo_secret, "na1-0000-unknown");
    CHECK(error_of(unknown) == errc::invalid_refresh_token);
    CHECK(error_of(refresh(rotating_client, rotating_secret, tokens.refresh_token)) == errc::invalid_refresh_token);
    const std::string access_as_refresh(tokens.access_token);
    CHECK(error_of(refresh(demo_client, demo_secret, access_as_refresh)) ==
          errc::invalid_refresh_token);
    CHECK(error_of(refresh(demo_client, "wrong", tokens.refresh_token)) == errc::wrong_client_secret);
    // None of that harmed the token.
    CHECK(refresh(demo_client, demo_secret, tokens.refresh_token).ok());
}

TEST_CASE_FIXTURE(authority_fixture, "oauth: a rotating app gets a new refresh token each time; reuse revokes the chain") {
    const auto first = exchange(rotating_client, rotating_secret, rotating_code(), test::demo_redirect);
    REQUIRE_MESSAGE(first.ok(), test::why(first));
    CHECK(first->expires_in == 300);

    const auto second = refresh(rotating_client, rotating_secret, first->refresh_token);
    REQUIRE_MESSAGE(second.ok(), test::why(second));
    CHECK(second->refresh_token != first->refresh_token);
    CHECK(second->refresh_token.rfind("na1-", 0) == 0);
    CHECK(error_of(introspect_refresh(first->refresh_token)) == errc::unknown_token);

    const auto third = refresh(rotating_client, rotating_secret, second->refresh_token);
    REQUIRE_MESSAGE(third.ok(), test::why(third));
    CHECK(third->refresh_token != second->refresh_token);
    REQUIRE(introspect_refresh(third->refresh_token).ok());
    REQUIRE(introspect_access(third->access_token).ok());

    // Someone replays the first (rotated) token: refused, and the whole chain dies.
    CHECK(error_of(refresh(rotating_client, rotating_secret, first->refresh_token)) == errc::invalid_refresh_token);
    CHECK(error_of(introspect_refresh(third->refresh_token)) == errc::unknown_token);
    CHECK(error_of(refresh(rotating_client, rotating_secret, third->refresh_token)) == errc::invalid_refresh_token);
    CHECK(error_of(introspect_access(first->access_token)) == errc::unknown_token);
    CHECK(error_of(introspect_access(second->access_token)) == errc::unknown_token);
    CHECK(error_of(introspect_access(third->access_token)) == errc::unknown_token);
}

TEST_CASE_FIXTURE(authority_fixture, "oauth: a rotated refresh token names its hub's hublet") {
    const auto first = exchange(rotating_client, rotating_secret, rotating_code(eu_hub, eu_user), test::demo_redirect);
    REQUIRE_MESSAGE(first.ok(), test::why(first));
    CHECK(first->refresh_token.rfind("eu1-", 0) == 0);
    const auto second = refresh(rotating_client, rotating_secret, first->refresh_token);
    REQUIRE_MESSAGE(second.ok(), test::why(second));
    CHECK(second->refresh_token.rfind("eu1-", 0) == 0);
}

TEST_CASE_FIXTURE(authority_fixture, "oauth: chain revocation spares other chains of the same app") {
    const auto victim = exchange(rotating_client, rotating_secret, rotating_code(), test::demo_redirect);
    const auto bystander = exchange(rotating_client, rotating_secret, rotating_code(), test::demo_redirect);
    REQUIRE(victim.ok());
    REQUIRE(bystander.ok());
    REQUIRE(refresh(rotating_client, rotating_secret, victim->refresh_token).ok());
    CHECK(error_of(refresh(rotating_client, rotating_secret, victim->refresh_token)) == errc::invalid_refresh_token);
    CHECK(introspect_refresh(bystander->refresh_token).ok());
    CHECK(introspect_access(bystander->access_token).ok());
}

TEST_CASE_FIXTURE(authority_fixture, "oauth: introspect_access counts expires_in down with the clock, then expired_token") {
    const auto tokens = demo_tokens();
    CHECK(introspect_access(tokens.access_token)->expires_in == 1800);
    time.advance(1);
    CHECK(introspect_access(tokens.access_token)->expires_in == 1799);
    time.advance(1000);
    CHECK(introspect_access(tokens.access_token)->expires_in == 799);
    time.advance(798);
    CHECK(introspect_access(tokens.access_token)->expires_in == 1);

    time.advance(1);  // exactly at expires_at
    auto expired = introspect_access(tokens.access_token);
    CHECK(error_of(expired) == errc::expired_token);
    CHECK(expired.err().seconds == 0);
    time.advance(42);
    expired = introspect_access(tokens.access_token);
    CHECK(error_of(expired) == errc::expired_token);
    CHECK(expired.err().seconds == 42);

    // The refresh token does not expire with it, and gives a fresh access token.
    CHECK(introspect_refresh(tokens.refresh_token).ok());
    const auto refreshed = refresh(demo_client, demo_secret, tokens.refresh_token);
    REQUIRE(refreshed.ok());
    CHECK(introspect_access(refreshed->access_token)->expires_in == 1800);
}

TEST_CASE_FIXTURE(authority_fixture, "oauth: unknown access tokens are unknown_token") {
    CHECK(error_of(introspect_access("CNotAToken")) == errc::unknown_token);
    CHECK(error_of(introspect_access("")) == errc::unknown_token);
    CHECK(error_of(introspect_refresh("na1-nope")) == errc::unknown_token);
}

TEST_CASE_FIXTURE(authority_fixture, "oauth: revoking a refresh token cascades to its access tokens by default") {
    const auto tokens = demo_tokens();
    const auto second = refresh(demo_client, demo_secret, tokens.refresh_token);
    REQUIRE(second.ok());
    REQUIRE(revoke(tokens.refresh_token).ok());
    CHECK(error_of(introspect_refresh(tokens.refresh_token)) == errc::unknown_token);
    CHECK(error_of(introspect_access(tokens.access_token)) == errc::unknown_token);
    CHECK(error_of(introspect_access(second->access_token)) == errc::unknown_token);
    const auto after = refresh(demo_client, demo_secret, tokens.refresh_token);
    CHECK(error_of(after) == errc::invalid_refresh_token);
    // Revoking twice, or revoking an unknown token, is unknown_token.
    CHECK(error_of(revoke(tokens.refresh_token)) == errc::unknown_token);
    CHECK(error_of(revoke("na1-unknown")) == errc::unknown_token);
}

TEST_CASE("oauth: with revoke_cascades off, revoking a refresh token keeps its access tokens") {
    oauth::authority_settings settings;
    settings.revoke_cascades = false;
    authority_fixture f(settings);
    const auto tokens = f.demo_tokens();
    REQUIRE(f.revoke(tokens.refresh_token).ok());
    CHECK(authority_fixture::error_of(f.introspect_refresh(tokens.refresh_token)) == errc::unknown_token);
    CHECK(authority_fixture::error_of(f.refresh(test::demo_client, test::demo_secret, tokens.refresh_token)) ==
          errc::invalid_refresh_token);
    const auto access = f.introspect_access(tokens.access_token);
    REQUIRE_MESSAGE(access.ok(), test::why(access));
    CHECK(access->expires_in == 1800);
}

TEST_CASE_FIXTURE(authority_fixture, "oauth: a rotated-away refresh token cannot be revoked") {
    const auto first = exchange(rotating_client, rotating_secret, rotating_code(), test::demo_redirect);
    REQUIRE(first.ok());
    const auto second = refresh(rotating_client, rotating_secret, first->refresh_token);
    REQUIRE(second.ok());
    CHECK(error_of(revoke(first->refresh_token)) == errc::unknown_token);
    CHECK(introspect_refresh(second->refresh_token).ok());
}

TEST_CASE_FIXTURE(authority_fixture, "oauth: uninstall kills every token of the install at once") {
    const auto a = demo_tokens();
    const auto b = demo_tokens();
    const auto elsewhere = exchange_demo(demo_code({}, test::restricted_hub, test::dev_user));
    REQUIRE(elsewhere.ok());

    REQUIRE(uninstall(demo_app_id, test::open_hub).ok());
    for (const auto* t : {&a, &b}) {
        CHECK(error_of(introspect_access(t->access_token)) == errc::unknown_token);
        CHECK(error_of(introspect_refresh(t->refresh_token)) == errc::unknown_token);
        const auto r = refresh(demo_client, demo_secret, t->refresh_token);
        // HubSpot tells this case apart ("missing or unknown refresh token"): the app was uninstalled.
        CHECK(error_of(r) == errc::uninstalled_refresh_token);
        CHECK(error_of(revoke(t->refresh_token)) == errc::unknown_token);
    }
    // The install on the other hub is untouched.
    CHECK(introspect_access(elsewhere->access_token).ok());
    CHECK(introspect_refresh(elsewhere->refresh_token).ok());
    // Uninstalling again finds no live install.
    CHECK(error_of(uninstall(demo_app_id, test::open_hub)) == errc::not_found);
    CHECK(error_of(uninstall(demo_app_id, 999)) == errc::not_found);
}

TEST_CASE_FIXTURE(authority_fixture, "oauth: tokens from before an uninstall stay dead after a reinstall") {
    const auto old = demo_tokens();
    REQUIRE(uninstall(demo_app_id, test::open_hub).ok());
    const auto fresh = demo_tokens();
    CHECK(introspect_access(fresh.access_token).ok());
    CHECK(error_of(introspect_access(old.access_token)) == errc::unknown_token);
    CHECK(error_of(refresh(demo_client, demo_secret, old.refresh_token)) == errc::uninstalled_refresh_token);
}

TEST_CASE_FIXTURE(authority_fixture, "oauth: a token that carries no row id is answered as an unknown one") {
    const auto tokens = demo_tokens();
    // A refresh token's shape from before migration 0004 (no id group), an access token cut short.
    const std::string without_id = oauth::new_authorization_code("na1");
    REQUIRE_FALSE(oauth::refresh_token_id(without_id).has_value());
    const auto refreshed = refresh(demo_client, demo_secret, without_id);
    CHECK(error_of(refreshed) == errc::invalid_refresh_token);
    CHECK(error_of(introspect_refresh(without_id)) == errc::unknown_token);
    CHECK(error_of(revoke(without_id)) == errc::unknown_token);
    const std::string cut = std::string(tokens.access_token.view().substr(0, tokens.access_token.size() - 1));
    REQUIRE_FALSE(oauth::access_token_id(cut).has_value());
    CHECK(error_of(introspect_access(cut)) == errc::unknown_token);
    // The real tokens are untouched.
    CHECK(introspect_access(tokens.access_token).ok());
    CHECK(introspect_refresh(tokens.refresh_token).ok());
}
