// The admin API (/admin/v1) as an operator sees it: who may call it, what each route stores and
// answers, and how its objects govern the tokens the OAuth endpoints hand out.

#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <ctime>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "support/admin_contract.hpp"
#include "support/http_client.hpp"
#include "support/seed_helpers.hpp"
#include "support/server_process.hpp"

using namespace hsoauth::e2e;
using nlohmann::json;

namespace {

constexpr auto app_json_ct = "application/json;charset=utf-8";

// Generated secrets: at least 64 hex digits (256 bits), dashes allowed as separators.
bool looks_generated(const std::string& secret) {
    std::size_t hex_digits = 0;
    for (const char c : secret) {
        if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')) {
            ++hex_digits;
        } else if (c != '-') {
            return false;
        }
    }
    return hex_digits >= 64;
}

bool has_field(const http_response& r, const std::string& field) {
    const auto fields = named_fields(r);
    return std::find(fields.begin(), fields.end(), field) != fields.end();
}

std::string app_path(std::int64_t id) { return "/admin/v1/apps/" + std::to_string(id); }
std::string hub_path(std::int64_t id) { return "/admin/v1/hubs/" + std::to_string(id); }
std::string user_path(std::int64_t id) { return "/admin/v1/users/" + std::to_string(id); }
std::string install_path(std::int64_t hub, std::int64_t app) {
    return "/admin/v1/installs/" + std::to_string(hub) + "/" + std::to_string(app);
}

json results_of(const server_process& server, const std::string& collection) {
    return admin_expect(server, "GET", "/admin/v1/" + collection, nullptr, 200).at("results");
}

// The install rows of one app on one hub, oldest first.
std::vector<json> installs_of(const server_process& server, std::int64_t hub, std::int64_t app) {
    std::vector<json> out;
    for (const auto& row : results_of(server, "installs")) {
        if (row.at("hub_id") == hub && row.at("app_id") == app) out.push_back(row);
    }
    return out;
}

// The "message" of an error body; "" when the body is not a JSON object.
std::string error_message(const http_response& r) {
    const json body = json::parse(r.body, nullptr, false);
    return body.is_object() ? body.value("message", std::string()) : std::string();
}

std::set<std::string> as_set(const json& list) {
    std::set<std::string> out;
    for (const auto& item : list) out.insert(item.get<std::string>());
    return out;
}

json code_request(const admin_sandbox& s, std::vector<std::string> scopes) {
    return {{"client_id", s.client_id},
            {"hub_id", s.hub_id},
            {"user_id", s.user_id},
            {"redirect_uri", s.redirect_uri},
            {"scopes", scopes}};
}

}  // namespace

TEST_CASE("admin routes refuse callers without the admin key") {
    // Far more wrong keys than the throttle allows from one address: it would answer 429.
    server_process server({.extra_args = {"--auth-failure-limit", "1000"}});
    server.start();
    const admin_sandbox s = make_sandbox(server, "refusal");
    const token_grant tokens = issue_tokens(server, s);
    const json apps_before = results_of(server, "apps");
    const json hubs_before = results_of(server, "hubs");
    const json users_before = results_of(server, "users");
    const json installs_before = results_of(server, "installs");

    struct route {
        const char* method;
        std::string path;
        json body;
    };
    const std::vector<route> routes = {
        {"GET", "/admin/v1/apps", nullptr},
        {"POST", "/admin/v1/apps",
         {{"name", "intruder"}, {"redirect_uris", {"http://evil.test/cb"}}, {"scopes", {"oauth"}}}},
        {"GET", app_path(s.app_id), nullptr},
        {"DELETE", app_path(s.app_id), nullptr},
        {"DELETE", "/admin/v1/apps/1", nullptr},
        {"GET", "/admin/v1/hubs", nullptr},
        {"POST", "/admin/v1/hubs", {{"hub_domain", "intruder.test"}}},
        {"GET", hub_path(s.hub_id), nullptr},
        {"DELETE", hub_path(s.hub_id), nullptr},
        {"GET", "/admin/v1/users", nullptr},
        {"POST", "/admin/v1/users", {{"email", "intruder@evil.test"}, {"hub_ids", {s.hub_id}}}},
        {"GET", user_path(s.user_id), nullptr},
        {"DELETE", user_path(s.user_id), nullptr},
        {"POST", "/admin/v1/seed", {{"hubs", {{{"hub_domain", "seeded-intruder.test"}}}}}},
        {"POST", "/admin/v1/authorization-codes", code_request(s, s.scopes)},
        {"GET", "/admin/v1/clock", nullptr},
        {"POST", "/admin/v1/clock", {{"advance_seconds", 86400}}},
        {"GET", "/admin/v1/installs", nullptr},
        {"DELETE", install_path(s.hub_id, s.app_id), nullptr},
        {"DELETE", "/admin/v1/installs/1/2", nullptr},
    };
    const std::vector<std::pair<const char*, header_list>> callers = {
        {"no Authorization", {}},
        {"a wrong key", {{"Authorization", "Bearer wrong-key"}}},
        {"a prefix of the key", {{"Authorization", "Bearer test-admin-ke"}}},
        {"the key plus a byte", {{"Authorization", "Bearer test-admin-key-0123456789X"}}},
        // Same length, one byte apart: a comparison of only the first bytes would let these in.
        {"the key with its last character changed", {{"Authorization", "Bearer test-admin-key-012345678X"}}},
        {"the key with its first character changed", {{"Authorization", "Bearer Xest-admin-key-0123456789"}}},
        {"Basic with the key", {{"Authorization", "Basic test-admin-key-0123456789"}}},
        {"Basic credentials", {{"Authorization", "Basic dGVzdC1hZG1pbi1rZXk6"}}},
        {"the key without scheme", {{"Authorization", "test-admin-key-0123456789"}}},
        {"an empty bearer", {{"Authorization", "Bearer "}}},
        {"an app's client_secret", {{"Authorization", "Bearer " + s.client_secret}}},
        {"an access token", {{"Authorization", "Bearer " + tokens.access_token}}},
    };
    for (const auto& r : routes) {
        for (const auto& [who, headers] : callers) {
            INFO(std::string(r.method));
            CAPTURE(r.path);
            INFO(std::string(who));
            header_list h = headers;
            std::string body;
            if (!r.body.is_null()) {
                h.emplace_back("Content-Type", "application/json");
                body = r.body.dump();
            }
            const http_response answer = http_request(server.port(), r.method, r.path, h, body);
            check_error(answer, 401, "INVALID_AUTHENTICATION");
        }
    }

    // Nothing any refused request asked for happened.
    CHECK(results_of(server, "apps") == apps_before);
    CHECK(results_of(server, "hubs") == hubs_before);
    CHECK(results_of(server, "users") == users_before);
    CHECK(results_of(server, "installs") == installs_before);
    CHECK(admin_expect(server, "GET", "/admin/v1/clock", nullptr, 200).at("offset_seconds") == 0);
    CHECK(get_access_token(server.port(), tokens.access_token).status == 200);
}

TEST_CASE("the admin key is accepted whatever the case of the Bearer scheme") {
    // RFC 7235 §2.1 / RFC 9110 §11.1: the authentication scheme is case-insensitive.
    server_process server;
    server.start();
    for (const char* scheme : {"Bearer", "bearer", "BEARER"}) {
        INFO(std::string(scheme));
        const http_response r = http_request(server.port(), "GET", "/admin/v1/clock",
                                             {{"Authorization", std::string(scheme) + " test-admin-key-0123456789"}});
        CHECK(r.status == 200);
    }
}

TEST_CASE("apps: create, read, update and delete") {
    server_process server;
    server.start();
    const json hub = admin_expect(server, "POST", "/admin/v1/hubs", {{"hub_domain", "apps.test"}}, 201);
    const std::int64_t hub_id = hub.at("hub_id");
    const json user = admin_expect(server, "POST", "/admin/v1/users",
                                   {{"email", "dev@apps.test"}, {"hub_ids", {hub_id}}}, 201);
    const std::int64_t user_id = user.at("user_id");

    const json create = {{"name", "CRM sync"},
                         {"redirect_uris", {"http://localhost:3000/cb"}},
                         {"scopes", {"oauth", "crm.objects.contacts.read"}},
                         {"optional_scopes", {"content"}}};
    const http_response created = server.admin("POST", "/admin/v1/apps", create);
    REQUIRE(created.status == 201);
    CHECK(created.header("Content-Type") == app_json_ct);
    const json app = created.json();
    const std::int64_t app_id = app.at("app_id");
    CHECK(app_id > 0);
    CHECK(app.at("name") == "CRM sync");
    CHECK(app.at("redirect_uris") == json({"http://localhost:3000/cb"}));
    CHECK(app.at("scopes") == json({"oauth", "crm.objects.contacts.read"}));
    CHECK(app.at("optional_scopes") == json({"content"}));
    CHECK(app.at("access_token_ttl") == 1800);
    const std::string client_id = app.at("client_id");
    CHECK_FALSE(client_id.empty());
    REQUIRE(app.contains("client_secret"));
    const std::string secret = app.at("client_secret");
    CHECK_MESSAGE(looks_generated(secret), "generated secret: " << secret);

    // A second generated secret is not the first one.
    const json other = admin_expect(server, "POST", "/admin/v1/apps",
                                    {{"name", "Other"},
                                     {"redirect_uris", {"https://other.test/cb"}},
                                     {"scopes", {"oauth"}}},
                                    201);
    CHECK(looks_generated(other.at("client_secret")));
    CHECK(other.at("client_secret") != secret);
    CHECK(other.at("client_id") != client_id);

    SUBCASE("GET never shows the secret") {
        const http_response list = server.admin("GET", "/admin/v1/apps");
        REQUIRE(list.status == 200);
        CHECK(list.header("Content-Type") == app_json_ct);
        CHECK(list.body.find("client_secret") == std::string::npos);
        CHECK(list.body.find(secret) == std::string::npos);
        const json results = list.json().at("results");
        REQUIRE(results.size() == 2);
        json listed;
        for (const auto& a : results) {
            if (a.at("app_id") == app_id) listed = a;
        }
        json expected = app;
        expected.erase("client_secret");
        CHECK(listed == expected);

        const http_response one = server.admin("GET", app_path(app_id));
        REQUIRE(one.status == 200);
        CHECK(one.body.find("client_secret") == std::string::npos);
        CHECK(one.body.find(secret) == std::string::npos);
        CHECK(one.json() == expected);

        check_error(server.admin("GET", app_path(app_id + 1000)), 404, "NOT_FOUND");
        check_error(server.admin("GET", "/admin/v1/apps/abc"), 404, "NOT_FOUND");
    }

    SUBCASE("an update without client_secret keeps the secret working") {
        admin_sandbox s;
        s.hub_id = hub_id;
        s.user_id = user_id;
        s.app_id = app_id;
        s.client_id = client_id;
        s.client_secret = secret;
        s.redirect_uri = "http://localhost:3000/cb";
        s.scopes = {"oauth", "crm.objects.contacts.read"};
        const token_grant before = issue_tokens(server, s);

        const json update = {{"app_id", app_id},
                             {"name", "CRM sync v2"},
                             {"redirect_uris", {"http://localhost:3000/cb", "http://localhost:3000/cb2"}},
                             {"scopes", {"oauth", "crm.objects.contacts.read"}},
                             {"access_token_ttl", 900}};
        const http_response updated = server.admin("POST", "/admin/v1/apps", update);
        REQUIRE(updated.status == 200);
        const json shown = updated.json();
        CHECK(shown.at("app_id") == app_id);
        CHECK(shown.at("client_id") == client_id);
        CHECK(shown.at("name") == "CRM sync v2");
        CHECK(shown.at("access_token_ttl") == 900);
        CHECK_FALSE(shown.contains("client_secret"));
        CHECK(results_of(server, "apps").size() == 2);
        const json read_back = admin_expect(server, "GET", app_path(app_id), nullptr, 200);
        CHECK(read_back.at("name") == "CRM sync v2");
        CHECK(read_back.at("redirect_uris").size() == 2);

        // The old secret still authenticates: a refresh and a fresh code exchange.
        const http_response refreshed =
            refresh_raw(server.port(), client_id, secret, before.refresh_token);
        CHECK(refreshed.status == 200);
        if (refreshed.status == 200) CHECK(refreshed.json().at("expires_in") == 900);
        s.redirect_uri = "http://localhost:3000/cb2";
        const token_grant after = issue_tokens(server, s);
        CHECK(after.expires_in == 900);

        // An update that sets a secret replaces it.
        json rekey = update;
        rekey["client_secret"] = "chosen-secret-value";
        const http_response rekeyed = server.admin("POST", "/admin/v1/apps", rekey);
        REQUIRE(rekeyed.status == 200);
        CHECK(rekeyed.json().at("client_secret") == "chosen-secret-value");
        check_error(refresh_raw(server.port(), client_id, secret, before.refresh_token), 401,
                    "BAD_CLIENT_SECRET");
        CHECK(refresh_raw(server.port(), client_id, "chosen-secret-value", before.refresh_token)
                  .status == 200);
    }

    SUBCASE("an upsert by client_id updates the same app") {
        const http_response again = server.admin(
            "POST", "/admin/v1/apps",
            {{"name", "Renamed"}, {"client_id", client_id},
             {"redirect_uris", {"http://localhost:3000/cb"}}, {"scopes", {"oauth"}}});
        REQUIRE(again.status == 200);
        CHECK(again.json().at("app_id") == app_id);
        CHECK(results_of(server, "apps").size() == 2);
    }

    SUBCASE("delete") {
        const http_response deleted = server.admin("DELETE", app_path(app_id));
        CHECK(deleted.status == 204);
        CHECK(deleted.body.empty());
        check_error(server.admin("GET", app_path(app_id)), 404, "NOT_FOUND");
        check_error(server.admin("DELETE", app_path(app_id)), 404, "NOT_FOUND");
        const json remaining = results_of(server, "apps");
        REQUIRE(remaining.size() == 1);
        CHECK(remaining[0].at("app_id") == other.at("app_id"));
        check_error(server.admin("DELETE", "/admin/v1/apps/999999"), 404, "NOT_FOUND");
    }
}

