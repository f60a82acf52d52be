// Apps, hubs and users from JSON (the admin view's parsing, http/wire/admin/admin_json) into the
// registry: validation, idempotent upserts, seeds and deletion (admin::registry).
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>

#include "../storage/temp_database.hpp"
#include "hsoauth/admin/registry.hpp"
#include "hsoauth/clock/clock.hpp"
#include "hsoauth/crypto/digest.hpp"
#include "hsoauth/crypto/random.hpp"
#include "hsoauth/http/wire/admin/admin_json.hpp"
#include "hsoauth/oauth/authority.hpp"
#include "hsoauth/service/app_cache.hpp"

using namespace hsoauth;
using nlohmann::json;
using oauth::errc;
namespace admin_json = http::wire::admin_json;

namespace {
constexpr std::int64_t start_time = 1'700'000'000;
}  // namespace

namespace {

json valid_app() {
    return {{"name", "Demo"},
            {"redirect_uris", {"https://app.example.com/callback"}},
            {"scopes", {"oauth", "crm.objects.contacts.read"}},
            {"optional_scopes", {"automation"}}};
}

json with(json body, const std::string& key, json value) {
    body[key] = std::move(value);
    return body;
}

json without(json body, const std::string& key) {
    body.erase(key);
    return body;
}

struct registry_fixture {
    registry_fixture() : hasher(test::test_pepper), reg(hasher, 1800) {}

    test::temp_database store;
    crypto::secret_hasher hasher;
    admin::registry reg;

    admin::app_input app_input(const json& body) {
        auto parsed = admin_json::parse_app(body);
        REQUIRE_MESSAGE(parsed.ok(), test::why(parsed));
        return *parsed;
    }

    // The refusal the admin API gives for `body`: from parsing its JSON, else from the registry's
    // rules (in a write that is rolled back). Fails the test when the app was accepted.
    oauth::error app_error(const json& body) {
        auto parsed = admin_json::parse_app(body);
        if (!parsed) return parsed.err();
        auto saved = storage::write_and_wait(store.db, [&](storage::repository& repo) { return reg.put_app(repo, *parsed); });
        REQUIRE_MESSAGE(!saved.ok(), "accepted: ", body.dump());
        return saved.err();
    }

    oauth::error hub_error(const json& body) {
        auto parsed = admin_json::parse_hub(body);
        if (!parsed) return parsed.err();
        auto saved = storage::write_and_wait(store.db, [&](storage::repository& repo) { return reg.put_hub(repo, *parsed); });
        REQUIRE_MESSAGE(!saved.ok(), "accepted: ", body.dump());
        return saved.err();
    }

    oauth::error user_error(const json& body) {
        auto parsed = admin_json::parse_user(body);
        if (!parsed) return parsed.err();
        auto saved = storage::write_and_wait(store.db, [&](storage::repository& repo) { return reg.put_user(repo, *parsed); });
        REQUIRE_MESSAGE(!saved.ok(), "accepted: ", body.dump());
        return saved.err();
    }

    oauth::result<admin::saved_app> put_app(const json& body) {
        const auto input = app_input(body);
        return storage::write_and_wait(store.db, [&](storage::repository& repo) { return reg.put_app(repo, input); });
    }

    oauth::result<admin::seed_outcome> seed(const json& body) {
        auto parsed = admin_json::parse_seed(body);
        REQUIRE_MESSAGE(parsed.ok(), test::why(parsed));
        const auto doc = *parsed;
        return storage::write_and_wait(store.db, [&](storage::repository& repo) { return reg.apply_seed(repo, doc); });
    }

    // Everything the admin API would list, as JSON, for whole-state comparisons.
    json state() {
        return storage::read_value(store.db, [](storage::repository& repo) {
            json out = {{"apps", json::array()}, {"hubs", json::array()}, {"users", json::array()},
                        {"installs", json::array()}};
            for (const auto& a : repo.list_apps()) {
                json j = admin_json::to_json(a);
                j["digest"] = crypto::hex(a.client_secret_digest);
                out["apps"].push_back(j);
            }
            for (const auto& h : repo.list_hubs()) out["hubs"].push_back(admin_json::to_json(h));
            for (const auto& u : repo.list_users()) out["users"].push_back(admin_json::to_json(u));
            for (const auto& i : repo.list_installs()) out["installs"].push_back(admin_json::to_json(i));
            return out;
        });
    }
};

}  // namespace

