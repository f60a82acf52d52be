// The authority's operations for the v3 and dated APIs: app-level tokens, introspection and
// revocation by the asking client, assertion jtis, and the signed_access_token.
#include <doctest/doctest.h>

#include <variant>

#include "authority_fixture.hpp"
#include "hsoauth/crypto/random.hpp"

using namespace hsoauth;
using oauth::errc;
using namespace hsoauth::test;

namespace {

struct client_tokens_fixture : authority_fixture {
    explicit client_tokens_fixture(oauth::authority_settings settings = {}) : authority_fixture(settings) {
        storage::write_and_wait(store.db, [&](storage::repository& repo) {
            storage::app_record worker;
            worker.name = "Worker";
            worker.client_id = "worker";
            worker.client_secret_digest = hasher.hash("worker-secret-0123456789");
            worker.redirect_uris = {demo_redirect};
            worker.scopes = {"oauth"};
            worker.client_credentials_scopes = {"automation", "crm.objects.contacts.read"};
            worker.access_token_ttl = 600;
            worker_id = repo.upsert_app(worker);
        });
    }

    oauth::result<oauth::issued_tokens> app_token(const storage::scope_list& requested) {
        const auto worker = app("worker");
        auto planned = auth.plan_app_token(worker, requested, store.db.allocate_access_id());
        if (!planned) return planned.err();
        return storage::write_and_wait(store.db, [&](storage::repository& repo) {
            return auth.issue_app_token(repo, worker, *planned);
        });
    }

    oauth::introspection introspect(const std::string& client_id, std::string_view token,
                                    oauth::token_hint hint = oauth::token_hint::none) {
        const auto client = app(client_id);
        return storage::read_value(store.db, [&](storage::repository& repo) {
            return auth.introspect(repo, client, token, hint);
        });
    }

    void revoke_as(const std::string& client_id, std::string_view token) {
        const auto client = app(client_id);
        const auto done = storage::write_and_wait(store.db, [&](storage::repository& repo) {
            return auth.revoke(repo, client, token, oauth::token_hint::none);
        });
        REQUIRE(done.ok());
    }

    bool active(const std::string& client_id, std::string_view token) {
        return !std::holds_alternative<oauth::inactive_token>(introspect(client_id, token));
    }

    std::int64_t worker_id = 0;
};

}  // namespace

TEST_CASE_FIXTURE(client_tokens_fixture, "oauth: client_credentials issues app-level tokens within the app's scopes") {
    const auto all = app_token({});
    REQUIRE_MESSAGE(all.ok(), why(all));
    CHECK(all->refresh_token.empty());
    CHECK(all->hub_id == 0);
    CHECK(all->expires_in == 600);
    CHECK(all->scopes == storage::scope_list{"automation", "crm.objects.contacts.read"});
    const auto narrow = app_token({"automation", "automation"});
    REQUIRE(narrow.ok());
    CHECK(narrow->scopes == storage::scope_list{"automation"});
    CHECK(error_of(app_token({"automation", "content"})) == errc::scope_mismatch);
    CHECK(error_of(auth.plan_app_token(app(demo_client), {}, 1)) == errc::unauthorized_client);

    const auto info = introspect("worker", all->access_token);
    REQUIRE(std::holds_alternative<oauth::access_token_info>(info));
    const auto& access = std::get<oauth::access_token_info>(info);
    CHECK(access->app_level);
    CHECK(access->app_id == worker_id);
    CHECK(access->signed_token.is_service_account);
    CHECK(access->signed_token.app_install_id.empty());
    time.advance(600);
    CHECK_FALSE(active("worker", all->access_token));
}

TEST_CASE("oauth: an app token's random part comes from the authority's source, so a seeded run repeats it") {
    const auto token_with_seed = [](std::string_view seed) {
        const auto source = crypto::seeded_random(seed);
        oauth::authority_settings settings;
        settings.random = source.get();
        client_tokens_fixture f(settings);
        const auto planned = f.auth.plan_app_token(f.app("worker"), {"automation"}, 7);
        REQUIRE(planned);
        return planned->access_token;
    };
    CHECK(token_with_seed("golden") == token_with_seed("golden"));
    CHECK(token_with_seed("golden") != token_with_seed("other"));
}

TEST_CASE_FIXTURE(client_tokens_fixture, "oauth: introspection shows a client its own live tokens only") {
    const auto tokens = demo_tokens();
    const auto as_access = introspect(demo_client, tokens.access_token);
    REQUIRE(std::holds_alternative<oauth::access_token_info>(as_access));
    CHECK(std::get<oauth::access_token_info>(as_access)->client_id == demo_client);
    // Signed as reading the token alone signs it (introspect signs after its app check).
    const auto read_alone = introspect_access(tokens.access_token);
    REQUIRE(read_alone.ok());
    const auto& signed_token = std::get<oauth::access_token_info>(as_access)->signed_token;
    CHECK(signed_token.audience == demo_client);
    CHECK(signed_token.signature == read_alone.value()->signed_token.signature);
    CHECK(signed_token.new_signature == read_alone.value()->signed_token.new_signature);
    // The hint only orders the lookups.
    CHECK(std::holds_alternative<oauth::access_token_info>(
        introspect(demo_client, tokens.access_token, oauth::token_hint::refresh_token)));
    CHECK(std::holds_alternative<oauth::refresh_token_info>(
        introspect(demo_client, tokens.refresh_token, oauth::token_hint::access_token)));
    CHECK_FALSE(active("worker", tokens.access_token));
    CHECK_FALSE(active("worker", tokens.refresh_token));
    CHECK_FALSE(active(demo_client, "na1-nothing"));
    time.advance(1800);
    CHECK_FALSE(active(demo_client, tokens.access_token));
    CHECK(active(demo_client, tokens.refresh_token));
}