TEST_CASE("apps: invalid fields are refused with a validation error naming the field") {
    server_process server;
    server.start();
    const json valid = {{"name", "Valid"},
                        {"redirect_uris", {"http://localhost:3000/cb"}},
                        {"scopes", {"oauth"}}};
    struct bad_case {
        const char* why;
        std::string field;
        json body;
    };
    const auto with = [&](const char* key, json value) {
        json b = valid;
        b[key] = std::move(value);
        return b;
    };
    const auto without = [&](const char* key) {
        json b = valid;
        b.erase(key);
        return b;
    };
    const std::vector<bad_case> cases = {
        {"missing name", "name", without("name")},
        {"empty name", "name", with("name", "")},
        {"name not a string", "name", with("name", 42)},
        {"redirect_uris not an array", "redirect_uris", with("redirect_uris", "http://localhost:3000/cb")},
        {"missing redirect_uris", "redirect_uris", without("redirect_uris")},
        {"relative redirect URI", "redirect_uris", with("redirect_uris", {"/oauth/callback"})},
        {"redirect URI with a fragment", "redirect_uris", with("redirect_uris", {"http://localhost/cb#x"})},
        {"scope with a space", "scopes", with("scopes", {"oauth", "crm read"})},
        {"missing scopes", "scopes", without("scopes")},
        {"optional scope with a space", "optional_scopes", with("optional_scopes", {"a b"})},
        {"negative app_id", "app_id", with("app_id", -5)},
        {"zero app_id", "app_id", with("app_id", 0)},
        {"fractional app_id", "app_id", with("app_id", 1.5)},
        {"zero access_token_ttl", "access_token_ttl", with("access_token_ttl", 0)},
        {"rotate_refresh_tokens not a boolean", "rotate_refresh_tokens", with("rotate_refresh_tokens", "yes")},
    };
    for (const auto& c : cases) {
        INFO(std::string(c.why));
        const http_response r = server.admin("POST", "/admin/v1/apps", c.body);
        check_error(r, 400, "VALIDATION_ERROR");
        CHECK_MESSAGE(has_field(r, c.field), "errors do not name " << c.field << ": " << r.body);
        const json body = json::parse(r.body, nullptr, false);
        if (!body.is_discarded() && body.contains("errors") && !body["errors"].empty()) {
            const json code = body["errors"][0].value("code", json());
            CHECK((code == "INVALID_PARAMETER" || code == "MISSING_REQUIRED_FIELD"));
        } else {
            FAIL_CHECK("no errors[] in " << r.body);
        }
    }
    check_error(http_request(server.port(), "POST", "/admin/v1/apps",
                             {{"Authorization", "Bearer test-admin-key-0123456789"}}, "{not json"),
                400, "BAD_REQUEST");
    CHECK(results_of(server, "apps").empty());

    SUBCASE("client_id of another app conflicts") {
        const json a = admin_expect(server, "POST", "/admin/v1/apps", with("client_id", "taken-id"), 201);
        json b_body = valid;
        b_body["name"] = "Second";
        b_body["client_id"] = "own-id";
        const json b = admin_expect(server, "POST", "/admin/v1/apps", b_body, 201);

        json steal = b_body;
        steal["app_id"] = b.at("app_id");
        steal["client_id"] = "taken-id";
        check_error(server.admin("POST", "/admin/v1/apps", steal), 409, "CONFLICT");

        json fresh = valid;
        fresh["app_id"] = 777777;
        fresh["name"] = "Third";
        fresh["client_id"] = "taken-id";
        check_error(server.admin("POST", "/admin/v1/apps", fresh), 409, "CONFLICT");

        CHECK(admin_expect(server, "GET", app_path(b.at("app_id")), nullptr, 200).at("client_id") == "own-id");
        CHECK(admin_expect(server, "GET", app_path(a.at("app_id")), nullptr, 200).at("client_id") == "taken-id");
        check_error(server.admin("GET", app_path(777777)), 404, "NOT_FOUND");
        CHECK(results_of(server, "apps").size() == 2);
    }
}

TEST_CASE("hubs: create, read, update, delete and validation") {
    server_process server;
    server.start();
    const http_response created = server.admin(
        "POST", "/admin/v1/hubs",
        {{"hub_id", 62515}, {"hub_domain", "eu.hubspot.test"}, {"hublet", "eu1"},
         {"scopes", {"oauth", "crm.objects.contacts.read"}}});
    REQUIRE(created.status == 201);
    const json hub = created.json();
    CHECK(hub.at("hub_id") == 62515);
    CHECK(hub.at("hub_domain") == "eu.hubspot.test");
    CHECK(hub.at("hublet") == "eu1");
    CHECK(hub.at("scopes") == json({"oauth", "crm.objects.contacts.read"}));

    const json plain = admin_expect(server, "POST", "/admin/v1/hubs", {{"hub_domain", "plain.test"}}, 201);
    CHECK(plain.at("hub_id").get<std::int64_t>() > 0);
    CHECK(plain.at("hublet") == "na1");
    CHECK(plain.at("scopes").is_null());

    CHECK(admin_expect(server, "GET", hub_path(62515), nullptr, 200) == hub);
    const json listed = results_of(server, "hubs");
    CHECK(listed.size() == 2);
    CHECK(std::count(listed.begin(), listed.end(), hub) == 1);
    CHECK(std::count(listed.begin(), listed.end(), plain) == 1);

    // The hublet shows in the refresh tokens of installs on the hub.
    const json user = admin_expect(server, "POST", "/admin/v1/users",
                                   {{"email", "eu@hubs.test"}, {"hub_ids", {62515}}}, 201);
    const json app = admin_expect(server, "POST", "/admin/v1/apps",
                                  {{"name", "hub app"},
                                   {"redirect_uris", {"http://localhost/cb"}},
                                   {"scopes", {"oauth"}}},
                                  201);
    admin_sandbox s{62515, user.at("user_id"), app.at("app_id"), app.at("client_id"),
              app.at("client_secret"), "http://localhost/cb", {"oauth"}};
    const token_grant tokens = issue_tokens(server, s);
    CHECK(tokens.refresh_token.rfind("eu1-", 0) == 0);
    CHECK(tokens.body.at("hub_id") == 62515);

    // Update: same id, new domain; the token's answer, remembered since its second read, follows.
    for (int ask = 0; ask < 2; ++ask) {
        REQUIRE(get_access_token(server.port(), tokens.access_token).json().at("hub_domain") != "renamed.test");
    }
    const http_response updated = server.admin(
        "POST", "/admin/v1/hubs", {{"hub_id", 62515}, {"hub_domain", "renamed.test"}, {"hublet", "eu1"}});
    CHECK(updated.status == 200);  // an update, as for apps
    CHECK(admin_expect(server, "GET", hub_path(62515), nullptr, 200).at("hub_domain") == "renamed.test");
    CHECK(results_of(server, "hubs").size() == 2);
    const http_response meta = get_access_token(server.port(), tokens.access_token);
    REQUIRE(meta.status == 200);
    CHECK(meta.json().at("hub_domain") == "renamed.test");

    // Validation.
    struct bad_case {
        const char* why;
        std::string field;
        json body;
    };
    const std::vector<bad_case> cases = {
        {"missing hub_domain", "hub_domain", {{"hublet", "na1"}}},
        {"hub_domain not a string", "hub_domain", {{"hub_domain", 5}}},
        {"bad hublet", "hublet", {{"hub_domain", "x.test"}, {"hublet", "NA 1"}}},
        {"zero hub_id", "hub_id", {{"hub_id", 0}, {"hub_domain", "x.test"}}},
        {"negative hub_id", "hub_id", {{"hub_id", -3}, {"hub_domain", "x.test"}}},
        {"scope with a space", "scopes", {{"hub_domain", "x.test"}, {"scopes", {"a b"}}}},
    };
    for (const auto& c : cases) {
        INFO(std::string(c.why));
        const http_response r = server.admin("POST", "/admin/v1/hubs", c.body);
        check_error(r, 400, "VALIDATION_ERROR");
        CHECK_MESSAGE(has_field(r, c.field), "errors do not name " << c.field << ": " << r.body);
    }
    CHECK(results_of(server, "hubs").size() == 2);

    // Delete: the hub goes, and so do the tokens of its installs.
    const http_response deleted = server.admin("DELETE", hub_path(62515));
    CHECK(deleted.status == 204);
    CHECK(deleted.body.empty());
    check_error(server.admin("GET", hub_path(62515)), 404, "NOT_FOUND");
    check_error(server.admin("DELETE", hub_path(62515)), 404, "NOT_FOUND");
    check_error(get_access_token(server.port(), tokens.access_token), 401, "INVALID_TOKEN");
    CHECK(get_refresh_token(server.port(), tokens.refresh_token).status == 401);
    CHECK(results_of(server, "hubs").size() == 1);
}

TEST_CASE("users: create, read, update, delete and validation") {
    server_process server;
    server.start();
    const std::int64_t h1 =
        admin_expect(server, "POST", "/admin/v1/hubs", {{"hub_domain", "one.test"}}, 201).at("hub_id");
    const std::int64_t h2 =
        admin_expect(server, "POST", "/admin/v1/hubs", {{"hub_domain", "two.test"}}, 201).at("hub_id");

    const http_response created =
        server.admin("POST", "/admin/v1/users", {{"email", "ann@users.test"}, {"hub_ids", {h1}}});
    REQUIRE(created.status == 201);
    const json ann = created.json();
    const std::int64_t ann_id = ann.at("user_id");
    CHECK(ann_id > 0);
    CHECK(ann.at("email") == "ann@users.test");
    CHECK(ann.at("hub_ids") == json({h1}));
    CHECK(admin_expect(server, "GET", user_path(ann_id), nullptr, 200) == ann);

    const json bob = admin_expect(server, "POST", "/admin/v1/users",
                                  {{"user_id", 4242}, {"email", "bob@users.test"}, {"hub_ids", {h1, h2}}}, 201);
    CHECK(bob.at("user_id") == 4242);
    CHECK(results_of(server, "users").size() == 2);

    // Update by id: new hubs.
    const http_response updated = server.admin(
        "POST", "/admin/v1/users", {{"user_id", ann_id}, {"email", "ann@users.test"}, {"hub_ids", {h2}}});
    CHECK(updated.status == 200);  // an update, as for apps
    CHECK(admin_expect(server, "GET", user_path(ann_id), nullptr, 200).at("hub_ids") == json({h2}));

    // What POST answers is what is stored, even when a hub is listed twice.
    const http_response twice = server.admin(
        "POST", "/admin/v1/users", {{"email", "dup@users.test"}, {"hub_ids", {h1, h1}}});
    if (twice.status == 201) {
        const json stored = admin_expect(server, "GET", user_path(twice.json().at("user_id")), nullptr, 200);
        CHECK(twice.json() == stored);
        CHECK(server.admin("DELETE", user_path(twice.json().at("user_id"))).status == 204);
    } else {
        check_error(twice, 400, "VALIDATION_ERROR");
    }
    CHECK(results_of(server, "users").size() == 2);

    // Unknown hub: refused, nothing stored.
    const http_response bad_hub = server.admin(
        "POST", "/admin/v1/users", {{"email", "carl@users.test"}, {"hub_ids", {h1, 987654}}});
    check_error(bad_hub, 400, "BAD_HUB");
    CHECK(results_of(server, "users").size() == 2);
    const http_response bad_hub_update = server.admin(
        "POST", "/admin/v1/users", {{"user_id", ann_id}, {"email", "ann@users.test"}, {"hub_ids", {987654}}});
    check_error(bad_hub_update, 400, "BAD_HUB");
    CHECK(admin_expect(server, "GET", user_path(ann_id), nullptr, 200).at("hub_ids") == json({h2}));

    // Another user's e-mail: conflict, nothing changed.
    check_error(server.admin("POST", "/admin/v1/users",
                             {{"user_id", 4242}, {"email", "ann@users.test"}, {"hub_ids", {h1}}}),
                409, "CONFLICT");
    check_error(server.admin("POST", "/admin/v1/users",
                             {{"user_id", 5555}, {"email", "ann@users.test"}, {"hub_ids", {h1}}}),
                409, "CONFLICT");
    CHECK(admin_expect(server, "GET", user_path(4242), nullptr, 200).at("email") == "bob@users.test");
    check_error(server.admin("GET", user_path(5555)), 404, "NOT_FOUND");

    struct bad_case {
        const char* why;
        std::string field;
        json body;
    };
    const std::vector<bad_case> cases = {
        {"missing email", "email", {{"hub_ids", {h1}}}},
        {"email without @", "email", {{"email", "nobody"}, {"hub_ids", {h1}}}},
        {"hub_ids not an array", "hub_ids", {{"email", "x@users.test"}, {"hub_ids", h1}}},
        {"hub id not an integer", "hub_ids", {{"email", "x@users.test"}, {"hub_ids", {"one"}}}},
        {"negative user_id", "user_id", {{"user_id", -1}, {"email", "x@users.test"}}},
    };
    for (const auto& c : cases) {
        INFO(std::string(c.why));
        const http_response r = server.admin("POST", "/admin/v1/users", c.body);
        check_error(r, 400, "VALIDATION_ERROR");
        CHECK_MESSAGE(has_field(r, c.field), "errors do not name " << c.field << ": " << r.body);
    }
    CHECK(results_of(server, "users").size() == 2);

    // Deleting a user kills the tokens it authorized.
    const json app = admin_expect(server, "POST", "/admin/v1/apps",
                                  {{"name", "user app"},
                                   {"redirect_uris", {"http://localhost/cb"}},
                                   {"scopes", {"oauth"}}},
                                  201);
    const admin_sandbox s{h1, 4242, app.at("app_id"), app.at("client_id"), app.at("client_secret"),
                    "http://localhost/cb", {"oauth"}};
    const token_grant tokens = issue_tokens(server, s);
    CHECK(get_access_token(server.port(), tokens.access_token).status == 200);
    const http_response deleted = server.admin("DELETE", user_path(4242));
    CHECK(deleted.status == 204);
    CHECK(deleted.body.empty());
    check_error(server.admin("GET", user_path(4242)), 404, "NOT_FOUND");
    check_error(server.admin("DELETE", user_path(4242)), 404, "NOT_FOUND");
    check_error(get_access_token(server.port(), tokens.access_token), 401, "INVALID_TOKEN");
    CHECK(refresh_raw(server.port(), s.client_id, s.client_secret, tokens.refresh_token).status == 400);
    CHECK(results_of(server, "users").size() == 1);
}

TEST_CASE("seed: loading twice gives the same state; a bad document changes nothing") {
    server_process server;
    server.start();
    const json document = {
        {"hubs",
         {{{"hub_id", 1001}, {"hub_domain", "seed-one.test"}, {"hublet", "na1"}},
          {{"hub_id", 1002}, {"hub_domain", "seed-two.test"}, {"hublet", "eu1"}, {"scopes", {"oauth"}}}}},
        {"users",
         {{{"user_id", 2001}, {"email", "one@seed.test"}, {"hub_ids", {1001, 1002}}},
          {{"user_id", 2002}, {"email", "two@seed.test"}, {"hub_ids", {1001}}}}},
        {"apps",
         {{{"app_id", 3001},
           {"name", "Seeded with secret"},
           {"client_id", "seeded-client"},
           {"client_secret", "seeded-secret-0123456789"},
           {"redirect_uris", {"http://localhost:3000/cb"}},
           {"scopes", {"oauth"}}},
          {{"app_id", 3002},
           {"name", "Seeded without secret"},
           {"client_id", "generated-client"},
           {"redirect_uris", {"http://localhost:3000/cb"}},
           {"scopes", {"oauth"}},
           {"optional_scopes", {"content"}}}}},
    };
    const auto app_in = [](const json& outcome, std::int64_t app_id) {
        for (const auto& a : outcome.at("apps")) {
            if (a.at("app_id") == app_id) return a;
        }
        return json();
    };

    const http_response first = server.admin("POST", "/admin/v1/seed", document);
    REQUIRE(first.status == 200);
    CHECK(first.header("Content-Type") == app_json_ct);
    const json first_out = first.json();
    CHECK(first_out.at("hubs").size() == 2);
    CHECK(first_out.at("users").size() == 2);
    CHECK(first_out.at("apps").size() == 2);
    CHECK(app_in(first_out, 3001).value("client_secret", "") == "seeded-secret-0123456789");
    const json generated_app = app_in(first_out, 3002);
    REQUIRE(generated_app.contains("client_secret"));
    const std::string generated = generated_app.at("client_secret");
    CHECK(looks_generated(generated));

    const json apps1 = results_of(server, "apps");
    const json hubs1 = results_of(server, "hubs");
    const json users1 = results_of(server, "users");
    CHECK(apps1.size() == 2);
    CHECK(hubs1.size() == 2);
    CHECK(users1.size() == 2);

    const http_response second = server.admin("POST", "/admin/v1/seed", document);
    REQUIRE(second.status == 200);
    const json second_out = second.json();
    CHECK_FALSE(app_in(second_out, 3002).contains("client_secret"));
    CHECK(second.body.find(generated) == std::string::npos);
    CHECK(results_of(server, "apps") == apps1);
    CHECK(results_of(server, "hubs") == hubs1);
    CHECK(results_of(server, "users") == users1);

    // Both secrets still authenticate after the second load.
    const admin_sandbox with_secret{1001, 2001, 3001, "seeded-client", "seeded-secret-0123456789",
                              "http://localhost:3000/cb", {"oauth"}};
    const admin_sandbox generated_secret{1002, 2001, 3002, "generated-client", generated,
                                   "http://localhost:3000/cb", {"oauth"}};
    CHECK(issue_tokens(server, with_secret).access_token.size() > 1);
    const token_grant eu = issue_tokens(server, generated_secret);
    CHECK(eu.refresh_token.rfind("eu1-", 0) == 0);

    SUBCASE("a user referencing a missing hub: nothing from the document is stored") {
        const json bad = {
            {"hubs", {{{"hub_id", 1100}, {"hub_domain", "new-hub.test"}}}},
            {"users",
             {{{"user_id", 2100}, {"email", "new@seed.test"}, {"hub_ids", {1100}}},
              {{"user_id", 2101}, {"email", "lost@seed.test"}, {"hub_ids", {999999}}}}},
            {"apps",
             {{{"app_id", 3100},
               {"name", "Never stored"},
               {"redirect_uris", {"http://localhost/cb"}},
               {"scopes", {"oauth"}}}}},
        };
        const http_response r = server.admin("POST", "/admin/v1/seed", bad);
        CHECK(r.status == 400);
        check_error(r, 400, "BAD_HUB");
        check_error(server.admin("GET", hub_path(1100)), 404, "NOT_FOUND");
        check_error(server.admin("GET", user_path(2100)), 404, "NOT_FOUND");
        check_error(server.admin("GET", app_path(3100)), 404, "NOT_FOUND");
    }
    SUBCASE("an app whose client_id conflicts, after valid hubs and users: nothing is stored") {
        json bad = document;
        bad["hubs"].push_back({{"hub_id", 1100}, {"hub_domain", "new-hub.test"}});
        bad["users"][0]["hub_ids"] = {1001};  // an update that must be rolled back
        bad["apps"].push_back({{"app_id", 3100},
                               {"name", "Thief"},
                               {"client_id", "seeded-client"},
                               {"redirect_uris", {"http://localhost/cb"}},
                               {"scopes", {"oauth"}}});
        check_error(server.admin("POST", "/admin/v1/seed", bad), 409, "CONFLICT");
        check_error(server.admin("GET", hub_path(1100)), 404, "NOT_FOUND");
        check_error(server.admin("GET", app_path(3100)), 404, "NOT_FOUND");
    }
    SUBCASE("an invalid app in the document: nothing is stored") {
        json bad = document;
        bad["hubs"].push_back({{"hub_id", 1100}, {"hub_domain", "new-hub.test"}});
        bad["apps"].push_back({{"app_id", 3100},
                               {"name", "Relative"},
                               {"redirect_uris", {"/cb"}},
                               {"scopes", {"oauth"}}});
        check_error(server.admin("POST", "/admin/v1/seed", bad), 400, "VALIDATION_ERROR");
        check_error(server.admin("GET", hub_path(1100)), 404, "NOT_FOUND");
    }
    SUBCASE("an unknown section is refused") {
        json bad = document;
        bad["widgets"] = json::array();
        const http_response r = server.admin("POST", "/admin/v1/seed", bad);
        CHECK(r.status == 400);
    }
    // Whatever the failure, the state is what the good loads left.
    CHECK(results_of(server, "apps") == apps1);
    CHECK(results_of(server, "hubs") == hubs1);
    CHECK(results_of(server, "users") == users1);
}