TEST_CASE("admin: parse_app reads a valid app") {
    auto body = valid_app();
    body["app_id"] = 7;
    body["client_id"] = "client-7";
    body["client_secret"] = "s3cret-0123456789";
    body["access_token_ttl"] = 60;
    body["rotate_refresh_tokens"] = true;
    const auto parsed = admin_json::parse_app(body);
    REQUIRE_MESSAGE(parsed.ok(), test::why(parsed));
    CHECK(parsed->app_id == std::optional<std::int64_t>(7));
    CHECK(parsed->name == "Demo");
    CHECK(parsed->client_id == std::optional<std::string>("client-7"));
    CHECK(parsed->client_secret == std::optional<std::string>("s3cret-0123456789"));
    CHECK(parsed->redirect_uris == std::vector<std::string>{"https://app.example.com/callback"});
    CHECK(parsed->scopes == std::vector<std::string>{"oauth", "crm.objects.contacts.read"});
    CHECK(parsed->optional_scopes == std::vector<std::string>{"automation"});
    CHECK(parsed->access_token_ttl == std::optional<std::int64_t>(60));
    CHECK(parsed->rotate_refresh_tokens == std::optional<bool>(true));
}

TEST_CASE_FIXTURE(registry_fixture, "admin: an app is refused naming the offending field") {
    struct bad_case {
        json body;
        errc code;
        const char* field;
    };
    const bad_case cases[] = {
        {without(valid_app(), "name"), errc::missing_field, "name"},
        {with(valid_app(), "name", 12), errc::invalid_field, "name"},
        {with(valid_app(), "name", ""), errc::invalid_field, "name"},
        {with(valid_app(), "name", std::string(2049, 'n')), errc::invalid_field, "name"},
        {with(valid_app(), "app_id", 0), errc::invalid_field, "app_id"},
        {with(valid_app(), "app_id", -3), errc::invalid_field, "app_id"},
        {with(valid_app(), "app_id", "7"), errc::invalid_field, "app_id"},
        {with(valid_app(), "app_id", 1.5), errc::invalid_field, "app_id"},
        {with(valid_app(), "client_id", 5), errc::invalid_field, "client_id"},
        {with(valid_app(), "client_id", ""), errc::invalid_field, "client_id"},
        {with(valid_app(), "client_secret", json::array()), errc::invalid_field, "client_secret"},
        // A chosen secret of under 16 bytes could be guessed despite the throttle.
        {with(valid_app(), "client_secret", "x"), errc::invalid_field, "client_secret"},
        {with(valid_app(), "client_secret", "fifteen-bytes!!"), errc::invalid_field, "client_secret"},
        {without(valid_app(), "redirect_uris"), errc::missing_field, "redirect_uris"},
        {with(valid_app(), "redirect_uris", json::array()), errc::invalid_field, "redirect_uris"},
        {with(valid_app(), "redirect_uris", "https://app.example.com/cb"), errc::invalid_field, "redirect_uris"},
        {with(valid_app(), "redirect_uris", {"ftp://app.example.com/cb"}), errc::invalid_field, "redirect_uris"},
        {with(valid_app(), "redirect_uris", {"/relative/cb"}), errc::invalid_field, "redirect_uris"},
        {with(valid_app(), "redirect_uris", {"https://app.example.com/cb#frag"}), errc::invalid_field, "redirect_uris"},
        {with(valid_app(), "redirect_uris", {"https://app.example.com/a b"}), errc::invalid_field, "redirect_uris"},
        {with(valid_app(), "redirect_uris", {1}), errc::invalid_field, "redirect_uris"},
        {without(valid_app(), "scopes"), errc::missing_field, "scopes"},
        {with(valid_app(), "scopes", "oauth"), errc::invalid_field, "scopes"},
        {with(valid_app(), "scopes", {"two words"}), errc::invalid_field, "scopes"},
        {with(valid_app(), "scopes", {""}), errc::invalid_field, "scopes"},
        {with(valid_app(), "scopes", {"quo\"te"}), errc::invalid_field, "scopes"},
        {with(valid_app(), "optional_scopes", {"bad\\scope"}), errc::invalid_field, "optional_scopes"},
        {with(valid_app(), "optional_scopes", {true}), errc::invalid_field, "optional_scopes"},
        {with(valid_app(), "access_token_ttl", 0), errc::invalid_field, "access_token_ttl"},
        {with(valid_app(), "access_token_ttl", 31536001), errc::invalid_field, "access_token_ttl"},
        {with(valid_app(), "access_token_ttl", "60"), errc::invalid_field, "access_token_ttl"},
        {with(valid_app(), "access_token_ttl", 1.5), errc::invalid_field, "access_token_ttl"},
        {with(valid_app(), "rotate_refresh_tokens", "yes"), errc::invalid_field, "rotate_refresh_tokens"},
        {with(valid_app(), "rotate_refresh_tokens", 1), errc::invalid_field, "rotate_refresh_tokens"},
    };
    for (const auto& c : cases) {
        CAPTURE(c.body.dump());
        const auto e = app_error(c.body);
        CHECK(e.code == c.code);
        CHECK(e.field == c.field);
        CHECK_MESSAGE(e.detail.find(c.field) != std::string::npos, e.detail);
    }
    CHECK(app_error(json::array()).code == errc::malformed_request);
    CHECK(app_error(json("app")).code == errc::malformed_request);
    CHECK(put_app(with(valid_app(), "client_secret", "sixteen-bytes-ok")).ok());
}

