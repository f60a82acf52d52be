#pragma once
// An authority over a real temporary store and a manual clock, seeded with two hubs, three
// users and two apps. Every operation runs as the server runs it: reads through store::read,
// writes as write jobs, clients authenticated against the app cache.
#include <doctest/doctest.h>

#include <memory>
#include <optional>
#include <string>

#include "../storage/temp_database.hpp"
#include "hsoauth/clock/clock.hpp"
#include "hsoauth/crypto/digest.hpp"
#include "hsoauth/oauth/authority.hpp"
#include "hsoauth/service/app_cache.hpp"

namespace hsoauth::test {

inline constexpr std::int64_t start_time = 1'700'000'000;

inline constexpr std::int64_t open_hub = 101;        // grants every scope
inline constexpr std::int64_t restricted_hub = 102;  // grants oauth, contacts.read, automation
inline constexpr std::int64_t dev_user = 201;        // member of both hubs
inline constexpr std::int64_t outsider_user = 202;   // member of no hub
inline constexpr std::int64_t eu_user = 203;         // member of the eu1 hub only
inline constexpr std::int64_t eu_hub = 103;

inline const std::string demo_client = "client-demo";
inline const std::string demo_secret = "secret-demo-0123456789";
inline const std::string demo_redirect = "https://app.example.com/callback";
inline const std::string rotating_client = "client-rotating";
inline const std::string rotating_secret = "secret-rotating-0123456789";

struct authority_fixture {
    explicit authority_fixture(oauth::authority_settings settings = {})
        : hasher(test_pepper), auth(time, hasher, settings) {
        seed();
    }

    temp_database store;
    service::app_cache apps{store.db};
    manual_clock time{start_time};
    crypto::secret_hasher hasher;
    oauth::authority auth;
    std::int64_t demo_app_id = 0;
    std::int64_t rotating_app_id = 0;

    void seed() {
        storage::write_and_wait(store.db, [&](storage::repository& repo) {
            storage::hub_record open;
            open.hub_id = open_hub;
            open.hub_domain = "open.example.com";
            repo.upsert_hub(open);
            storage::hub_record restricted;
            restricted.hub_id = restricted_hub;
            restricted.hub_domain = "restricted.example.com";
            restricted.scopes = storage::scope_list{"oauth", "crm.objects.contacts.read", "automation"};
            repo.upsert_hub(restricted);
            storage::hub_record eu;
            eu.hub_id = eu_hub;
            eu.hub_domain = "eu.example.com";
            eu.hublet = "eu1";
            repo.upsert_hub(eu);

            storage::user_record dev;
            dev.user_id = dev_user;
            dev.email = "dev@example.com";
            dev.hub_ids = {open_hub, restricted_hub};
            repo.upsert_user(dev);
            storage::user_record outsider;
            outsider.user_id = outsider_user;
            outsider.email = "outsider@example.com";
            repo.upsert_user(outsider);
            storage::user_record eu_member;
            eu_member.user_id = eu_user;
            eu_member.email = "eu@example.com";
            eu_member.hub_ids = {eu_hub};
            repo.upsert_user(eu_member);

            storage::app_record demo;
            demo.name = "Demo";
            demo.client_id = demo_client;
            demo.client_secret_digest = hasher.hash(demo_secret);
            demo.redirect_uris = {demo_redirect, "http://localhost:3000/oauth-callback"};
            demo.scopes = {"oauth", "crm.objects.contacts.read"};
            demo.optional_scopes = {"crm.objects.deals.read", "automation"};
            demo.access_token_ttl = 1800;
            demo_app_id = repo.upsert_app(demo);

            storage::app_record rotating;
            rotating.name = "Rotating";
            rotating.client_id = rotating_client;
            rotating.client_secret_digest = hasher.hash(rotating_secret);
            rotating.redirect_uris = {demo_redirect};
            rotating.scopes = {"oauth"};
            rotating.access_token_ttl = 300;
            rotating.rotate_refresh_tokens = true;
            rotating_app_id = repo.upsert_app(rotating);
        });
    }

    storage::app_record app(const std::string& client_id) {
        auto found = storage::read_value(store.db, [&](storage::repository& repo) { return repo.find_app_by_client_id(client_id); });
        REQUIRE(found.has_value());
        return *found;
    }

    oauth::result<oauth::authorization_plan> plan(oauth::authorization_request request) {
        return storage::read_value(store.db, [&](storage::repository& repo) { return auth.plan_authorization(repo, request); });
    }