TEST_CASE_FIXTURE(client_tokens_fixture, "oauth: revoke by the token's client only; access alone, refresh with its access tokens") {
    const auto first = demo_tokens();
    const auto second = demo_tokens();
    revoke_as("worker", first.refresh_token);
    revoke_as("worker", first.access_token);
    CHECK(active(demo_client, first.refresh_token));
    CHECK(active(demo_client, first.access_token));

    revoke_as(demo_client, second.access_token);
    CHECK_FALSE(active(demo_client, second.access_token));
    CHECK(active(demo_client, second.refresh_token));

    revoke_as(demo_client, first.refresh_token);
    revoke_as(demo_client, first.refresh_token);
    CHECK_FALSE(active(demo_client, first.refresh_token));
    CHECK_FALSE(active(demo_client, first.access_token));
    revoke_as(demo_client, "garbage");
}

TEST_CASE_FIXTURE(client_tokens_fixture, "oauth: an assertion's jti is refused until it may be forgotten") {
    const auto worker = app("worker");
    oauth::verified_assertion assertion;
    assertion.jti = "jti-1";
    assertion.remember_until = time.now() + 100;
    const auto remember = [&] {
        return storage::write_and_wait(store.db, [&](storage::repository& repo) {
            return auth.remember_assertion(repo, worker, assertion);
        });
    };
    CHECK_FALSE(remember().has_value());
    const auto replay = remember();
    REQUIRE(replay.has_value());
    CHECK(replay->code == errc::bad_client_assertion);
    // Another app's jti of the same text is its own.
    const auto demo = app(demo_client);
    CHECK_FALSE(storage::write_and_wait(store.db, [&](storage::repository& repo) {
                    return auth.remember_assertion(repo, demo, assertion);
                }).has_value());
    time.advance(101);
    assertion.remember_until = time.now() + 100;
    CHECK_FALSE(remember().has_value());
}

TEST_CASE_FIXTURE(client_tokens_fixture, "oauth: check_assertion refuses apps without keys and unknown clients") {
    const std::vector<std::string> audiences{"https://api.hubapi.com"};
    const crypto::key_set none;
    const auto worker = app("worker");
    CHECK(error_of(auth.check_assertion(nullptr, &none, "a.b.c", audiences)) == errc::unknown_client);
    CHECK(error_of(auth.check_assertion(&worker, nullptr, "a.b.c", audiences)) == errc::bad_client_assertion);
    CHECK(error_of(auth.check_assertion(&worker, &none, "a.b.c", audiences)) == errc::bad_client_assertion);
}

TEST_CASE("oauth: signed_access_token's signature covers every other field and newSignature the signature, under pepper-derived keys") {
    const crypto::secret_hasher pepper(test_pepper);
    const oauth::access_token_signer signer(pepper);
    oauth::signed_access_token token;
    token.app_id = 7;
    token.app_install_id = "42";
    token.audience = "client";
    token.expires_at_ms = 1'700'000'000'000;
    token.hub_id = 62515;
    token.hublet = "na1";
    token.scopes = "oauth automation";
    signer.sign(token);
    CHECK(token.signature.text().size() == 43);
    CHECK(token.signature != token.new_signature);
    const std::string signature =
        crypto::secret_hasher(pepper.hash("signed_access_token")).hash(oauth::signed_text(token));
    CHECK(token.signature.text() == crypto::base64url(signature));
    CHECK(token.new_signature.text() ==
          crypto::base64url(crypto::secret_hasher(pepper.hash("signed_access_token/new")).hash(signature)));
    CHECK(oauth::signed_text(token).find("isServiceAccount=false\n") != std::string::npos);
    const oauth::signature_text before = token.signature;
    signer.sign(token);
    CHECK(token.signature == before);
    for (auto change : {+[](oauth::signed_access_token& t) { t.user_id = 1; },
                        +[](oauth::signed_access_token& t) { t.is_user_level = true; },
                        +[](oauth::signed_access_token& t) { t.scopes += " content"; },
                        +[](oauth::signed_access_token& t) { t.expires_at_ms += 1; }}) {
        oauth::signed_access_token changed = token;
        change(changed);
        signer.sign(changed);
        CHECK(changed.signature != before);
    }
    const oauth::access_token_signer other(crypto::secret_hasher("another-pepper-0123456789abcdef0123"));
    oauth::signed_access_token elsewhere = token;
    other.sign(elsewhere);
    CHECK(elsewhere.signature != before);
}