TEST_CASE_FIXTURE(registry_fixture, "admin: hubs and users are refused naming the offending field") {
    CHECK(admin_json::parse_hub({{"hub_domain", "x.example.com"}})->hublet == "na1");
    CHECK_FALSE(admin_json::parse_hub({{"hub_domain", "x.example.com"}})->scopes.has_value());
    CHECK(admin_json::parse_hub({{"hub_domain", "x.example.com"}, {"scopes", json::array()}})->scopes ==
          std::optional<std::vector<std::string>>(std::vector<std::string>{}));
    CHECK(hub_error({{"hub_domain", "x"}, {"hublet", "NA1"}}).field == "hublet");
    CHECK(hub_error({{"hub_domain", "x"}, {"hublet", "n"}}).field == "hublet");
    CHECK(admin_json::parse_hub(json::object()).err().field == "hub_domain");
    CHECK(admin_json::parse_hub({{"hub_domain", "x"}, {"hub_id", -1}}).err().field == "hub_id");
    CHECK(user_error({{"email", "no-at-sign"}}).field == "email");
    CHECK(admin_json::parse_user({{"email", "a@b"}, {"hub_ids", {0}}}).err().field == "hub_ids");
    CHECK(admin_json::parse_user({{"email", "a@b"}, {"hub_ids", "101"}}).err().field == "hub_ids");
    CHECK(admin_json::parse_user({{"email", "a@b"}, {"hub_ids", {101, 102}}})->hub_ids ==
          std::vector<std::int64_t>{101, 102});
    CHECK(admin_json::parse_seed({{"hubs", json::array()}, {"widgets", json::array()}}).err().field == "widgets");
    CHECK(admin_json::parse_seed({{"_comment", "ignored"}, {"apps", json::array()}}).ok());
    CHECK(admin_json::parse_seed({{"apps", {{{"name", "x"}}}}}).err().field == "redirect_uris");
}