    // Plans and approves in one write, as the consent page's POST does.
    oauth::result<oauth::issued_code> authorize(const oauth::authorization_request& request,
                                                std::int64_t hub_id, std::int64_t user_id,
                                                const std::optional<oauth::pkce_challenge>& pkce = {}) {
        return storage::write_and_wait(store.db, [&](storage::repository& repo) -> oauth::result<oauth::issued_code> {
            auto p = auth.plan_authorization(repo, request);
            if (!p) return p.err();
            return auth.approve(repo, *p, hub_id, user_id, pkce);
        });
    }

    // A code for the demo app on the open hub, required scopes only; REQUIREs success.
    std::string demo_code(const std::optional<oauth::pkce_challenge>& pkce = {},
                          std::int64_t hub_id = open_hub, std::int64_t user_id = dev_user) {
        oauth::authorization_request request;
        request.client_id = demo_client;
        request.redirect_uri = demo_redirect;
        request.scopes = {"oauth", "crm.objects.contacts.read"};
        auto issued = authorize(request, hub_id, user_id, pkce);
        REQUIRE_MESSAGE(issued.ok(), why(issued));
        return issued->code;
    }

    std::string rotating_code(std::int64_t hub_id = open_hub, std::int64_t user_id = dev_user) {
        oauth::authorization_request request;
        request.client_id = rotating_client;
        request.redirect_uri = demo_redirect;
        request.scopes = {"oauth"};
        auto issued = authorize(request, hub_id, user_id);
        REQUIRE_MESSAGE(issued.ok(), why(issued));
        return issued->code;
    }

    // The client check of POST /oauth/v1/token: the app by client_id from the app cache, then its
    // secret.
    oauth::result<std::shared_ptr<const storage::app_record>> authenticate(const std::string& client_id,
                                                                           const std::string& secret) {
        auto app = apps.find(client_id);
        if (auto problem = auth.check_client(app.get(), secret)) return std::move(*problem);
        return app;
    }

    // authenticate, then exchange_code in a write job, as POST /oauth/v1/token does.
    oauth::result<oauth::issued_tokens> exchange(const std::string& client_id, const std::string& secret,
                                                 const std::string& code, const std::string& redirect_uri,
                                                 const std::optional<std::string>& verifier = {}) {
        auto client = authenticate(client_id, secret);
        if (!client) return client.err();
        return storage::write_and_wait(store.db, [&](storage::repository& repo) {
            return auth.exchange_code(repo, **client, code, redirect_uri, verifier);
        });
    }

    oauth::result<oauth::issued_tokens> exchange_demo(const std::string& code,
                                                      const std::optional<std::string>& verifier = {}) {
        return exchange(demo_client, demo_secret, code, demo_redirect, verifier);
    }

    // Exchanges a fresh demo code; REQUIREs success.
    oauth::issued_tokens demo_tokens() {
        auto tokens = exchange_demo(demo_code());
        REQUIRE_MESSAGE(tokens.ok(), why(tokens));
        return std::move(*tokens);
    }

    oauth::result<oauth::issued_tokens> refresh(const std::string& client_id, const std::string& secret,
                                                const std::string& refresh_token) {
        auto client = authenticate(client_id, secret);
        if (!client) return client.err();
        // As POST /oauth/v1/token: hashed and prepared on this thread, then the write.
        auto grant = auth.prepare_refresh(refresh_token, store.db.allocate_access_id());
        return storage::write_and_wait(
            store.db, [&](storage::repository& repo) { return auth.refresh(repo, **client, std::move(grant)); });
    }

    oauth::result<oauth::access_token_info> introspect_access(std::string_view token) {
        return storage::read_value(store.db, [&](storage::repository& repo) {
            return auth.introspect_access(repo, token, auth.time().now());
        });
    }

    oauth::result<oauth::refresh_token_info> introspect_refresh(std::string_view token) {
        return storage::read_value(store.db, [&](storage::repository& repo) { return auth.introspect_refresh(repo, token); });
    }

    oauth::result<oauth::done> revoke(std::string_view token) {
        return storage::write_and_wait(store.db, [&](storage::repository& repo) { return auth.revoke_refresh(repo, token); });
    }

    oauth::result<oauth::done> uninstall(std::int64_t app_id, std::int64_t hub_id) {
        return storage::write_and_wait(store.db, [&](storage::repository& repo) { return auth.uninstall(repo, app_id, hub_id); });
    }

    // The error code of a failed result; fails the test when it succeeded.
    template <class T>
    static oauth::errc error_of(const oauth::result<T>& r) {
        REQUIRE_MESSAGE(!r.ok(), "expected an error, got success");
        return r.err().code;
    }
};

}  // namespace hsoauth::test