TEST_CASE("authorization codes: issued for valid requests, refused with the reason otherwise") {
    server_process server;
    server.start();
    const std::int64_t hub =
        admin_expect(server, "POST", "/admin/v1/hubs", {{"hub_domain", "codes.test"}}, 201).at("hub_id");
    const std::int64_t other_hub =
        admin_expect(server, "POST", "/admin/v1/hubs", {{"hub_domain", "other.test"}}, 201).at("hub_id");
    const std::int64_t narrow_hub =
        admin_expect(server, "POST", "/admin/v1/hubs",
                     {{"hub_domain", "narrow.test"}, {"scopes", {"oauth", "crm.objects.contacts.read"}}}, 201)
            .at("hub_id");
    const std::int64_t member =
        admin_expect(server, "POST", "/admin/v1/users",
                     {{"email", "member@codes.test"}, {"hub_ids", {hub, narrow_hub}}}, 201)
            .at("user_id");
    const std::int64_t outsider =
        admin_expect(server, "POST", "/admin/v1/users",
                     {{"email", "outsider@codes.test"}, {"hub_ids", {other_hub}}}, 201)
            .at("user_id");
    const json app = admin_expect(server, "POST", "/admin/v1/apps",
                                  {{"name", "Codes"},
                                   {"client_id", "codes-client"},
                                   {"redirect_uris", {"http://localhost:3000/cb"}},
                                   {"scopes", {"oauth", "crm.objects.contacts.read"}},
                                   {"optional_scopes", {"content", "crm.objects.contacts.write"}}},
                                  201);
    admin_sandbox s{hub, member, app.at("app_id"), "codes-client", app.at("client_secret"),
              "http://localhost:3000/cb", {"oauth", "crm.objects.contacts.read"}};
    const std::vector<std::string> wanted = {"oauth", "crm.objects.contacts.read", "content"};

    SUBCASE("success, exchange and install record") {
        const http_response r = server.admin("POST", "/admin/v1/authorization-codes", code_request(s, wanted));
        REQUIRE(r.status == 201);
        CHECK(r.header("Content-Type") == app_json_ct);
        const json out = r.json();
        CHECK(out.at("expires_in") == 600);
        CHECK(as_set(out.at("scopes")) == std::set<std::string>(wanted.begin(), wanted.end()));
        const std::string code = out.at("code");
        CHECK(code.size() >= 32);

        const token_grant tokens = exchange_code(server.port(), s, code);
        CHECK(as_set(tokens.body.at("scopes")) == std::set<std::string>(wanted.begin(), wanted.end()));
        CHECK(tokens.body.at("hub_id") == hub);
        CHECK(tokens.body.at("user_id") == member);

        const auto rows = installs_of(server, hub, s.app_id);
        REQUIRE(rows.size() == 1);
        CHECK(rows[0].at("user_id") == member);
        CHECK(as_set(rows[0].at("scopes")) == std::set<std::string>(wanted.begin(), wanted.end()));
        CHECK(rows[0].at("live") == true);

        // Uninstall: 204, the install is no longer live, its tokens die; a second time is 404.
        const http_response gone = server.admin("DELETE", install_path(hub, s.app_id));
        CHECK(gone.status == 204);
        CHECK(gone.body.empty());
        const auto after = installs_of(server, hub, s.app_id);
        REQUIRE(after.size() == 1);
        CHECK(after[0].at("live") == false);
        check_error(get_access_token(server.port(), tokens.access_token), 401, "INVALID_TOKEN");
        check_error(refresh_raw(server.port(), s.client_id, s.client_secret, tokens.refresh_token), 400,
                    "BAD_REFRESH_TOKEN");
        check_error(server.admin("DELETE", install_path(hub, s.app_id)), 404, "NOT_FOUND");
        check_error(server.admin("DELETE", install_path(other_hub, s.app_id)), 404, "NOT_FOUND");
        check_error(server.admin("DELETE", install_path(hub, 999999)), 404, "NOT_FOUND");

        // Authorizing again installs again.
        const token_grant again = issue_tokens(server, s);
        const auto reinstalled = installs_of(server, hub, s.app_id);
        CHECK(std::count_if(reinstalled.begin(), reinstalled.end(),
                            [](const json& row) { return row.at("live") == true; }) == 1);
        CHECK(get_access_token(server.port(), again.access_token).status == 200);
    }

    SUBCASE("a hub with a scopes list drops the optional scopes it lacks") {
        admin_sandbox narrow = s;
        narrow.hub_id = narrow_hub;
        const http_response r =
            server.admin("POST", "/admin/v1/authorization-codes", code_request(narrow, wanted));
        REQUIRE(r.status == 201);
        const std::set<std::string> granted = {"oauth", "crm.objects.contacts.read"};
        CHECK(as_set(r.json().at("scopes")) == granted);
        const token_grant tokens = exchange_code(server.port(), narrow, r.json().at("code").get<std::string>());
        CHECK(as_set(tokens.body.at("scopes")) == granted);
        const http_response meta = get_access_token(server.port(), tokens.access_token);
        REQUIRE(meta.status == 200);
        CHECK(as_set(meta.json().at("scopes")) == granted);
        const auto rows = installs_of(server, narrow_hub, s.app_id);
        REQUIRE(rows.size() == 1);
        CHECK(as_set(rows[0].at("scopes")) == granted);
    }

    SUBCASE("each refusal says why and records nothing") {
        struct bad_case {
            const char* why;
            json body;
            int http_status;
            const char* status;
        };
        const auto with = [&](const char* key, json value) {
            json b = code_request(s, wanted);
            b[key] = std::move(value);
            return b;
        };
        const auto without = [&](const char* key) {
            json b = code_request(s, wanted);
            b.erase(key);
            return b;
        };
        const std::vector<bad_case> cases = {
            {"unknown client", with("client_id", "no-such-client"), 401, "BAD_CLIENT_ID"},
            {"unregistered redirect", with("redirect_uri", "http://localhost:3000/other"), 400, "BAD_REDIRECT_URI"},
            {"redirect with extra path", with("redirect_uri", "http://localhost:3000/cb/x"), 400, "BAD_REDIRECT_URI"},
            {"a required scope left out", with("scopes", {"oauth"}), 400, "BAD_SCOPES"},
            {"unconfigured scope", with("scopes", {"oauth", "crm.objects.contacts.read", "tickets"}), 400, "BAD_SCOPES"},
            {"unknown user", with("user_id", 999999), 400, "BAD_USER"},
            {"user not in hub", with("user_id", outsider), 400, "BAD_HUB"},
            {"unknown hub", with("hub_id", 999999), 400, "BAD_HUB"},
            {"missing client_id", without("client_id"), 400, "VALIDATION_ERROR"},
            {"missing hub_id", without("hub_id"), 400, "VALIDATION_ERROR"},
            {"missing user_id", without("user_id"), 400, "VALIDATION_ERROR"},
            {"missing redirect_uri", without("redirect_uri"), 400, "VALIDATION_ERROR"},
            {"missing scopes", without("scopes"), 400, "VALIDATION_ERROR"},
            {"plain PKCE", [&] {
                 json b = with("code_challenge", "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
                 b["code_challenge_method"] = "plain";
                 return b;
             }(), 400, "VALIDATION_ERROR"},
        };
        for (const auto& c : cases) {
            INFO(std::string(c.why));
            const http_response r = server.admin("POST", "/admin/v1/authorization-codes", c.body);
            check_error(r, c.http_status, c.status);
            if (std::string_view(c.why).rfind("missing ", 0) == 0) {
                const std::string field = std::string(c.why).substr(8);
                CHECK_MESSAGE(has_field(r, field), "errors do not name " << field << ": " << r.body);
            }
        }
        CHECK(results_of(server, "installs").empty());
    }
}

TEST_CASE("clock: shows the admin_sandbox time and only moves forward") {
    server_process server;
    server.start();
    const json initial = admin_expect(server, "GET", "/admin/v1/clock", nullptr, 200);
    CHECK(initial.at("offset_seconds") == 0);
    const std::int64_t wall = static_cast<std::int64_t>(std::time(nullptr));
    CHECK(initial.at("now").get<std::int64_t>() >= wall - 60);
    CHECK(initial.at("now").get<std::int64_t>() <= wall + 60);

    const admin_sandbox s = make_sandbox(server, "clock");
    const token_grant tokens = issue_tokens(server, s);
    CHECK(tokens.expires_in == 1800);
    // Asked about three times: from the second on, the access-token cache keeps the token and the
    // view its rendered body (expires_in as 0); the answer after the move below is right either way.
    for (int i = 0; i < 3; ++i) {
        const http_response before = get_access_token(server.port(), tokens.access_token);
        REQUIRE(before.status == 200);
        CHECK(before.json().at("expires_in").get<std::int64_t>() >= 1700);
    }

    const http_response moved = server.admin("POST", "/admin/v1/clock", {{"advance_seconds", 1000}});
    REQUIRE(moved.status == 200);
    CHECK(moved.header("Content-Type") == app_json_ct);
    CHECK(moved.json().at("offset_seconds") == 1000);
    CHECK(moved.json().at("now").get<std::int64_t>() >= initial.at("now").get<std::int64_t>() + 1000);
    const http_response meta = get_access_token(server.port(), tokens.access_token);
    REQUIRE(meta.status == 200);
    CHECK(meta.json().at("expires_in").get<std::int64_t>() <= 800);
    CHECK(meta.json().at("expires_in").get<std::int64_t>() >= 700);

    const json later = admin_expect(server, "POST", "/admin/v1/clock", {{"advance_seconds", 2600}}, 200);
    CHECK(later.at("offset_seconds") == 3600);
    CHECK(later.at("now").get<std::int64_t>() >= initial.at("now").get<std::int64_t>() + 3600);
    const json shown = admin_expect(server, "GET", "/admin/v1/clock", nullptr, 200);
    CHECK(shown.at("offset_seconds") == 3600);
    CHECK(shown.at("now").get<std::int64_t>() >= initial.at("now").get<std::int64_t>() + 3600);
    check_error(get_access_token(server.port(), tokens.access_token), 401, "EXPIRED_AUTHENTICATION");

    const std::vector<std::pair<const char*, json>> bad = {
        {"negative", {{"advance_seconds", -1}}},
        {"fraction", {{"advance_seconds", 1.5}}},
        {"string", {{"advance_seconds", "60"}}},
        {"null", {{"advance_seconds", nullptr}}},
        {"missing", json::object()},
        {"not an object", json::array({60})},
    };
    for (const auto& [why, body] : bad) {
        INFO(std::string(why));
        const http_response r = server.admin("POST", "/admin/v1/clock", body);
        check_error(r, 400, "VALIDATION_ERROR");
        CHECK_MESSAGE(has_field(r, "advance_seconds"), r.body);
    }
    CHECK(admin_expect(server, "GET", "/admin/v1/clock", nullptr, 200).at("offset_seconds") == 3600);
}

TEST_CASE("deleting an app kills its tokens") {
    server_process server;
    server.start();
    const admin_sandbox doomed = make_sandbox(server, "doomed");
    const admin_sandbox bystander = make_sandbox(server, "bystander");
    const token_grant dying = issue_tokens(server, doomed);
    const token_grant living = issue_tokens(server, bystander);
    REQUIRE(get_access_token(server.port(), dying.access_token).status == 200);
    REQUIRE(get_refresh_token(server.port(), dying.refresh_token).status == 200);

    CHECK(server.admin("DELETE", app_path(doomed.app_id)).status == 204);

    check_error(get_access_token(server.port(), dying.access_token), 401, "INVALID_TOKEN");
    CHECK(get_refresh_token(server.port(), dying.refresh_token).status == 401);
    check_error(refresh_raw(server.port(), doomed.client_id, doomed.client_secret, dying.refresh_token),
                401, "BAD_CLIENT_ID");
    for (const auto& row : installs_of(server, doomed.hub_id, doomed.app_id)) {
        CHECK(row.at("live") == false);
    }
    // Another app's tokens are untouched.
    CHECK(get_access_token(server.port(), living.access_token).status == 200);
    CHECK(refresh_raw(server.port(), bystander.client_id, bystander.client_secret, living.refresh_token)
              .status == 200);
}

// ---- The event journal (GET /admin/v1/events) and the integration report ----

#include "support/controls_helpers.hpp"
#include "support/raw_connection.hpp"

namespace {

// One server for the report cases: each case uses its own app, so their journals do not mix.
server_process& report_server() {
    static server_process server;
    if (server.port() == 0) server.start();
    return server;
}

std::int64_t system_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

std::string corr(const http_response& r) { return r.header("X-HubSpot-Correlation-Id"); }

void advance(const server_process& server, std::int64_t seconds) {
    admin_expect(server, "POST", "/admin/v1/clock", {{"advance_seconds", seconds}}, 200);
}

// A finding of the app's report, which must be there.
json present(const server_process& server, std::int64_t app_id, std::string_view id) {
    const json r = report(server, app_id);
    const json f = finding(r, id);
    INFO(r.dump());
    REQUIRE_MESSAGE(!f.is_null(), "no finding " << id);
    return f;
}

http_response authorize_url(const server_process& server, const admin_sandbox& s, std::string_view extra) {
    return http_request(server.port(), "GET",
                        "/oauth/authorize?client_id=" + url_encode(s.client_id) + "&redirect_uri=" +
                            url_encode(s.redirect_uri) + "&scope=oauth" + std::string(extra));
}

}  // namespace

TEST_SUITE("journal") {

TEST_CASE("events: every operation is an event with both clocks, its correlation id and token ids, "
          "never a token, code or secret") {
    server_process server;
    server.start();
    const admin_sandbox s = make_sandbox(server, "journal");
    const std::string code = issue_code(server, s);
    const auto exchanged = exchange_code_raw(server.port(), s, code);
    REQUIRE(exchanged.status == 200);
    const std::string access = exchanged.json().at("access_token");
    const std::string refresh = exchanged.json().at("refresh_token");
    const auto refreshed = refresh_raw(server.port(), s.client_id, s.client_secret, refresh);
    const auto described = get_access_token(server.port(), access);
    const auto wrong_secret = refresh_raw(server.port(), s.client_id, "not-the-secret", refresh);
    const auto revoked = http_request(server.port(), "DELETE", "/oauth/v1/refresh-tokens/" + url_encode(refresh));
    const auto dead = refresh_raw(server.port(), s.client_id, s.client_secret, refresh);
    REQUIRE(revoked.status == 204);
    REQUIRE(dead.status == 400);
    const auto uninstalled = server.admin("DELETE", install_path(s.hub_id, s.app_id));
    REQUIRE(uninstalled.status == 204);

    const auto page = server.admin("GET", "/admin/v1/events?limit=1000");
    REQUIRE(page.status == 200);
    const json all = page.json().at("results");
    std::vector<std::string> kinds;
    for (const auto& e : all) kinds.push_back(e.at("kind"));
    CHECK(kinds == std::vector<std::string>{"code_issued", "code_exchange", "refresh", "introspection",
                                            "client_auth_failed", "revocation", "refusal", "uninstall"});
    REQUIRE(all.size() == 8);
    const std::int64_t now = admin_expect(server, "GET", "/admin/v1/clock", nullptr, 200).at("now");
    for (const auto& e : all) {
        CHECK(std::abs(e.at("time").get<std::int64_t>() - now) <= 5);
        CHECK(std::abs(e.at("wall_time_ms").get<std::int64_t>() - system_ms()) < 60000);
    }
    const json& exchange = all[1];
    CHECK(exchange.at("correlation_id") == corr(exchanged));
    CHECK(exchange.at("route") == "token");
    CHECK(exchange.at("version") == "v1");
    CHECK(exchange.at("grant_type") == "authorization_code");
    CHECK(exchange.at("client_id") == s.client_id);
    CHECK(exchange.at("hub_id") == s.hub_id);
    CHECK(exchange.at("user_id") == s.user_id);
    CHECK(exchange.at("access_token_id").get<std::int64_t>() > 0);
    CHECK(exchange.at("refresh_token_id").get<std::int64_t>() > 0);
    CHECK(exchange.at("outcome").at("result") == "ok");
    CHECK(all[2].at("correlation_id") == corr(refreshed));
    CHECK(all[2].at("token").at("id") == exchange.at("refresh_token_id"));
    // The metadata read knows the app; the refusals are attributed to the token's owner.
    CHECK(all[3].at("correlation_id") == corr(described));
    CHECK(all[3].at("app_id") == s.app_id);
    CHECK(all[4].at("correlation_id") == corr(wrong_secret));
    CHECK(all[4].at("outcome").at("error") == "wrong_client_secret");
    CHECK(all[4].at("outcome").at("status") == 401);
    CHECK(all[4].at("outcome").at("hubspot_status") == "BAD_CLIENT_SECRET");
    CHECK(all[5].at("correlation_id") == corr(revoked));
    const json& refusal = all[6];
    CHECK(refusal.at("correlation_id") == corr(dead));
    CHECK(refusal.at("outcome") == json{{"result", "refused"}, {"error", "invalid_refresh_token"},
                                        {"status", 400}, {"hubspot_status", "BAD_REFRESH_TOKEN"}});
    CHECK(refusal.at("hub_id") == s.hub_id);
    CHECK(all[7].at("route") == "admin.installs.delete");
    CHECK(all[7].at("app_id") == s.app_id);

    for (const std::string& secret : {access, refresh, code, s.client_secret}) {
        CHECK_MESSAGE(page.body.find(secret) == std::string::npos, "the journal shows a secret");
    }
}

TEST_CASE("events: filters, paging with since, and refusals of bad queries") {
    server_process server;
    server.start();
    const admin_sandbox a = make_sandbox(server, "filter-a");
    const admin_sandbox b = make_sandbox(server, "filter-b");
    const token_grant ta = issue_tokens(server, a);
    issue_tokens(server, b);
    for (int i = 0; i < 3; ++i) REQUIRE(refresh_raw(server.port(), a.client_id, a.client_secret, ta.refresh_token).status == 200);

    CHECK(events(server, "kind=refresh").size() == 3);
    CHECK(events(server, "kind=refresh,code_exchange").size() == 5);
    CHECK(events(server, "client_id=" + url_encode(b.client_id)).size() == 2);  // minted, exchanged
    CHECK(events(server, "hub_id=" + std::to_string(a.hub_id) + "&kind=refresh").size() == 3);

    const json first = server.admin("GET", "/admin/v1/events?kind=refresh&limit=2").json();
    REQUIRE(first.at("results").size() == 2);
    const auto since = first.at("paging").at("next").at("since").get<std::int64_t>();
    const json rest = server.admin("GET", "/admin/v1/events?kind=refresh&limit=2&since=" + std::to_string(since)).json();
    REQUIRE(rest.at("results").size() == 1);
    CHECK(rest.at("results")[0].at("id").get<std::int64_t>() > since);
    CHECK_FALSE(rest.at("paging").contains("next"));
    CHECK(events(server, "since=1000000").empty());

    check_error(server.admin("GET", "/admin/v1/events?kind=nonsense"), 400, "VALIDATION_ERROR");
    check_error(server.admin("GET", "/admin/v1/events?limit=0"), 400, "VALIDATION_ERROR");
    check_error(server.admin("GET", "/admin/v1/events?colour=red"), 400, "VALIDATION_ERROR");
    CHECK(http_request(server.port(), "GET", "/admin/v1/events").status == 401);
}

TEST_CASE("events: NDJSON streams one event per line; follow keeps the stream open for new ones") {
    server_process server;
    server.start();
    const admin_sandbox s = make_sandbox(server, "stream");
    const token_grant t = issue_tokens(server, s);

    const auto lines = http_request(server.port(), "GET", "/admin/v1/events",
                                    {{"Authorization", "Bearer " + server.admin_key()}, {"Accept", "application/x-ndjson"}});
    REQUIRE(lines.status == 200);
    CHECK(lines.header("Content-Type") == "application/x-ndjson");
    CHECK(lines.header("Transfer-Encoding") == "chunked");
    std::vector<json> parsed;
    std::size_t at = 0;
    while (at < lines.body.size()) {
        const auto end = lines.body.find('\n', at);
        REQUIRE(end != std::string::npos);
        parsed.push_back(json::parse(lines.body.substr(at, end - at)));
        at = end + 1;
    }
    REQUIRE(parsed.size() == 2);
    CHECK(parsed[0].at("kind") == "code_issued");
    CHECK(parsed[1].at("kind") == "code_exchange");

    raw_connection follower(server.port());
    follower.send("GET /admin/v1/events?follow=true&kind=refresh HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " +
                  server.admin_key() + "\r\n\r\n");
    std::string seen = follower.receive_some(std::chrono::seconds(5));
    CHECK(seen.rfind("HTTP/1.1 200 OK\r\n", 0) == 0);
    const auto refreshed = refresh_raw(server.port(), s.client_id, s.client_secret, t.refresh_token);
    REQUIRE(refreshed.status == 200);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (seen.find(corr(refreshed)) == std::string::npos && std::chrono::steady_clock::now() < deadline) {
        seen += follower.receive_some(std::chrono::seconds(5));
    }
    CHECK(seen.find(corr(refreshed)) != std::string::npos);
    CHECK(seen.find("\"kind\":\"refresh\"") != std::string::npos);
    CHECK(seen.find("code_exchange") == std::string::npos);
}

TEST_CASE("events: retention keeps the newest journal_max_events; journal=false records nothing") {
    server_process small({{"--journal-max-events", "3"}});
    small.start();
    const admin_sandbox s = make_sandbox(small, "retention");
    const token_grant t = issue_tokens(small, s);
    for (int i = 0; i < 3; ++i) refresh_raw(small.port(), s.client_id, s.client_secret, t.refresh_token);
    const json kept = events(small);
    REQUIRE(kept.size() == 3);
    CHECK(kept[0].at("id") == 3);
    CHECK(kept[2].at("id") == 5);

    server_process off({{"--journal", "false"}});
    off.start();
    const admin_sandbox quiet = make_sandbox(off, "quiet");
    issue_tokens(off, quiet);
    const json page = off.admin("GET", "/admin/v1/events").json();
    CHECK(page.at("results").empty());
    CHECK(page.at("journal") == "off");
    CHECK(report(off, quiet.app_id).at("events") == 0);
}

}  // TEST_SUITE

TEST_SUITE("integration report") {

TEST_CASE("report: a well-behaved integration is clean; v1 calls are counted per endpoint as a notice") {
    auto& server = report_server();
    const admin_sandbox s = make_sandbox(server, "clean");
    const token_grant t = issue_tokens(server, s);
    advance(server, 1500);  // refreshes with time to spare
    const auto refreshed = refresh_raw(server.port(), s.client_id, s.client_secret, t.refresh_token);
    REQUIRE(refreshed.status == 200);
    REQUIRE(get_access_token(server.port(), refreshed.json().at("access_token").get<std::string>()).status == 200);
    REQUIRE(http_request(server.port(), "DELETE", "/oauth/v1/refresh-tokens/" + url_encode(t.refresh_token)).status == 204);

    const json r = report(server, s.app_id);
    CHECK(r.at("clean") == true);
    CHECK(r.at("summary") == "clean: no findings");
    CHECK(r.at("findings").empty());
    CHECK(r.at("client_id") == s.client_id);
    const json v1 = finding(r, "v1_endpoints");
    REQUIRE_FALSE(v1.is_null());
    CHECK(v1.at("breakdown") == json{{"token", 2}, {"access_token_metadata", 1}, {"revoke_refresh_token", 1}});
    CHECK(v1.at("last_correlation_id") != v1.at("first_correlation_id"));

    const auto page = http_request(server.port(), "GET", "/admin/v1/apps/" + std::to_string(s.app_id) + "/report",
                                   {{"Authorization", "Bearer " + server.admin_key()}, {"Accept", "text/html"}});
    REQUIRE(page.status == 200);
    CHECK(page.header("Content-Type") == "text/html;charset=utf-8");
    CHECK(page.body.find("Clean: the integration did nothing") != std::string::npos);
    CHECK(page.body.find("Still calls v1 OAuth endpoints") != std::string::npos);
}

TEST_CASE("report: used an access token after it expired, then refreshed only after the 401") {
    auto& server = report_server();
    const admin_sandbox s = make_sandbox(server, "expired");
    const token_grant t = issue_tokens(server, s);
    advance(server, 1860);
    const auto expired = get_access_token(server.port(), t.access_token);
    REQUIRE(expired.status == 401);
    const auto late = refresh_raw(server.port(), s.client_id, s.client_secret, t.refresh_token);
    REQUIRE(late.status == 200);
    const json used = present(server, s.app_id, "expired_token_used");
    CHECK(used.at("count") == 1);
    CHECK(used.at("first_correlation_id") == corr(expired));
    CHECK(used.at("last_correlation_id") == corr(expired));
    CHECK(used.at("advice").get<std::string>().find("refresh") != std::string::npos);
    const json after = present(server, s.app_id, "refreshed_after_401");
    CHECK(after.at("count") == 1);
    CHECK(after.at("first_correlation_id") == corr(late));
    CHECK(report(server, s.app_id).at("clean") == false);
}

TEST_CASE("report: API calls through the gateway with an expired token, then a refresh only after the 401") {
    auto& server = report_server();
    const admin_sandbox s = make_sandbox(server, "gateway-expired");
    const token_grant t = issue_tokens(server, s);
    const header_list bearer{{"Authorization", "Bearer " + t.access_token}};
    // A call in time is a gateway decision, and no finding; /account-info/v3 is no v1 endpoint.
    REQUIRE(http_request(server.port(), "GET", "/account-info/v3/details", bearer).status == 200);
    advance(server, 1860);
    const auto first = http_request(server.port(), "GET", "/account-info/v3/details", bearer);
    REQUIRE(first.status == 401);
    CHECK(json::parse(first.body).at("category") == "EXPIRED_AUTHENTICATION");
    const auto second = http_request(server.port(), "GET", "/account-info/v3/details", bearer);
    REQUIRE(second.status == 401);
    const auto late = refresh_raw(server.port(), s.client_id, s.client_secret, t.refresh_token);
    REQUIRE(late.status == 200);

    const json used = present(server, s.app_id, "expired_token_used");
    CHECK(used.at("count") == 2);
    CHECK(used.at("first_correlation_id") == corr(first));
    CHECK(used.at("last_correlation_id") == corr(second));
    const json after = present(server, s.app_id, "refreshed_after_401");
    CHECK(after.at("count") == 1);
    CHECK(after.at("first_correlation_id") == corr(late));
    const json r = report(server, s.app_id);
    const json v1 = finding(r, "v1_endpoints");
    if (!v1.is_null()) CHECK(v1.dump().find("account_info") == std::string::npos);
    // The journal shows the decisions: one allowed call, two refusals with HubSpot's status.
    const json calls = events(server, "client_id=" + s.client_id + "&limit=1000");
    std::size_t allowed = 0;
    std::size_t refused = 0;
    for (const json& e : calls) {
        if (e.value("operation", "") != "api_call") continue;
        if (e.at("kind") == "gateway") ++allowed;
        if (e.at("kind") == "refusal" && e.at("outcome").at("status") == 401) ++refused;
    }
    CHECK(allowed == 1);
    CHECK(refused == 2);
}

TEST_CASE("report: kept using a revoked token") {
    auto& server = report_server();
    const admin_sandbox s = make_sandbox(server, "revoked");
    const token_grant t = issue_tokens(server, s);
    REQUIRE(http_request(server.port(), "DELETE", "/oauth/v1/refresh-tokens/" + url_encode(t.refresh_token)).status == 204);
    const auto again = refresh_raw(server.port(), s.client_id, s.client_secret, t.refresh_token);
    const auto metadata = get_access_token(server.port(), t.access_token);  // revoked with it
    REQUIRE(again.status == 400);
    REQUIRE(metadata.status == 401);
    const json f = present(server, s.app_id, "revoked_token_used");
    CHECK(f.at("count") == 2);
    CHECK(f.at("first_correlation_id") == corr(again));
    CHECK(f.at("last_correlation_id") == corr(metadata));
}

TEST_CASE("report: kept refreshing for an account that uninstalled the app") {
    auto& server = report_server();
    const admin_sandbox s = make_sandbox(server, "uninstalled");
    const token_grant t = issue_tokens(server, s);
    REQUIRE(server.admin("DELETE", install_path(s.hub_id, s.app_id)).status == 204);
    const auto refused = refresh_raw(server.port(), s.client_id, s.client_secret, t.refresh_token);
    check_error(refused, 400, "BAD_REFRESH_TOKEN");
    const json f = present(server, s.app_id, "uninstalled_refresh_token");
    CHECK(f.at("count") == 1);
    CHECK(f.at("first_correlation_id") == corr(refused));
}

TEST_CASE("report: replayed an authorization code") {
    auto& server = report_server();
    const admin_sandbox s = make_sandbox(server, "replay");
    const std::string code = issue_code(server, s);
    REQUIRE(exchange_code_raw(server.port(), s, code).status == 200);
    const auto replayed = exchange_code_raw(server.port(), s, code);
    check_error(replayed, 400, "BAD_AUTH_CODE");
    // A code that never existed is a mistake of another kind.
    REQUIRE(exchange_code_raw(server.port(), s, "na1-0000").status == 400);
    const json f = present(server, s.app_id, "code_replayed");
    CHECK(f.at("count") == 1);
    CHECK(f.at("first_correlation_id") == corr(replayed));
}

TEST_CASE("report: exchanged a code after it expired") {
    auto& server = report_server();
    const admin_sandbox s = make_sandbox(server, "late-code");
    const std::string code = issue_code(server, s);
    advance(server, 601);
    const auto late = exchange_code_raw(server.port(), s, code);
    check_error(late, 400, "EXPIRED_AUTH_CODE");
    const json f = present(server, s.app_id, "code_exchanged_late");
    CHECK(f.at("count") == 1);
    CHECK(f.at("first_correlation_id") == corr(late));
}

TEST_CASE("report: retried a 429 sooner than Retry-After said") {
    auto& server = report_server();
    const admin_sandbox s = make_sandbox(server, "impatient");
    const token_grant t = issue_tokens(server, s);
    add_fault(server, {{"match", {{"client_id", s.client_id}}}, {"action", {{"kind", "rate_limit"}, {"retry_after", 30}}}, {"times", 1}});
    REQUIRE(refresh_raw(server.port(), s.client_id, s.client_secret, t.refresh_token).status == 429);
    const auto at_once = refresh_raw(server.port(), s.client_id, s.client_secret, t.refresh_token);
    REQUIRE(at_once.status == 200);
    const json f = present(server, s.app_id, "retry_after_ignored");
    CHECK(f.at("count") == 1);
    CHECK(f.at("first_correlation_id") == corr(at_once));
    CHECK(finding(report(server, s.app_id), "retry_without_backoff").is_null());
}

TEST_CASE("report: retried a 5xx at once, without backing off") {
    auto& server = report_server();
    const admin_sandbox s = make_sandbox(server, "hasty");
    const token_grant t = issue_tokens(server, s);
    add_fault(server, {{"match", {{"client_id", s.client_id}}}, {"action", {{"kind", "server_error"}, {"status", 502}}}, {"times", 1}});
    REQUIRE(refresh_raw(server.port(), s.client_id, s.client_secret, t.refresh_token).status == 502);
    const auto at_once = refresh_raw(server.port(), s.client_id, s.client_secret, t.refresh_token);
    REQUIRE(at_once.status == 200);
    const json f = present(server, s.app_id, "retry_without_backoff");
    CHECK(f.at("count") == 1);
    CHECK(f.at("first_correlation_id") == corr(at_once));
}

TEST_CASE("report: sent the client secret in the query string") {
    auto& server = report_server();
    const admin_sandbox s = make_sandbox(server, "leaky");
    const token_grant t = issue_tokens(server, s);
    const auto leaked = post_form(server.port(), "/oauth/v1/token?client_secret=" + url_encode(s.client_secret),
                                  {{"grant_type", "refresh_token"}, {"client_id", s.client_id},
                                   {"client_secret", s.client_secret}, {"refresh_token", t.refresh_token}});
    REQUIRE(leaked.status == 200);
    const json f = present(server, s.app_id, "secret_in_url");
    CHECK(f.at("count") == 1);
    CHECK(f.at("breakdown") == json{{"client_secret", 1}});
    CHECK(f.at("first_correlation_id") == corr(leaked));
    // The journal names the parameter, never its value.
    CHECK(server.admin("GET", "/admin/v1/events?limit=1000").body.find(s.client_secret) == std::string::npos);
}

TEST_CASE("report: opened the authorize step without state and without PKCE") {
    auto& server = report_server();
    const admin_sandbox s = make_sandbox(server, "bare-authorize");
    const auto bare = authorize_url(server, s, "");
    REQUIRE(bare.status == 200);
    // With both (RFC 7636's example challenge), nothing more is found.
    REQUIRE(authorize_url(server, s,
                          "&state=xyz&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
                          "&code_challenge_method=S256")
                .status == 200);
    const json no_state = present(server, s.app_id, "authorize_without_state");
    CHECK(no_state.at("count") == 1);
    CHECK(no_state.at("first_correlation_id") == corr(bare));
    const json no_pkce = present(server, s.app_id, "authorize_without_pkce");
    CHECK(no_pkce.at("count") == 1);
    CHECK(no_pkce.at("last_correlation_id") == corr(bare));
}

TEST_CASE("report: the HTML page shows the findings; unknown apps and formats are refused") {
    auto& server = report_server();
    const admin_sandbox s = make_sandbox(server, "page", {{"name", "page <b>"}});
    const std::string code = issue_code(server, s);
    REQUIRE(exchange_code_raw(server.port(), s, code).status == 200);
    const auto replayed = exchange_code_raw(server.port(), s, code);
    // Not through server.admin(): the served document's contract check reads JSON answers only.
    const auto page = http_request(server.port(), "GET",
                                   "/admin/v1/apps/" + std::to_string(s.app_id) + "/report?format=html",
                                   {{"Authorization", "Bearer " + server.admin_key()}});
    REQUIRE(page.status == 200);
    CHECK(page.header("Content-Type") == "text/html;charset=utf-8");
    CHECK(page.body.find("Replayed an authorization code") != std::string::npos);
    CHECK(page.body.find(corr(replayed)) != std::string::npos);
    CHECK(page.body.find("1 finding(s)") != std::string::npos);
    CHECK(page.body.find("<b>") == std::string::npos);  // the app's name is escaped
    check_error(server.admin("GET", "/admin/v1/apps/" + std::to_string(s.app_id) + "/report?format=pdf"), 400,
                "VALIDATION_ERROR");
    check_error(server.admin("GET", "/admin/v1/apps/987654321/report"), 404, "NOT_FOUND");
}

}  // TEST_SUITE


// ---- Deletes leave no authority behind ----

namespace {

// What a client of `s` holds: a live token pair and an unused code.
struct held_authority {
    token_grant tokens;
    std::string code;
};

held_authority hold(const server_process& server, const admin_sandbox& s) {
    held_authority out;
    out.tokens = issue_tokens(server, s);
    out.code = issue_code(server, s);
    // Asked about twice, its answer is remembered (service::access_token_cache keeps a token at
    // its second read): the delete that follows must end the remembered answer too.
    for (int ask = 0; ask < 2; ++ask) REQUIRE(get_access_token(server.port(), out.tokens.access_token).status == 200);
    return out;
}

// Every code and token in `held` is refused, presented by `client` as an integration would.
// `app_gone`: the client itself no longer exists, and is refused first.
void check_all_refused(const server_process& server, const admin_sandbox& client, const held_authority& held,
                       bool app_gone = false) {
    const auto code = exchange_code_raw(server.port(), client, held.code);
    if (app_gone) {
        check_error(code, 401, "BAD_CLIENT_ID");
    } else {
        check_error(code, 400, "BAD_AUTH_CODE");
    }
    check_error(get_access_token(server.port(), held.tokens.access_token), 401, "INVALID_TOKEN");
    check_error(get_refresh_token(server.port(), held.tokens.refresh_token), 401, "INVALID_TOKEN");
    const auto refreshed = refresh_raw(server.port(), client.client_id, client.client_secret, held.tokens.refresh_token);
    if (app_gone) {
        check_error(refreshed, 401, "BAD_CLIENT_ID");
    } else {
        check_error(refreshed, 400, "BAD_REFRESH_TOKEN");
    }
}

// The CSRF token of the consent page `s`'s authorize URL opens.
std::string open_consent_form(const server_process& server, const admin_sandbox& s) {
    const auto page = http_request(server.port(), "GET",
                                   "/oauth/authorize?client_id=" + url_encode(s.client_id) +
                                       "&redirect_uri=" + url_encode(s.redirect_uri) + "&scope=oauth");
    REQUIRE_MESSAGE(page.status == 200, page.body);
    const std::string marker = "name=\"csrf_token\" value=\"";
    const auto at = page.body.find(marker);
    REQUIRE(at != std::string::npos);
    const auto start = at + marker.size();
    return page.body.substr(start, page.body.find('"', start) - start);
}

}  // namespace

TEST_CASE("deleting a hub: its memberships go, its codes and tokens die, and its id is never handed out again") {
    server_process server;
    server.start();
    const admin_sandbox kept = make_sandbox(server, "kept-hub");
    const admin_sandbox doomed = make_sandbox(server, "temporary-hub");  // the largest hub id
    // A contractor is a member of both hubs.
    admin_expect(server, "POST", "/admin/v1/users",
                 {{"user_id", doomed.user_id}, {"email", "temporary-hub@example.test"},
                  {"hub_ids", {kept.hub_id, doomed.hub_id}}},
                 200);
    const held_authority held = hold(server, doomed);

    CHECK(server.admin("DELETE", hub_path(doomed.hub_id)).status == 204);

    check_all_refused(server, doomed, held);
    // The user lists only the hubs that exist, and posting it back as returned is accepted.
    json user = admin_expect(server, "GET", user_path(doomed.user_id), nullptr, 200);
    CHECK(user.at("hub_ids") == json::array({kept.hub_id}));
    admin_expect(server, "POST", "/admin/v1/users", user, 200);
    // A new hub gets an id of its own, and the old hub's members are not members of it.
    const json secret = admin_expect(server, "POST", "/admin/v1/hubs", {{"hub_domain", "secret-customer.test"}}, 201);
    const auto secret_id = secret.at("hub_id").get<std::int64_t>();
    CHECK(secret_id > doomed.hub_id);
    const http_response minted = server.admin("POST", "/admin/v1/authorization-codes",
                                              {{"client_id", doomed.client_id},
                                               {"hub_id", secret_id},
                                               {"user_id", doomed.user_id},
                                               {"redirect_uri", doomed.redirect_uri},
                                               {"scopes", {"oauth"}}});
    check_error(minted, 400, "BAD_HUB");
    // Everything of the other hub still works.
    CHECK(issue_tokens(server, kept).access_token.size() > 0);
}

TEST_CASE("deleting a user: their unused code dies though another user installed since, and ids are never reused") {
    server_process server;
    server.start();
    const admin_sandbox s = make_sandbox(server, "contractor");
    const std::string code_of_a = issue_code(server, s);  // never exchanged
    // User B approves the same app on the same hub: the install is B's now.
    const json b = admin_expect(server, "POST", "/admin/v1/users",
                                {{"email", "b@example.test"}, {"hub_ids", {s.hub_id}}}, 201);
    admin_sandbox as_b = s;
    as_b.user_id = b.at("user_id").get<std::int64_t>();
    const held_authority of_b = hold(server, as_b);

    CHECK(server.admin("DELETE", user_path(s.user_id)).status == 204);
    check_error(exchange_code_raw(server.port(), s, code_of_a), 400, "BAD_AUTH_CODE");

    // B, the user with the largest id, goes too; a new user gets another id, and B's token is
    // refused rather than answered in the new user's name.
    CHECK(server.admin("DELETE", user_path(as_b.user_id)).status == 204);
    const json eve = admin_expect(server, "POST", "/admin/v1/users",
                                  {{"email", "eve@example.test"}, {"hub_ids", {s.hub_id}}}, 201);
    CHECK(eve.at("user_id").get<std::int64_t>() > as_b.user_id);
    check_all_refused(server, as_b, of_b);
}

TEST_CASE("deleting an app: its codes, tokens and open consent forms die; made again under its id, nothing revives") {
    server_process server;
    server.start();
    const admin_sandbox s = make_sandbox(server, "doomed-app");  // the largest app id
    const held_authority held = hold(server, s);
    const std::string form = open_consent_form(server, s);

    CHECK(server.admin("DELETE", app_path(s.app_id)).status == 204);
    check_all_refused(server, s, held, /*app_gone=*/true);

    // Created again on purpose, under the same id and client_id.
    admin_sandbox again = s;
    again.client_secret = "the-same-app-again-0123456789";
    admin_expect(server, "POST", "/admin/v1/apps",
                 {{"app_id", s.app_id},
                  {"name", "app doomed-app"},
                  {"client_id", s.client_id},
                  {"client_secret", again.client_secret},
                  {"redirect_uris", {s.redirect_uri}},
                  {"scopes", {"oauth"}}},
                 201);
    check_all_refused(server, again, held);
    const http_response approved = post_form(server.port(), "/oauth/authorize",
                                             {{"csrf_token", form},
                                              {"user_id", std::to_string(s.user_id)},
                                              {"hub_id", std::to_string(s.hub_id)},
                                              {"action", "approve"}});
    CHECK(approved.status == 400);
    CHECK(approved.header("Location").empty());
    CHECK(approved.body.find("Request expired") != std::string::npos);
    // A new app without an id never gets the deleted one's.
    const admin_sandbox next = make_sandbox(server, "next-app");
    CHECK(next.app_id > s.app_id);
    CHECK(issue_tokens(server, again).access_token.size() > 0);
}

TEST_CASE("uninstalling: the install's codes and tokens die; authorizing again makes an install with a new id") {
    server_process server;
    server.start();
    const admin_sandbox s = make_sandbox(server, "reinstalled");
    const held_authority held = hold(server, s);
    const auto before = installs_of(server, s.hub_id, s.app_id);
    REQUIRE(before.size() == 1);

    CHECK(server.admin("DELETE", install_path(s.hub_id, s.app_id)).status == 204);
    check_all_refused(server, s, held);

    const token_grant fresh = issue_tokens(server, s);
    const auto after = installs_of(server, s.hub_id, s.app_id);
    REQUIRE(after.size() == 2);
    CHECK(after[1].at("install_id").get<std::int64_t>() > before[0].at("install_id").get<std::int64_t>());
    check_all_refused(server, s, held);  // the new install brings nothing of the old one back
    CHECK(get_access_token(server.port(), fresh.access_token).status == 200);
}

TEST_CASE("a misspelt or unknown field is refused with 400 naming it, in every admin body and seed entry") {
    server_process server;
    server.start();
    const admin_sandbox s = make_sandbox(server, "fields");
    const json apps_before = results_of(server, "apps");
    const json hubs_before = results_of(server, "hubs");
    const json users_before = results_of(server, "users");
    const json clock_before = admin_expect(server, "GET", "/admin/v1/clock", nullptr, 200);

    struct bad_case {
        const char* method;
        const char* path;
        json body;
        std::string field;     // the unknown member, named in errors[]
        std::string position;  // where the message says it is
        std::string hint;      // what the message offers instead
    };
    const json app = {{"name", "Typo"}, {"redirect_uri", {"http://localhost:3000/cb"}}, {"scopes", {"oauth"}}};
    const std::vector<bad_case> cases = {
        {"POST", "/admin/v1/apps", app, "redirect_uri", "in an app", "redirect_uris"},
        {"POST", "/admin/v1/hubs", {{"hub_domain", "colour.test"}, {"colour", "blue"}}, "colour", "in a hub", "hub_domain"},
        {"POST", "/admin/v1/users", {{"email", "x@fields.test"}, {"hub_id", s.hub_id}}, "hub_id", "in a user", "hub_ids"},
        {"POST", "/admin/v1/seed", {{"apps", {app}}}, "redirect_uri", "apps[0]: unknown field", "redirect_uris"},
        {"POST", "/admin/v1/seed", {{"hubs", {{{"hub_domain", "a.test"}}, {{"hub_domain", "b.test"}, {"colour", 1}}}}},
         "colour", "hubs[1]: unknown field", "hublet"},
        {"POST", "/admin/v1/seed", {{"user", json::array()}}, "user", "in a seed", "users"},
        {"POST", "/admin/v1/authorization-codes",
         {{"client_id", s.client_id}, {"hub_id", s.hub_id}, {"user_id", s.user_id}, {"redirect_uri", s.redirect_uri},
          {"scopes", s.scopes}, {"scope", "oauth"}},
         "scope", "in the body", "code_challenge"},
        {"POST", "/admin/v1/clock", {{"advance_seconds", 60}, {"advance_minutes", 1}}, "advance_minutes", "in the body",
         "advance_seconds"},
        {"PUT", "/admin/v1/storage-faults", {{"readonly", true}}, "readonly", "in the body", "read_only"},
        {"PUT", "/admin/v1/auto-approve", {{"user_id", s.user_id}, {"hub_id", s.hub_id}, {"enabled", true}}, "enabled",
         "in the body", "user_id"},
        {"POST", "/admin/v1/reset", {{"everything", true}}, "everything", "in the body", "takes none"},
        {"POST", "/admin/v1/sandboxes", {{"name", "typo"}, {"ttl", 60}}, "ttl", "in the body", "ttl_seconds"},
        {"POST", "/admin/v1/sandboxes", {{"seed", {{"apps", {app}}}}}, "redirect_uri", "apps[0]: unknown field",
         "redirect_uris"},
    };
    for (const auto& c : cases) {
        INFO(c.method << " " << c.path << " " << c.body.dump());
        const http_response r = server.admin(c.method, c.path, c.body);
        check_error(r, 400, "VALIDATION_ERROR");
        CHECK_MESSAGE(has_field(r, c.field), "errors do not name " << c.field << ": " << r.body);
        const std::string message = error_message(r);
        CHECK(message.find("unknown field '" + c.field + "'") != std::string::npos);
        CHECK(message.find(c.position) != std::string::npos);
        CHECK(message.find(c.hint) != std::string::npos);
    }
    // Nothing was stored or changed, and the server still serves the sandbox it had.
    CHECK(results_of(server, "apps") == apps_before);
    CHECK(results_of(server, "hubs") == hubs_before);
    CHECK(results_of(server, "users") == users_before);
    CHECK(results_of(server, "installs").empty());
    CHECK(admin_expect(server, "GET", "/admin/v1/clock", nullptr, 200).at("offset_seconds") ==
          clock_before.at("offset_seconds"));
    CHECK(admin_expect(server, "GET", "/admin/v1/storage-faults", nullptr, 200).at("read_only") == false);
    CHECK(admin_expect(server, "GET", "/admin/v1/auto-approve", nullptr, 200).at("enabled") == false);
    CHECK(results_of(server, "sandboxes").empty());

    // A restore's body goes through the same check.
    const std::string sandbox_id = admin_expect(server, "POST", "/admin/v1/sandboxes", json::object(), 201).at("id");
    const http_response restore = server.admin("POST", "/admin/v1/sandboxes/" + sandbox_id + "/restore",
                                               json{{"snapshot", "snap-0000000000000000"}});
    check_error(restore, 400, "VALIDATION_ERROR");
    CHECK(has_field(restore, "snapshot"));
    CHECK(error_message(restore).find("unknown field 'snapshot' in the body (its fields: snapshot_id)") !=
          std::string::npos);

    // Members starting with "_" are comments, as in seed files.
    json commented = app;
    commented.erase("redirect_uri");
    commented["redirect_uris"] = {"http://localhost:3000/cb"};
    commented["_comment"] = "kept out of the record";
    const json made = admin_expect(server, "POST", "/admin/v1/apps", commented, 201);
    CHECK_FALSE(made.contains("_comment"));
}

TEST_CASE("a body that is not JSON is refused with the line and column of the first error") {
    server_process server;
    server.start();
    const header_list admin = {{"Authorization", "Bearer " + server.admin_key()},
                               {"Content-Type", "application/json"}};
    const auto message_of = error_message;

    const http_response trailing = http_request(server.port(), "POST", "/admin/v1/seed", admin,
                                                "{\n  \"hubs\": [],\n  \"users\": [],\n}\n");
    check_error(trailing, 400, "BAD_REQUEST");
    CHECK(message_of(trailing).find("not valid JSON: line 4, column 1:") != std::string::npos);
    CHECK(message_of(trailing).find("(a trailing comma?)") != std::string::npos);

    const http_response unquoted = http_request(server.port(), "POST", "/admin/v1/apps", admin, "{\"name\": Demo}");
    check_error(unquoted, 400, "BAD_REQUEST");
    CHECK(message_of(unquoted).find("line 1, column 10:") != std::string::npos);

    // The message never quotes the body: bytes that are not UTF-8 still give a JSON answer.
    const http_response binary = http_request(server.port(), "POST", "/admin/v1/hubs", admin, "{\"hub_domain\": \"\xff\xfe");
    check_error(binary, 400, "BAD_REQUEST");
    CHECK(message_of(binary).find("line 1, column 17:") != std::string::npos);

    const http_response empty = http_request(server.port(), "POST", "/admin/v1/clock", admin, "");
    check_error(empty, 400, "BAD_REQUEST");
    CHECK(message_of(empty).find("the body is empty") != std::string::npos);
    CHECK(results_of(server, "apps").empty());
    CHECK(results_of(server, "hubs").empty());
}

TEST_CASE("users name hubs by domain, and a domain belongs to one hub") {
    server_process server;
    server.start();
    // A seed whose hubs have no ids: its users name them by domain.
    const json document = {
        {"hubs", {{{"hub_domain", "acme.hubspot.com"}}, {{"hub_domain", "acme-eu.hubspot.com"}, {"hublet", "eu1"}}}},
        {"users", {{{"email", "ann@acme.test"}, {"hub_domains", {"acme.hubspot.com", "acme-eu.hubspot.com"}}}}},
    };
    const json first = admin_expect(server, "POST", "/admin/v1/seed", document, 200);
    REQUIRE(first.at("hubs").size() == 2);
    const std::int64_t acme = first.at("hubs")[0].at("hub_id");
    const std::int64_t acme_eu = first.at("hubs")[1].at("hub_id");
    CHECK(first.at("users")[0].at("hub_ids") == json({acme, acme_eu}));
    // Loading it again changes nothing (the hubs are found by domain, not made twice).
    const json hubs = results_of(server, "hubs");
    const json users = results_of(server, "users");
    admin_expect(server, "POST", "/admin/v1/seed", document, 200);
    CHECK(results_of(server, "hubs") == hubs);
    CHECK(results_of(server, "users") == users);

    // The admin API takes the same field, beside hub_ids.
    const std::int64_t other =
        admin_expect(server, "POST", "/admin/v1/hubs", {{"hub_domain", "other.test"}}, 201).at("hub_id");
    const json bob = admin_expect(server, "POST", "/admin/v1/users",
                                  {{"email", "bob@acme.test"}, {"hub_ids", {other}}, {"hub_domains", {"acme.hubspot.com"}}},
                                  201);
    CHECK(bob.at("hub_ids") == json({other, acme}));
    const http_response unknown = server.admin("POST", "/admin/v1/users",
                                               {{"email", "cy@acme.test"}, {"hub_domains", {"nowhere.hubspot.com"}}});
    check_error(unknown, 400, "BAD_HUB");
    CHECK(error_message(unknown).find("nowhere.hubspot.com") != std::string::npos);

    // A second hub with a domain in use is refused, by the API and within a seed.
    const http_response twice = server.admin("POST", "/admin/v1/hubs", {{"hub_id", 777001}, {"hub_domain", "acme.hubspot.com"}});
    check_error(twice, 409, "CONFLICT");
    CHECK(error_message(twice).find("belongs to hub " + std::to_string(acme)) != std::string::npos);
    const json doubled = {{"hubs",
                           {{{"hub_id", 90211}, {"hub_domain", "twice.hubspot.com"}},
                            {{"hub_id", 777002}, {"hub_domain", "twice.hubspot.com"}}}}};
    check_error(server.admin("POST", "/admin/v1/seed", doubled), 409, "CONFLICT");
    check_error(server.admin("GET", hub_path(90211)), 404, "NOT_FOUND");
    // Renaming a hub to another's domain is refused too; keeping its own is not a conflict.
    check_error(server.admin("POST", "/admin/v1/hubs", {{"hub_id", other}, {"hub_domain", "acme-eu.hubspot.com"}}), 409,
                "CONFLICT");
    CHECK(server.admin("POST", "/admin/v1/hubs", {{"hub_id", other}, {"hub_domain", "other.test"}}).status == 200);
    CHECK(results_of(server, "hubs").size() == 3);
}

TEST_CASE("reset: POST /admin/v1/reset starts the sandbox over, keeping the admin key and the pepper") {
    server_process server;
    server.start();
    const admin_sandbox s = make_sandbox(server, "reset");
    const token_grant tokens = issue_tokens(server, s);
    const std::string unused_code = issue_code(server, s);
    admin_expect(server, "POST", "/admin/v1/clock", {{"advance_seconds", 1860}}, 200);
    const std::string pepper = read_bytes(server.db_path() + ".pepper");
    REQUIRE_FALSE(pepper.empty());

    // A 405 is the transport's answer, outside the admin contract: sent without the contract check.
    check_error(http_request(server.port(), "GET", "/admin/v1/reset", {{"Authorization", "Bearer " + server.admin_key()}}),
                405, "METHOD_NOT_ALLOWED");
    const http_response reset = http_request(server.port(), "POST", "/admin/v1/reset",
                                             {{"Authorization", "Bearer " + server.admin_key()}});
    REQUIRE_MESSAGE(reset.status == 200, reset.body);
    CHECK(reset.header("Content-Type") == app_json_ct);
    CHECK(reset.json().at("reset") == true);
    CHECK(reset.json().at("offset_seconds") == 0);

    // Everything is gone, and the clock is back to real time.
    for (const char* collection : {"apps", "hubs", "users", "installs"}) {
        CAPTURE(collection);
        CHECK(results_of(server, collection).empty());
    }
    const json clock = admin_expect(server, "GET", "/admin/v1/clock", nullptr, 200);
    CHECK(clock.at("offset_seconds") == 0);
    const std::int64_t wall = static_cast<std::int64_t>(std::time(nullptr));
    CHECK(clock.at("now").get<std::int64_t>() <= wall + 60);
    check_error(get_access_token(server.port(), tokens.access_token), 401, "INVALID_TOKEN");
    CHECK(get_refresh_token(server.port(), tokens.refresh_token).status == 401);
    check_error(exchange_code_raw(server.port(), s, unused_code), 401, "BAD_CLIENT_ID");

    // The same objects made again start clean: the old tokens and code stay dead.
    admin_expect(server, "POST", "/admin/v1/seed",
                 {{"hubs", {{{"hub_id", s.hub_id}, {"hub_domain", "reset-again.test"}}}},
                  {"users", {{{"user_id", s.user_id}, {"email", "again@reset.test"}, {"hub_ids", {s.hub_id}}}}},
                  {"apps",
                   {{{"app_id", s.app_id},
                     {"name", "again"},
                     {"client_id", s.client_id},
                     {"client_secret", s.client_secret},
                     {"redirect_uris", {s.redirect_uri}},
                     {"scopes", s.scopes}}}}},
                 200);
    check_error(get_access_token(server.port(), tokens.access_token), 401, "INVALID_TOKEN");
    check_error(exchange_code_raw(server.port(), s, unused_code), 400, "BAD_AUTH_CODE");
    const token_grant fresh = issue_tokens(server, s);
    CHECK(fresh.expires_in == 1800);
    CHECK(get_access_token(server.port(), fresh.access_token).json().at("expires_in").get<std::int64_t>() > 1700);

    // An empty object is a reset too; the reset lasts across a restart, with the same pepper.
    CHECK(server.admin("POST", "/admin/v1/reset", json::object()).status == 200);
    server.restart();
    CHECK(read_bytes(server.db_path() + ".pepper") == pepper);
    CHECK(results_of(server, "apps").empty());
    CHECK(admin_expect(server, "GET", "/admin/v1/clock", nullptr, 200).at("offset_seconds") == 0);
    check_error(get_access_token(server.port(), fresh.access_token), 401, "INVALID_TOKEN");
}

// ---- Sandboxes (issue 15; docs/sandboxes.md) ----

#include "support/sandbox_client.hpp"

namespace {

// HubSpot's error body with this status and HubSpot status, and a correlation id.
void check_hubspot_error(const http_response& r, int status, const std::string& hubspot_status) {
    CHECK(r.status == status);
    CHECK(r.header("Content-Type") == app_json_ct);
    const json body = json::parse(r.body, nullptr, false);
    REQUIRE(body.is_object());
    CHECK(body.value("status", "") == hubspot_status);
    CHECK(!body.value("message", "").empty());
    CHECK(body.value("correlationId", "") == r.header("X-HubSpot-Correlation-Id"));
}

}  // namespace

TEST_CASE("sandboxes: a new sandbox serves the whole flow under its prefix, with its own key") {
    server_process server;
    server.start();
    const http_response created = server.admin("POST", "/admin/v1/sandboxes", json{{"name", "suite one"}});
    REQUIRE(created.status == 201);
    const json body = created.json();
    const std::string id = body.at("id");
    CHECK(body.at("name") == "suite one");
    CHECK(body.at("base_url") == "http://127.0.0.1:" + std::to_string(server.port()) + "/sandboxes/" + id);
    CHECK(body.at("admin_key").get<std::string>().size() >= 43);
    sandbox_client s{server.port(), id, "/sandboxes/" + id, body.at("admin_key")};

    // Its admin API takes its own key and the server's, and nothing else.
    const world w = seed_world(s, "one");
    CHECK(s.admin("GET", "/admin/v1/apps", nullptr, server.admin_key()).status == 200);
    check_hubspot_error(s.admin("GET", "/admin/v1/apps", nullptr, "not-the-key-0123456789"), 401,
                        "INVALID_AUTHENTICATION");
    check_hubspot_error(http_request(server.port(), "GET", s.prefix + "/admin/v1/apps"), 401, "INVALID_AUTHENTICATION");
    // Its own key is not the server's: the root's admin API refuses it.
    check_hubspot_error(root_sandbox(server).admin("GET", "/admin/v1/apps", nullptr, s.admin_key), 401,
                        "INVALID_AUTHENTICATION");

    // The whole v1 flow, exactly as at the root.
    const issued_tokens t = issue(s, w);
    const http_response info = s.get("/oauth/v1/access-tokens/" + t.access_token);
    REQUIRE(info.status == 200);
    CHECK(info.json().at("hub_id") == w.hub_id);
    CHECK(info.json().at("expires_in").get<std::int64_t>() >= 1797);
    CHECK(s.get("/oauth/v1/refresh-tokens/" + t.refresh_token).status == 200);
    CHECK(refresh_with(s, w, t.refresh_token).status == 200);
    CHECK(s.del("/oauth/v1/refresh-tokens/" + t.refresh_token).status == 204);
    check_hubspot_error(refresh_with(s, w, t.refresh_token), 400, "BAD_REFRESH_TOKEN");

    // The consent page posts back under the prefix.
    const http_response page = s.get("/oauth/authorize?client_id=" + w.client_id + "&redirect_uri=" +
                                     url_encode(w.redirect_uri) + "&scope=oauth%20crm.objects.contacts.read");
    REQUIRE(page.status == 200);
    CHECK(page.body.find("action=\"/sandboxes/" + id + "/oauth/authorize\"") != std::string::npos);

    // Listing and describing it; sandboxes do not nest; unknown ids are 404 with HubSpot's body.
    const json listed = server.admin("GET", "/admin/v1/sandboxes").json().at("results");
    REQUIRE(listed.size() == 1);
    CHECK(listed[0].at("id") == id);
    CHECK(s.admin("GET", "/admin/v1/sandboxes/" + id, nullptr, server.admin_key()).status == 404);
    CHECK(http_request(server.port(), "GET", "/admin/v1/sandboxes/" + id,
                       {{"Authorization", "Bearer " + s.admin_key}})
              .status == 200);
    check_hubspot_error(http_request(server.port(), "GET", "/sandboxes/0123456789abcdef/oauth/v1/access-tokens/x"),
                        404, "NOT_FOUND");
    check_hubspot_error(http_request(server.port(), "GET", "/sandboxes/" + id), 404, "NOT_FOUND");
    // The request log shows the whole path.
    const std::string token_path = "/sandboxes/" + id + "/oauth/v1/token";
    CHECK(server.log_text_with(token_path).find(token_path) != std::string::npos);
}

TEST_CASE("sandboxes: a token, code or client of one sandbox is unknown in every other, and clocks are their own") {
    server_process server;
    server.start();
    const sandbox_client root = root_sandbox(server);
    const sandbox_client a = create_sandbox(server);
    const sandbox_client b = create_sandbox(server);
    // The same client id in A and B (different secrets), and none at the root.
    world wa = seed_world(a, "shared");
    world wb = wa;
    wb.client_secret = "client-secret-of-b";
    REQUIRE(b.admin("POST", "/admin/v1/apps",
                    {{"name", "App of B"}, {"client_id", wb.client_id}, {"client_secret", wb.client_secret},
                     {"redirect_uris", {wb.redirect_uri}}, {"scopes", {"oauth", "crm.objects.contacts.read"}}})
                .status == 201);
    REQUIRE(b.admin("POST", "/admin/v1/hubs", {{"hub_id", wb.hub_id}, {"hub_domain", "b.example.com"}}).status == 201);
    REQUIRE(b.admin("POST", "/admin/v1/users", {{"user_id", wb.user_id}, {"email", "b@example.com"}, {"hub_ids", {wb.hub_id}}})
                .status == 201);
    const issued_tokens ta = issue(a, wa);
    const issued_tokens tb = issue(b, wb);

    // A never-existing token's answer is the answer for A's tokens in B and at the root.
    const std::string never = "C" + std::string(54, 'A');
    for (const sandbox_client* other : {&b, &root}) {
        check_hubspot_error(other->get("/oauth/v1/access-tokens/" + ta.access_token), 401, "INVALID_TOKEN");
        check_hubspot_error(other->get("/oauth/v1/access-tokens/" + never), 401, "INVALID_TOKEN");
        check_hubspot_error(other->get("/oauth/v1/refresh-tokens/" + ta.refresh_token), 401, "INVALID_TOKEN");
    }
    // A's refresh token with B's credentials, A's code in B, A's client secret in B, A's client at the root.
    check_hubspot_error(refresh_with(b, wb, ta.refresh_token), 400, "BAD_REFRESH_TOKEN");
    const std::string fresh_code_a = a.admin("POST", "/admin/v1/authorization-codes",
                                             {{"client_id", wa.client_id}, {"hub_id", wa.hub_id}, {"user_id", wa.user_id},
                                              {"redirect_uri", wa.redirect_uri},
                                              {"scopes", {"oauth", "crm.objects.contacts.read"}}})
                                        .json()
                                        .at("code");
    check_hubspot_error(b.form("/oauth/v1/token", {{"grant_type", "authorization_code"}, {"client_id", wb.client_id},
                                                   {"client_secret", wb.client_secret}, {"redirect_uri", wb.redirect_uri},
                                                   {"code", fresh_code_a}}),
                        400, "BAD_AUTH_CODE");
    check_hubspot_error(refresh_with(b, wa, tb.refresh_token), 401, "BAD_CLIENT_SECRET");
    check_hubspot_error(refresh_with(root, wa, ta.refresh_token), 401, "BAD_CLIENT_ID");
    // Revoking A's token in B touches nothing of A's.
    b.del("/oauth/v1/refresh-tokens/" + ta.refresh_token);
    CHECK(refresh_with(a, wa, ta.refresh_token).status == 200);
    // Admin listings are per sandbox.
    CHECK(a.admin("GET", "/admin/v1/apps").json().at("results").size() == 1);
    CHECK(root.admin("GET", "/admin/v1/apps").json().at("results").empty());

    // A's clock moves alone: A's token expires, B's and the root's clocks stay.
    advance(a, 1860);
    check_hubspot_error(a.get("/oauth/v1/access-tokens/" + ta.access_token), 401, "EXPIRED_AUTHENTICATION");
    CHECK(b.get("/oauth/v1/access-tokens/" + tb.access_token).status == 200);
    CHECK(clock_offset(a) == 1860);
    CHECK(clock_offset(b) == 0);
    CHECK(clock_offset(root) == 0);
}

TEST_CASE("sandboxes: a snapshot and a restore put the sandbox back, tokens, revocations and clock") {
    server_process server;
    server.start();
    const sandbox_client s = create_sandbox(server);
    const world w = seed_world(s, "snap");
    const issued_tokens before = issue(s, w);
    advance(s, 100);

    const http_response snapped = http_request(server.port(), "POST", "/admin/v1/sandboxes/" + s.id + "/snapshots",
                                               {{"Authorization", "Bearer " + s.admin_key}});
    REQUIRE(snapped.status == 201);
    const std::string snapshot_id = snapped.json().at("snapshot_id");

    const issued_tokens after = issue(s, w);
    REQUIRE(s.del("/oauth/v1/refresh-tokens/" + before.refresh_token).status == 204);
    advance(s, 5000);
    REQUIRE(s.admin("POST", "/admin/v1/apps",
                    {{"name", "late"}, {"redirect_uris", {"http://localhost/x"}}, {"scopes", {"oauth"}}})
                .status == 201);

    const http_response restored = server.admin("POST", "/admin/v1/sandboxes/" + s.id + "/restore",
                                                json{{"snapshot_id", snapshot_id}});
    REQUIRE(restored.status == 200);
    CHECK(restored.json().at("snapshots") == json::array({snapshot_id}));
    // Issued after the snapshot: gone. Revoked after it: alive. The clock: back to 100.
    check_hubspot_error(s.get("/oauth/v1/access-tokens/" + after.access_token), 401, "INVALID_TOKEN");
    check_hubspot_error(refresh_with(s, w, after.refresh_token), 400, "BAD_REFRESH_TOKEN");
    CHECK(s.get("/oauth/v1/access-tokens/" + before.access_token).status == 200);
    CHECK(refresh_with(s, w, before.refresh_token).status == 200);
    CHECK(clock_offset(s) == 100);
    CHECK(s.admin("GET", "/admin/v1/apps").json().at("results").size() == 1);

    // A restore twice over is the same world; a new sandbox can start from the snapshot.
    REQUIRE(server.admin("POST", "/admin/v1/sandboxes/" + s.id + "/restore", json{{"snapshot_id", snapshot_id}})
                .status == 200);
    CHECK(s.get("/oauth/v1/access-tokens/" + before.access_token).status == 200);
    const sandbox_client copy = create_sandbox(server, {{"from", snapshot_id}});
    CHECK(copy.get("/oauth/v1/access-tokens/" + before.access_token).status == 200);
    CHECK(clock_offset(copy) == 100);
    const sandbox_client live_copy = create_sandbox(server, {{"from", s.id}});
    CHECK(live_copy.admin("GET", "/admin/v1/apps").json().at("results").size() == 1);

    // Another sandbox's snapshot, or none, is not this sandbox's.
    check_hubspot_error(server.admin("POST", "/admin/v1/sandboxes/" + copy.id + "/restore",
                                     json{{"snapshot_id", snapshot_id}}),
                        404, "NOT_FOUND");
    check_hubspot_error(server.admin("POST", "/admin/v1/sandboxes/" + s.id + "/restore", json::object()), 400,
                        "VALIDATION_ERROR");
    check_hubspot_error(server.admin("POST", "/admin/v1/sandboxes", json{{"from", "snap-0000000000000000"}}), 400,
                        "VALIDATION_ERROR");
    // Another sandbox's key cannot snapshot this one.
    check_hubspot_error(http_request(server.port(), "POST", "/admin/v1/sandboxes/" + s.id + "/snapshots",
                                     {{"Authorization", "Bearer " + copy.admin_key}}),
                        401, "INVALID_AUTHENTICATION");
}

TEST_CASE("sandboxes: a seeded sandbox; deletion removes it, its files and its snapshots") {
    server_process server;
    server.start();
    const json seed = {{"apps", json::array({{{"name", "seeded"}, {"client_id", "seeded-client"},
                                              {"redirect_uris", {"http://localhost/cb"}}, {"scopes", {"oauth"}}}})}};
    const http_response created = server.admin("POST", "/admin/v1/sandboxes", json{{"seed", seed}});
    REQUIRE(created.status == 201);
    const json body = created.json();
    const std::string id = body.at("id");
    CHECK(body.at("seed").at("apps").at(0).at("client_secret").get<std::string>().size() >= 64);
    sandbox_client s{server.port(), id, "/sandboxes/" + id, body.at("admin_key")};
    CHECK(s.admin("GET", "/admin/v1/apps").json().at("results").at(0).at("client_id") == "seeded-client");
    REQUIRE(http_request(server.port(), "POST", "/admin/v1/sandboxes/" + id + "/snapshots",
                         {{"Authorization", "Bearer " + s.admin_key}})
                .status == 201);
    const std::string dir = server.db_path() + ".sandboxes";
    CHECK(!read_bytes(dir + "/" + id + ".db").empty());

    // A bad seed creates nothing.
    const json bad_seed = {{"apps", json::array({{{"name", "no uris"}}})}};
    CHECK(server.admin("POST", "/admin/v1/sandboxes", json{{"seed", bad_seed}}).status == 400);
    CHECK(server.admin("GET", "/admin/v1/sandboxes").json().at("results").size() == 1);

    CHECK(server.admin("DELETE", "/admin/v1/sandboxes/" + id).status == 204);
    check_hubspot_error(s.admin("GET", "/admin/v1/apps"), 404, "NOT_FOUND");
    check_hubspot_error(server.admin("GET", "/admin/v1/sandboxes/" + id), 404, "NOT_FOUND");
    check_hubspot_error(server.admin("DELETE", "/admin/v1/sandboxes/" + id), 404, "NOT_FOUND");
    CHECK(server.admin("GET", "/admin/v1/sandboxes").json().at("results").empty());
    CHECK(sqlite_query(server.db_path(), "SELECT count(*) FROM sandboxes") == "0");
    CHECK(sqlite_query(server.db_path(), "SELECT count(*) FROM sandbox_snapshots") == "0");
    int exit_code = 0;
    const std::string files = run_program({"/usr/bin/find", dir, "-name", "*.db", "-not", "-name", "template.db"}, &exit_code);
    CHECK_MESSAGE(files.empty(), files);
}

TEST_CASE("sandboxes: the count cap answers 429 with HubSpot's body; the size cap cannot be lifted from inside") {
    server_process server({.extra_args = {"--max-sandboxes", "2", "--sandbox-max-page-count", "64"}});
    server.start();
    const sandbox_client a = create_sandbox(server);
    create_sandbox(server);
    const http_response third = server.admin("POST", "/admin/v1/sandboxes", json::object());
    check_hubspot_error(third, 429, "TOO_MANY_REQUESTS");
    CHECK(!third.header("Retry-After").empty());
    CHECK(third.json().at("message").get<std::string>().find("max_sandboxes") != std::string::npos);

    // Lifting the cap through storage faults does not lift the configured size cap.
    REQUIRE(a.admin("PUT", "/admin/v1/storage-faults", {{"read_only", false}, {"max_page_count", 0}}).status == 200);
    const std::string long_uri = "http://localhost/" + std::string(1900, 'x');
    const auto uris = [&](int i) {
        json list = json::array();
        for (int k = 0; k < 5; ++k) list.push_back(long_uri + std::to_string(i) + "-" + std::to_string(k));
        return list;
    };
    int refused = 0;
    for (int i = 0; i < 200 && refused == 0; ++i) {
        const http_response r = a.admin("POST", "/admin/v1/apps",
                                        {{"name", "big " + std::to_string(i)}, {"redirect_uris", uris(i)},
                                         {"scopes", {"oauth"}}});
        if (r.status == 503) {
            refused = 1;
            CHECK(r.header("Retry-After") == "1");
        } else {
            REQUIRE(r.status == 201);
        }
    }
    CHECK(refused == 1);
    // The root has no such cap.
    CHECK(root_sandbox(server).admin("POST", "/admin/v1/apps",
                                     {{"name", "root app"}, {"redirect_uris", uris(1000)}, {"scopes", {"oauth"}}})
              .status == 201);
}

TEST_CASE("sandboxes: idle past its TTL on the server's clock, a sandbox is gone; its own clock does not age it") {
    server_process server;
    server.start();
    const sandbox_client short_lived = create_sandbox(server, {{"ttl_seconds", 3600}});
    const sandbox_client forever = create_sandbox(server, {{"ttl_seconds", 0}});
    const sandbox_client by_default = create_sandbox(server);  // sandbox_ttl_s: a day
    // A sandbox's own clock is not the server's.
    advance(short_lived, 100000);
    CHECK(short_lived.admin("GET", "/admin/v1/apps").status == 200);
    // Used at 1,800 s, idle from then on: still there at 3,600 s, gone at 5,401 s.
    advance(root_sandbox(server), 1800);
    CHECK(short_lived.admin("GET", "/admin/v1/apps").status == 200);
    advance(root_sandbox(server), 1800);
    CHECK(short_lived.admin("GET", "/admin/v1/apps").status == 200);
    advance(root_sandbox(server), 3601);
    check_hubspot_error(short_lived.admin("GET", "/admin/v1/apps"), 404, "NOT_FOUND");
    check_hubspot_error(server.admin("GET", "/admin/v1/sandboxes/" + short_lived.id), 404, "NOT_FOUND");
    CHECK(by_default.admin("GET", "/admin/v1/apps").status == 200);
    advance(root_sandbox(server), 86401);
    check_hubspot_error(by_default.admin("GET", "/admin/v1/apps"), 404, "NOT_FOUND");
    CHECK(forever.admin("GET", "/admin/v1/apps").status == 200);
    const json listed = server.admin("GET", "/admin/v1/sandboxes").json().at("results");
    REQUIRE(listed.size() == 1);
    CHECK(listed[0].at("id") == forever.id);
}

TEST_CASE("sandboxes: fault rules, the event journal and the report are each sandbox's own") {
    server_process server;
    server.start();
    const sandbox_client root = root_sandbox(server);
    const sandbox_client a = create_sandbox(server);
    const sandbox_client b = create_sandbox(server);
    const world wa = seed_world(a, "faulted");
    const world wb = seed_world(b, "calm");
    const issued_tokens ta = issue(a, wa);
    const issued_tokens tb = issue(b, wb);

    // A rule added in A fires in A only, and only A lists it.
    const http_response added = a.admin("POST", "/admin/v1/faults",
                                        {{"match", {{"grant_type", "refresh_token"}}},
                                         {"action", {{"kind", "server_error"}, {"status", 502}}}});
    REQUIRE(added.status == 201);
    check_hubspot_error(refresh_with(a, wa, ta.refresh_token), 502, "BAD_GATEWAY");
    CHECK(refresh_with(b, wb, tb.refresh_token).status == 200);
    CHECK(a.admin("GET", "/admin/v1/faults").json().at("results").at(0).at("fired") == 1);
    CHECK(b.admin("GET", "/admin/v1/faults").json().at("results").empty());
    CHECK(root.admin("GET", "/admin/v1/faults").json().at("results").empty());

    // Each journal holds its own world's events: A's fault, B's refresh, nothing at the root.
    const json events_a = a.admin("GET", "/admin/v1/events?limit=1000").json().at("results");
    const json events_b = b.admin("GET", "/admin/v1/events?limit=1000").json().at("results");
    const auto count_kind = [](const json& events, std::string_view kind) {
        return std::count_if(events.begin(), events.end(), [&](const json& e) { return e.at("kind") == kind; });
    };
    CHECK(count_kind(events_a, "fault") == 1);
    CHECK(count_kind(events_a, "refresh") == 0);
    CHECK(count_kind(events_b, "fault") == 0);
    CHECK(count_kind(events_b, "refresh") == 1);
    for (const json& e : events_b) CHECK(e.at("client_id") != wa.client_id);
    CHECK(root.admin("GET", "/admin/v1/events?kind=refresh").json().at("results").empty());

    // The report is read from the sandbox's journal, for the sandbox's apps.
    const json apps_a = a.admin("GET", "/admin/v1/apps").json().at("results");
    REQUIRE(apps_a.size() == 1);
    const http_response report_a = a.admin("GET", "/admin/v1/apps/" + std::to_string(apps_a[0].at("app_id").get<std::int64_t>()) + "/report");
    REQUIRE(report_a.status == 200);
    CHECK(report_a.json().at("client_id") == wa.client_id);
    CHECK(report_a.json().at("events").get<std::int64_t>() >= 2);

    // Snapshots hold the world's rows, not its controls (docs/sandboxes.md): a restore, and a
    // sandbox made from the snapshot, start with no fault rules and an empty journal.
    const http_response snapped = server.admin("POST", "/admin/v1/sandboxes/" + a.id + "/snapshots");
    REQUIRE(snapped.status == 201);
    const std::string snapshot_id = snapped.json().at("snapshot_id");
    REQUIRE(server.admin("POST", "/admin/v1/sandboxes/" + a.id + "/restore", json{{"snapshot_id", snapshot_id}})
                .status == 200);
    CHECK(a.admin("GET", "/admin/v1/faults").json().at("results").empty());
    CHECK(a.admin("GET", "/admin/v1/events?limit=1000").json().at("results").empty());
    CHECK(refresh_with(a, wa, ta.refresh_token).status == 200);  // the rule is gone, the token is back
    const sandbox_client copy = create_sandbox(server, {{"from", snapshot_id}});
    CHECK(copy.admin("GET", "/admin/v1/faults").json().at("results").empty());
    CHECK(copy.admin("GET", "/admin/v1/events?limit=1000").json().at("results").empty());
    // A creation seed cannot carry rules: refused rather than dropped.
    const http_response seeded = server.admin(
        "POST", "/admin/v1/sandboxes",
        json{{"seed", {{"faults", json::array({{{"match", {{"route", "token"}}},
                                                {"action", {{"kind", "server_error"}, {"status", 503}}}}})}}}});
    check_hubspot_error(seeded, 400, "VALIDATION_ERROR");
    CHECK(has_field(seeded, "faults"));
}


// ---- Operations: GET /metrics and GET /openapi.json ----

namespace {

// The samples of a Prometheus text scrape: `name{labels}` as written → value.
std::map<std::string, double> samples_of(const std::string& text) {
    std::map<std::string, double> out;
    std::size_t start = 0;
    while (start < text.size()) {
        auto end = text.find('\n', start);
        if (end == std::string::npos) end = text.size();
        const std::string line = text.substr(start, end - start);
        start = end + 1;
        if (line.empty() || line.front() == '#') continue;
        const auto space = line.rfind(' ');
        out[line.substr(0, space)] = std::stod(line.substr(space + 1));
    }
    return out;
}

double sample(const std::map<std::string, double>& samples, const std::string& series) {
    const auto it = samples.find(series);
    return it == samples.end() ? 0.0 : it->second;
}

std::string scrape(const server_process& server) {
    const http_response r = http_request(server.port(), "GET", "/metrics");
    REQUIRE(r.status == 200);
    CHECK(r.header("Content-Type") == "text/plain; version=0.0.4; charset=utf-8");
    return r.body;
}

// promtool check metrics (Debian's prometheus package) on `text`: its output, "" when clean.
std::string promtool_problems(const server_process& server, const std::string& text) {
    const std::string file = server.dir() + "/scrape.txt";
    write_text(file, text);
    int exit_code = -1;
    const std::string output =
        run_program({"/bin/sh", "-c", "command -v promtool >/dev/null || { echo 'promtool is missing: "
                                      "./scripts/deps.sh test installs it (Debian package prometheus)'; exit 127; }; "
                                      "promtool check metrics < '" + file + "'"},
                    &exit_code);
    return exit_code == 0 ? std::string() : output.empty() ? "exit " + std::to_string(exit_code) : output;
}

}  // namespace

TEST_CASE("metrics: a scrape passes promtool and its counters move as the requests made") {
    server_process server;
    server.start();
    const admin_sandbox s = make_sandbox(server, "metrics");
    const auto before = samples_of(scrape(server));

    const token_grant tokens = issue_tokens(server, s);                                   // token 200
    REQUIRE(refresh_raw(server.port(), s.client_id, s.client_secret, tokens.refresh_token).status == 200);  // token 200
    REQUIRE(refresh_raw(server.port(), s.client_id, s.client_secret, "na1-nonsense").status == 400);       // token 400
    REQUIRE(get_access_token(server.port(), tokens.access_token).status == 200);
    REQUIRE(http_request(server.port(), "GET", "/no/such/path").status == 404);
    // A fault that fires, and API calls through the gateway: one allowed, one refused.
    add_fault(server, {{"match", {{"route", "access_token_metadata"}}}, {"action", {{"kind", "locked"}}}, {"times", 1}});
    REQUIRE(get_access_token(server.port(), tokens.access_token).status == 423);
    const header_list bearer{{"Authorization", "Bearer " + tokens.access_token}};
    REQUIRE(http_request(server.port(), "GET", "/account-info/v3/details", bearer).status == 200);
    REQUIRE(http_request(server.port(), "GET", "/account-info/v3/details", {{"Authorization", "Bearer na1-x"}}).status == 401);

    const std::string text = scrape(server);
    INFO("scrape:\n" << text);
    const auto after = samples_of(text);
    const auto delta = [&](const std::string& series) { return sample(after, series) - sample(before, series); };

    CHECK(delta(R"(hsoauth_http_requests_total{route="token",version="v1",status="200"})") == 2);
    CHECK(delta(R"(hsoauth_http_requests_total{route="token",version="v1",status="400"})") == 1);
    CHECK(delta(R"(hsoauth_http_requests_total{route="access_token_metadata",version="v1",status="200"})") == 1);
    CHECK(delta(R"(hsoauth_http_requests_total{route="admin.codes.create",version="admin",status="201"})") == 1);
    CHECK(delta(R"(hsoauth_http_requests_total{route="unmatched",version="",status="404"})") == 1);
    // The first scrape counts itself once it is answered.
    CHECK(sample(after, R"(hsoauth_http_requests_total{route="metrics",version="",status="200"})") == 1);
    CHECK(delta(R"(hsoauth_http_request_duration_seconds_count{route="token",version="v1"})") == 3);
    CHECK(sample(after, R"(hsoauth_http_request_duration_seconds_bucket{route="token",version="v1",le="+Inf"})") ==
          sample(after, R"(hsoauth_http_request_duration_seconds_count{route="token",version="v1"})"));
    CHECK(delta(R"(hsoauth_http_refusals_total{hubspot_status="BAD_REFRESH_TOKEN"})") == 1);
    CHECK(delta(R"(hsoauth_token_grants_total{grant_type="authorization_code",outcome="issued"})") == 1);
    CHECK(delta(R"(hsoauth_token_grants_total{grant_type="refresh_token",outcome="issued"})") == 1);
    CHECK(delta(R"(hsoauth_token_grants_total{grant_type="refresh_token",outcome="invalid_grant"})") == 1);
    // Two access tokens (the code's and the refresh's), one refresh token, the code used up.
    CHECK(sample(after, R"(hsoauth_live_objects{kind="access_token"})") == 2);
    CHECK(sample(after, R"(hsoauth_live_objects{kind="refresh_token"})") == 1);
    CHECK(sample(after, R"(hsoauth_live_objects{kind="authorization_code"})") == 0);
    CHECK(sample(after, R"(hsoauth_live_objects{kind="install"})") == 1);
    // Three writes at least (code, exchange, refresh) in committed batches, each flushed.
    CHECK(delta("hsoauth_store_committed_writes_total") >= 3);
    CHECK(delta("hsoauth_store_commits_total") >= 1);
    CHECK(delta(R"(hsoauth_store_batch_writes_count)") == delta("hsoauth_store_commits_total"));
    CHECK(delta(R"(hsoauth_store_commit_duration_seconds_count)") == delta("hsoauth_store_commits_total"));
    CHECK(delta(R"(hsoauth_store_flush_duration_seconds_count)") >= 1);
    CHECK(sample(after, "hsoauth_store_database_bytes") > 0);
    CHECK(sample(after, "hsoauth_store_wal_bytes") > 0);
    CHECK(sample(after, "hsoauth_http_open_connections") >= 1);
    CHECK(sample(after, R"(hsoauth_storage_faults{fault="read_only"})") == 0);
    CHECK(sample(after, "process_resident_memory_bytes") > 0);
    CHECK(sample(after, R"(hsoauth_build_info{version="0.1.0"})") == 1);
    CHECK(delta(R"(hsoauth_faults_fired_total{action="locked",route="access_token_metadata"})") == 1);
    CHECK(delta(R"(hsoauth_gateway_decisions_total{decision="allowed"})") == 1);
    CHECK(delta(R"(hsoauth_gateway_decisions_total{decision="invalid_authentication"})") == 1);
    CHECK(delta(R"(hsoauth_gateway_decisions_total{decision="rate_limited"})") == 0);
    CHECK(text.find("# TYPE hsoauth_gateway_decisions_total counter\n") != std::string::npos);
    CHECK(text.find("# TYPE hsoauth_faults_fired_total counter\n") != std::string::npos);

    CHECK(promtool_problems(server, text) == "");

    SUBCASE("revoking and uninstalling take tokens out of the live counts; storage faults show") {
        REQUIRE(http_request(server.port(), "DELETE", "/oauth/v1/refresh-tokens/" + url_encode(tokens.refresh_token)).status == 204);
        REQUIRE(server.admin("PUT", "/admin/v1/storage-faults", json{{"read_only", true}}).status == 200);
        // A grant is a write: with the store read-only it is refused with 503.
        CHECK(refresh_raw(server.port(), s.client_id, s.client_secret, tokens.refresh_token).status == 503);
        const auto later = samples_of(scrape(server));
        CHECK(sample(later, R"(hsoauth_live_objects{kind="access_token"})") == 0);
        CHECK(sample(later, R"(hsoauth_live_objects{kind="refresh_token"})") == 0);
        CHECK(sample(later, R"(hsoauth_storage_faults{fault="read_only"})") == 1);
        REQUIRE(server.admin("PUT", "/admin/v1/storage-faults", json{{"read_only", false}}).status == 200);
    }
}

TEST_CASE("metrics: throttled clients are counted until their Retry-After has passed on the sandbox clock") {
    server_process server({.extra_args = {"--auth-failure-limit", "2", "--auth-failure-window-s", "60"}});
    server.start();
    const admin_sandbox s = make_sandbox(server, "throttled");
    int statuses[3] = {};
    for (int& status : statuses) status = refresh_raw(server.port(), s.client_id, "wrong-secret", "na1-x").status;
    CHECK(statuses[0] == 401);
    CHECK(statuses[2] == 429);
    auto samples = samples_of(scrape(server));
    CHECK(sample(samples, "hsoauth_throttled_clients") == 1);
    CHECK(sample(samples, R"(hsoauth_token_grants_total{grant_type="refresh_token",outcome="client_throttled"})") >= 1);
    CHECK(sample(samples, R"(hsoauth_http_refusals_total{hubspot_status="BAD_CLIENT_SECRET"})") == 2);

    REQUIRE(server.admin("POST", "/admin/v1/clock", json{{"advance_seconds", 61}}).status == 200);
    samples = samples_of(scrape(server));
    CHECK(sample(samples, "hsoauth_throttled_clients") == 0);
}

TEST_CASE("metrics: open on loopback, behind the admin key or off as metrics_access says") {
    SUBCASE("admin_key") {
        server_process server({.extra_args = {"--metrics-access", "admin_key"}});
        server.start();
        const http_response refused = http_request(server.port(), "GET", "/metrics");
        CHECK(refused.status == 401);
        CHECK(refused.header("WWW-Authenticate") == "Bearer");
        CHECK(refused.json().value("status", "") == "INVALID_AUTHENTICATION");
        const http_response wrong = http_request(server.port(), "GET", "/metrics", {{"Authorization", "Bearer nope-nope-nope-nope"}});
        CHECK(wrong.status == 401);
        const http_response allowed =
            http_request(server.port(), "GET", "/metrics", {{"Authorization", "Bearer " + server.admin_key()}});
        CHECK(allowed.status == 200);
        CHECK(allowed.body.find("hsoauth_http_requests_total") != std::string::npos);
    }
    SUBCASE("off") {
        server_process server({.extra_args = {"--metrics-access", "off"}});
        server.start();
        CHECK(http_request(server.port(), "GET", "/metrics").status == 404);
    }
}

TEST_CASE("openapi.json: one OpenAPI 3.1 document of every route, against which every admin answer is checked") {
    server_process server;
    server.start();
    const http_response r = http_request(server.port(), "GET", "/openapi.json");
    REQUIRE(r.status == 200);
    CHECK(r.header("Content-Type") == app_json_ct);
    const json document = json::parse(r.body);
    CHECK(document.at("openapi") == "3.1.0");
    for (const char* path : {"/oauth/v1/token", "/oauth/v1/access-tokens/{token}", "/oauth/v1/refresh-tokens/{token}",
                             "/oauth/authorize", "/admin/v1/apps", "/admin/v1/apps/{appId}", "/admin/v1/seed",
                             "/admin/v1/installs/{hubId}/{appId}", "/healthz", "/metrics", "/openapi.json"}) {
        CHECK_MESSAGE(document.at("paths").contains(path), path);
    }
    CHECK(path_template_of(document, "/admin/v1/installs/62515/7") == "/admin/v1/installs/{hubId}/{appId}");
    CHECK(path_template_of(document, "/admin/v1/apps") == "/admin/v1/apps");

    // server_process::admin() checks every answer while a test runs; and the check can fail: an
    // answer the document does not describe is reported.
    CHECK(doctest::is_running_in_test);
    http_response made_up = r;
    made_up.body = R"({"results":[{"app_id":"one"}]})";
    CHECK_FALSE(served_contract_issues(server.port(), "GET", "/admin/v1/apps", made_up).empty());
    made_up.status = 418;
    CHECK_FALSE(served_contract_issues(server.port(), "GET", "/admin/v1/apps", made_up).empty());
    CHECK_FALSE(served_contract_issues(server.port(), "GET", "/admin/v1/nothing-here", made_up).empty());
}

TEST_CASE("reset: the root's reset keeps the sandboxes; a sandbox's reset starts that sandbox alone over") {
    server_process server;
    server.start();
    const sandbox_client root = root_sandbox(server);
    const sandbox_client a = create_sandbox(server);
    const sandbox_client b = create_sandbox(server);
    const world wa = seed_world(a, "reset-a");
    const world wb = seed_world(b, "reset-b");
    const issued_tokens ta = issue(a, wa);
    const issued_tokens tb = issue(b, wb);
    advance(a, 600);

    // The root's reset leaves every sandbox as it was: catalogue, worlds and clocks.
    REQUIRE(root.admin("POST", "/admin/v1/reset").status == 200);
    CHECK(server.admin("GET", "/admin/v1/sandboxes").json().at("results").size() == 2);
    CHECK(a.get("/oauth/v1/access-tokens/" + ta.access_token).status == 200);
    CHECK(clock_offset(a) == 600);

    // A sandbox's reset, under its prefix with its own key, wipes that sandbox and its clock.
    const http_response wiped = a.admin("POST", "/admin/v1/reset");
    REQUIRE(wiped.status == 200);
    CHECK(wiped.json().at("offset_seconds") == 0);
    CHECK(clock_offset(a) == 0);
    check_hubspot_error(a.get("/oauth/v1/access-tokens/" + ta.access_token), 401, "INVALID_TOKEN");
    CHECK(a.admin("GET", "/admin/v1/apps").json().at("results").empty());
    CHECK(a.admin("GET", "/admin/v1/hubs").json().at("results").empty());
    // ... and nothing of another.
    CHECK(b.get("/oauth/v1/access-tokens/" + tb.access_token).status == 200);
    CHECK(b.admin("GET", "/admin/v1/apps").json().at("results").size() == 1);

    // The restore body, too, refuses a member it does not have, naming it.
    const http_response typo = server.admin("POST", "/admin/v1/sandboxes/" + a.id + "/restore",
                                            json{{"snapshot", "snap-0000000000000000"}});
    check_hubspot_error(typo, 400, "VALIDATION_ERROR");
    CHECK(typo.json().at("message").get<std::string>().find("unknown field 'snapshot'") != std::string::npos);
}