TEST_CASE_FIXTURE(registry_fixture, "admin: put_app generates a client_id and a 256-bit secret on create") {
    const auto saved = put_app(valid_app());
    REQUIRE_MESSAGE(saved.ok(), test::why(saved));
    CHECK(saved->created);
    CHECK(saved->secret_generated);
    CHECK(saved->app.app_id > 0);
    CHECK(saved->app.client_id.size() == 36);  // a UUID
    REQUIRE(saved->client_secret.has_value());
    const std::string& secret = *saved->client_secret;
    const auto hex_digits = std::count_if(secret.begin(), secret.end(), [](char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
    });
    CHECK(hex_digits == 64);
    CHECK(secret.find_first_not_of("0123456789abcdef-") == std::string::npos);
    CHECK(saved->app.access_token_ttl == 1800);  // the registry's default
    CHECK_FALSE(saved->app.rotate_refresh_tokens);

    // The stored digest authenticates the shown secret, and the secret itself is not stored.
    manual_clock time(start_time);
    oauth::authority auth(time, hasher, {});
    service::app_cache apps(store.db);
    CHECK_FALSE(auth.check_client(apps.find(saved->app.client_id).get(), secret).has_value());
    storage::read_value(store.db, [&](storage::repository& repo) {
        const auto stored = repo.find_app(saved->app.app_id);
        REQUIRE(stored.has_value());
        CHECK(stored->client_secret_digest == hasher.hash(secret));
        CHECK(stored->client_secret_digest.find(secret) == std::string::npos);
    });
    CHECK_FALSE(admin_json::to_json(saved->app).contains("client_secret"));
    CHECK(admin_json::to_json(saved->app, secret).at("client_secret") == secret);

    const auto another = put_app(with(valid_app(), "name", "Other"));
    REQUIRE(another.ok());
    CHECK(another->app.client_id != saved->app.client_id);
    CHECK(*another->client_secret != secret);
}

TEST_CASE_FIXTURE(registry_fixture, "admin: put_app by the same name updates the app and keeps its credentials") {
    const auto first = put_app(valid_app());
    REQUIRE(first.ok());
    auto changed = valid_app();
    changed["scopes"] = {"oauth"};
    changed["access_token_ttl"] = 60;
    const auto second = put_app(changed);
    REQUIRE_MESSAGE(second.ok(), test::why(second));
    CHECK_FALSE(second->created);
    CHECK_FALSE(second->client_secret.has_value());
    CHECK_FALSE(second->secret_generated);
    CHECK(second->app.app_id == first->app.app_id);
    CHECK(second->app.client_id == first->app.client_id);
    CHECK(second->app.client_secret_digest == first->app.client_secret_digest);
    CHECK(second->app.scopes == std::vector<std::string>{"oauth"});
    CHECK(second->app.access_token_ttl == 60);
    CHECK(storage::read_value(store.db, [](storage::repository& repo) { return repo.list_apps().size(); }) == 1);
    // Leaving the ttl out afterwards keeps the stored one.
    changed.erase("access_token_ttl");
    const auto third = put_app(changed);
    REQUIRE(third.ok());
    CHECK(third->app.access_token_ttl == 60);
}

TEST_CASE_FIXTURE(registry_fixture, "admin: put_app by client_id renames, and a new secret replaces the old") {
    auto body = with(valid_app(), "client_id", "fixed-client");
    body["client_secret"] = "first-secret-0123456789";
    const auto first = put_app(body);
    REQUIRE(first.ok());
    CHECK(first->created);
    CHECK_FALSE(first->secret_generated);
    CHECK(first->client_secret == std::optional<std::string>("first-secret-0123456789"));

    body["name"] = "Renamed";
    body["client_secret"] = "second-secret-0123456789";
    const auto second = put_app(body);
    REQUIRE(second.ok());
    CHECK_FALSE(second->created);
    CHECK(second->app.app_id == first->app.app_id);
    CHECK(second->app.name == "Renamed");
    CHECK(second->app.client_secret_digest == hasher.hash("second-secret-0123456789"));
    CHECK(storage::read_value(store.db, [](storage::repository& repo) { return repo.list_apps().size(); }) == 1);
}

TEST_CASE_FIXTURE(registry_fixture, "admin: put_app refuses another app's client_id and a repeated required scope") {
    REQUIRE(put_app(with(valid_app(), "client_id", "taken")).ok());
    auto other = with(with(valid_app(), "name", "Other"), "app_id", 500);
    other["client_id"] = "taken";
    const auto clash = put_app(other);
    REQUIRE_FALSE(clash.ok());
    CHECK(clash.err().code == errc::conflict);
    CHECK(clash.err().field == "client_id");

    const auto repeated = put_app(with(with(valid_app(), "name", "Rep"), "optional_scopes", {"oauth"}));
    REQUIRE_FALSE(repeated.ok());
    CHECK(repeated.err().code == errc::invalid_field);
    CHECK(repeated.err().field == "optional_scopes");
    CHECK(storage::read_value(store.db, [](storage::repository& repo) { return repo.list_apps().size(); }) == 1);
}

TEST_CASE_FIXTURE(registry_fixture, "admin: put_user refuses an unknown hub and another user's e-mail") {
    const auto hub = storage::write_and_wait(store.db, [&](storage::repository& repo) {
        return reg.put_hub(repo, *admin_json::parse_hub({{"hub_id", 101}, {"hub_domain", "h.example.com"}}));
    });
    REQUIRE(hub.ok());
    CHECK(hub->created);
    CHECK(hub->record.hub_id == 101);
    const auto put = [&](const json& body) {
        const auto input = *admin_json::parse_user(body);
        return storage::write_and_wait(store.db, [&](storage::repository& repo) { return reg.put_user(repo, input); });
    };
    const auto created = put({{"email", "a@example.com"}, {"hub_ids", {101, 101}}});
    REQUIRE_MESSAGE(created.ok(), test::why(created));
    CHECK(created->created);
    CHECK(created->record.hub_ids == std::vector<std::int64_t>{101});
    const auto unknown_hub = put({{"email", "b@example.com"}, {"hub_ids", {999}}});
    REQUIRE_FALSE(unknown_hub.ok());
    CHECK(unknown_hub.err().code == errc::hub_unavailable);
    const auto clash = put({{"user_id", 77}, {"email", "a@example.com"}});
    REQUIRE_FALSE(clash.ok());
    CHECK(clash.err().code == errc::conflict);
    // Matched by e-mail: an update, not a second user.
    const auto again = put({{"email", "a@example.com"}});
    REQUIRE(again.ok());
    CHECK_FALSE(again->created);
    CHECK(again->record.user_id == created->record.user_id);
    CHECK(again->record.hub_ids.empty());
    CHECK(storage::read_value(store.db, [](storage::repository& repo) { return repo.list_users().size(); }) == 1);
}

TEST_CASE_FIXTURE(registry_fixture, "admin: applying the same seed twice gives the same state") {
    const json doc = {
        {"hubs", {{{"hub_id", 101}, {"hub_domain", "demo.example.com"}},
                  {{"hub_domain", "nameless.example.com"}, {"hublet", "eu1"}, {"scopes", {"oauth"}}}}},
        {"users", {{{"user_id", 201}, {"email", "dev@example.com"}, {"hub_ids", {101}}},
                   {{"email", "other@example.com"}}}},
        {"apps", {{{"name", "Seeded"}, {"client_id", "seeded-client"}, {"client_secret", "seeded-secret-0123456789"},
                   {"redirect_uris", {"http://localhost:3000/cb"}}, {"scopes", {"oauth"}}},
                  {{"name", "Generated"}, {"redirect_uris", {"http://localhost:3000/cb"}}, {"scopes", {"oauth"}}}}},
    };
    const auto first = seed(doc);
    REQUIRE_MESSAGE(first.ok(), test::why(first));
    CHECK(first->hubs.size() == 2);
    CHECK(first->users.size() == 2);
    REQUIRE(first->apps.size() == 2);
    CHECK(first->apps[1].secret_generated);
    const json after_first = state();

    const auto second = seed(doc);
    REQUIRE_MESSAGE(second.ok(), test::why(second));
    CHECK(state() == after_first);
    CHECK(after_first["apps"].size() == 2);
    CHECK(after_first["hubs"].size() == 2);
    CHECK(after_first["users"].size() == 2);
    // The generated app kept its credentials: no new secret is shown the second time.
    CHECK_FALSE(second->apps[1].client_secret.has_value());
    CHECK(second->apps[0].client_secret == std::optional<std::string>("seeded-secret-0123456789"));
}

TEST_CASE_FIXTURE(registry_fixture, "admin: a seed that fails part way leaves nothing behind in its write") {
    const json doc = {
        {"hubs", {{{"hub_id", 101}, {"hub_domain", "demo.example.com"}}}},
        {"users", {{{"email", "dev@example.com"}, {"hub_ids", {999}}}}},
    };
    auto parsed = admin_json::parse_seed(doc);
    REQUIRE(parsed.ok());
    const auto documents = *parsed;
    CHECK_THROWS_AS(storage::write_and_wait(store.db, [&](storage::repository& repo) {
        auto outcome = reg.apply_seed(repo, documents);
        if (!outcome) throw storage::rollback_only{};
    }),
                    storage::rollback_only);
    CHECK(storage::read_value(store.db, [](storage::repository& repo) { return repo.list_hubs().empty(); }));
}

TEST_CASE_FIXTURE(registry_fixture, "admin: delete_app uninstalls it everywhere and its tokens die") {
    const auto saved = put_app(valid_app());
    REQUIRE(saved.ok());
    REQUIRE(seed({{"hubs", {{{"hub_id", 101}, {"hub_domain", "demo.example.com"}}}},
                  {"users", {{{"user_id", 201}, {"email", "dev@example.com"}, {"hub_ids", {101}}}}}})
                .ok());
    manual_clock time(start_time);
    oauth::authority auth(time, hasher, {});
    const auto tokens = storage::write_and_wait(store.db, [&](storage::repository& repo) -> oauth::result<oauth::issued_tokens> {
        oauth::authorization_request request;
        request.client_id = saved->app.client_id;
        request.redirect_uri = "https://app.example.com/callback";
        request.scopes = {"oauth", "crm.objects.contacts.read"};
        auto plan = auth.plan_authorization(repo, request);
        if (!plan) return plan.err();
        auto code = auth.approve(repo, *plan, 101, 201, {});
        if (!code) return code.err();
        return auth.exchange_code(repo, saved->app, code->code, request.redirect_uri, {});
    });
    REQUIRE_MESSAGE(tokens.ok(), test::why(tokens));
    REQUIRE(storage::read_value(store.db, [&](storage::repository& repo) {
                return auth.introspect_access(repo, tokens->access_token, auth.time().now());
            }).ok());

    time.advance(10);
    const auto deleted = storage::write_and_wait(store.db, [&](storage::repository& repo) {
        return reg.delete_app(repo, saved->app.app_id, time.now());
    });
    REQUIRE(deleted.ok());
    storage::read_value(store.db, [&](storage::repository& repo) {
        CHECK_FALSE(repo.find_app(saved->app.app_id).has_value());
        const auto installs = repo.list_installs();
        REQUIRE(installs.size() == 1);
        CHECK(installs[0].uninstalled_at == std::optional<std::int64_t>(start_time + 10));
        CHECK_FALSE(repo.find_live_install(saved->app.app_id, 101).has_value());
        CHECK_FALSE(auth.introspect_access(repo, tokens->access_token, auth.time().now()).ok());
        CHECK_FALSE(auth.introspect_refresh(repo, tokens->refresh_token).ok());
    });
    const auto again = storage::write_and_wait(store.db, [&](storage::repository& repo) {
        return reg.delete_app(repo, saved->app.app_id, time.now());
    });
    REQUIRE_FALSE(again.ok());
    CHECK(again.err().code == errc::not_found);
}

TEST_CASE_FIXTURE(registry_fixture, "admin: deleting a user or a hub uninstalls what they take part in") {
    const auto saved = put_app(valid_app());
    REQUIRE(saved.ok());
    REQUIRE(seed({{"hubs", {{{"hub_id", 101}, {"hub_domain", "a.example.com"}}, {{"hub_id", 102}, {"hub_domain", "b.example.com"}}}},
                  {"users", {{{"user_id", 201}, {"email", "dev@example.com"}, {"hub_ids", {101, 102}}}}}})
                .ok());
    storage::write_and_wait(store.db, [&](storage::repository& repo) {
        for (std::int64_t hub : {101, 102}) {
            storage::install_record in;
            in.app_id = saved->app.app_id;
            in.hub_id = hub;
            in.user_id = 201;
            in.installed_at = 1;
            repo.create_install(in);
        }
    });
    const auto hub_gone = storage::write_and_wait(store.db, [&](storage::repository& repo) { return reg.delete_hub(repo, 101, 50); });
    REQUIRE(hub_gone.ok());
    storage::read_value(store.db, [&](storage::repository& repo) {
        CHECK_FALSE(repo.find_live_install(saved->app.app_id, 101).has_value());
        CHECK(repo.find_live_install(saved->app.app_id, 102).has_value());
    });
    const auto user_gone = storage::write_and_wait(store.db, [&](storage::repository& repo) { return reg.delete_user(repo, 201, 60); });
    REQUIRE(user_gone.ok());
    CHECK_FALSE(storage::read_value(store.db, [&](storage::repository& repo) {
        return repo.find_live_install(saved->app.app_id, 102).has_value();
    }));
    const auto missing = storage::write_and_wait(store.db, [&](storage::repository& repo) { return reg.delete_user(repo, 201, 70); });
    REQUIRE_FALSE(missing.ok());
    CHECK(missing.err().code == errc::not_found);
}

TEST_CASE_FIXTURE(registry_fixture, "admin: client_credentials_scopes and jwks are stored, shown and validated") {
    // An EC P-256 public key: the RFC 7515 appendix A.3 key without its private part.
    const json key = {{"kty", "EC"},
                      {"crv", "P-256"},
                      {"kid", "ec-1"},
                      {"x", "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU"},
                      {"y", "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"}};
    auto body = with(valid_app(), "client_credentials_scopes", {"automation", "automation", "oauth"});
    body["jwks"] = {{"keys", {key}}};
    const auto saved = put_app(body);
    REQUIRE_MESSAGE(saved.ok(), test::why(saved));
    CHECK(saved->app.client_credentials_scopes == storage::scope_list{"automation", "oauth"});
    const json shown = admin_json::to_json(saved->app);
    CHECK(shown.at("client_credentials_scopes") == json({"automation", "oauth"}));
    CHECK(shown.at("jwks") == json({{"keys", {key}}}));
    const auto stored = storage::read_value(store.db, [&](storage::repository& repo) {
        return repo.find_app(saved->app.app_id);
    });
    REQUIRE(stored.has_value());
    CHECK(stored->client_credentials_scopes == saved->app.client_credentials_scopes);
    CHECK(json::parse(stored->jwks) == json({{"keys", {key}}}));
    // Left out of an update, both are cleared, like optional_scopes.
    const auto cleared = put_app(with(valid_app(), "client_id", saved->app.client_id));
    REQUIRE(cleared.ok());
    CHECK(cleared->app.client_credentials_scopes.empty());
    CHECK(cleared->app.jwks.empty());
    CHECK(admin_json::to_json(cleared->app).at("jwks").is_null());

    CHECK(app_error(with(valid_app(), "client_credentials_scopes", "automation")).field ==
          "client_credentials_scopes");
    CHECK(app_error(with(valid_app(), "client_credentials_scopes", {"bad scope"})).field ==
          "client_credentials_scopes");
    CHECK(app_error(with(valid_app(), "jwks", {key})).field == "jwks");  // an array, not a set
    json private_key = key;
    private_key["d"] = "jpsQnnGQmL-YBIffH1136cspYG6-0iY7X1fCE9-E9LI";
    const auto refused = app_error(with(valid_app(), "jwks", {{"keys", {private_key}}}));
    CHECK(refused.code == errc::invalid_field);
    CHECK(refused.field == "jwks");
    CHECK(refused.detail.find("key 0") != std::string::npos);
    CHECK(app_error(with(valid_app(), "jwks", {{"keys", json::array()}})).field == "jwks");
}
