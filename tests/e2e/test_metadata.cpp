// The v1 token metadata endpoints against the real server: GET /oauth/v1/access-tokens/{token},
// GET and DELETE /oauth/v1/refresh-tokens/{token}, revocation with and without cascade,
// uninstalling, and the 404/405 answers around them.

#include <doctest/doctest.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "support/contract.hpp"
#include "support/fixtures.hpp"
#include "support/http_client.hpp"
#include "support/server_process.hpp"
#include "support/versions.hpp"

using namespace hsoauth::e2e;
using nlohmann::json;

namespace {

// The methods an Allow header lists, upper-cased and without spaces.
std::set<std::string> allowed_methods(const http_response& r) {
    std::set<std::string> methods;
    std::stringstream list(r.header("Allow"));
    std::string item;
    while (std::getline(list, item, ',')) {
        std::string method;
        for (const char c : item) {
            if (c != ' ' && c != '\t') {
                method += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
            }
        }
        if (!method.empty()) {
            methods.insert(method);
        }
    }
    return methods;
}

std::string install_path(const sandbox& s) {
    return "/admin/v1/installs/" + std::to_string(s.hub_id) + "/" + std::to_string(s.app_id);
}

}  // namespace

TEST_SUITE("GET /oauth/v1/access-tokens/{token}") {
    TEST_CASE("a live access token is described field for field") {
        auto& server = shared_server();
        const sandbox s = seed_sandbox(server);
        json request = code_request(s);
        request["scopes"].push_back("content");
        const minted_code code = mint_code(server, request);
        const token_pair t = exchange(server, s, code.code);

        for (const auto& access :
             {t.access_token, refresh(server, s, t.refresh_token).access_token}) {
            const auto r = get_access(server, access);
            REQUIRE(r.status == 200);
            CHECK(r.header("Content-Type") == "application/json;charset=utf-8");
            check_common_headers(r);
            const json body = r.json();
            CHECK(body.at("token") == access);
            CHECK(body.at("user") == s.email);
            CHECK(body.at("hub_domain") == s.hub_domain);
            CHECK(sorted(body.at("scopes").get<std::vector<std::string>>()) == sorted(code.scopes));
            CHECK(body.at("hub_id") == s.hub_id);
            CHECK(body.at("app_id") == s.app_id);
            CHECK(body.at("user_id") == s.user_id);
            CHECK(body.at("token_type") == "access");
            CHECK(body.at("expires_in").get<std::int64_t>() <= 1800);
            CHECK(body.at("expires_in").get<std::int64_t>() >= 1798);
        }
        CHECK(std::find(code.scopes.begin(), code.scopes.end(), "content") != code.scopes.end());
    }

    TEST_CASE("anything but a live access token → 401 with an error body") {
        auto& server = shared_server();
        const sandbox s = seed_sandbox(server);
        const token_pair t = authorize(server, s);
        std::string token;
        SUBCASE("unknown token") {
            token = "CJSP5qf1KhICAQEYs-gDIIGOBii1hQIyGQAf3xBKmlwTY";
        }
        SUBCASE("a live token with its last character changed") {
            token = t.access_token;
            token.back() = token.back() == 'A' ? 'B' : 'A';
        }
        SUBCASE("a refresh token") {
            token = t.refresh_token;
        }
        SUBCASE("an authorization code") {
            token = mint_code(server, s).code;
        }
        SUBCASE("a 600-character token") {
            token = "C" + std::string(599, 'x');
        }
        SUBCASE("a token with a space and a percent sign") {
            token = "C a%b";
        }
        const auto r = get_access(server, token);
        check_error(r, 401, "INVALID_TOKEN", "invalid_token");
        CHECK(body_of(r).value("category", "") == "UNAUTHORIZED");
        CHECK(get_access(server, t.access_token).status == 200);
    }
}

TEST_SUITE("GET /oauth/v1/refresh-tokens/{token}") {
    TEST_CASE("a live refresh token is described field for field") {
        auto& server = shared_server();
        const sandbox s = seed_sandbox(server);
        const token_pair t = authorize(server, s);
        const auto r = get_refresh(server, t.refresh_token);
        REQUIRE(r.status == 200);
        CHECK(r.header("Content-Type") == "application/json;charset=utf-8");
        check_common_headers(r);
        const json body = r.json();
        CHECK(body.at("token") == t.refresh_token);
        CHECK(body.at("client_id") == s.client_id);
        CHECK(body.at("hub_id") == s.hub_id);
        CHECK(body.at("user_id") == s.user_id);
        CHECK(body.at("user") == s.email);
        CHECK(body.at("hub_domain") == s.hub_domain);
        CHECK(body.at("scopes") == t.body.at("scopes"));
        CHECK(body.at("token_type") == "refresh");
    }

    TEST_CASE("anything but a live refresh token → 401 with an error body") {
        auto& server = shared_server();
        const sandbox s = seed_sandbox(server);
        const token_pair t = authorize(server, s);
        std::string token;
        SUBCASE("unknown token") {
            token = "na1-00000000-0000-0000-0000-000000000000";
        }
        SUBCASE("a live token with its last character changed") {
            token = t.refresh_token;
            token.back() = token.back() == 'a' ? 'b' : 'a';
        }
        SUBCASE("an access token") {
            token = t.access_token;
        }
        SUBCASE("an authorization code") {
            token = mint_code(server, s).code;
        }
        const auto r = get_refresh(server, token);
        check_error(r, 401, "");
        CHECK(get_refresh(server, t.refresh_token).status == 200);
    }

    TEST_CASE("a refresh token rotated away → 401; its successor is described") {
        auto& server = shared_server();
        app_options options;
        options.rotate_refresh_tokens = true;
        const sandbox s = seed_sandbox(server, options);
        const token_pair first = authorize(server, s);
        const token_pair second = refresh(server, s, first.refresh_token);
        REQUIRE(second.refresh_token != first.refresh_token);

        const auto old = get_refresh(server, first.refresh_token);
        check_error(old, 401, "");
        const auto current = get_refresh(server, second.refresh_token);
        REQUIRE(current.status == 200);
        CHECK(current.json().at("token") == second.refresh_token);
        // Looking a rotated-away token up is not a reuse: the chain lives on.
        CHECK(get_access(server, second.access_token).status == 200);
        CHECK(refresh(server, s, second.refresh_token).refresh_token != second.refresh_token);
    }
}

TEST_SUITE("DELETE /oauth/v1/refresh-tokens/{token}") {
    TEST_CASE("revoking answers 204 and kills the refresh token and its access tokens") {
        auto& server = shared_server();
        const sandbox s = seed_sandbox(server);
        const token_pair t = authorize(server, s);
        const token_pair derived = refresh(server, s, t.refresh_token);
        const token_pair unrelated = authorize(server, s);

        const auto r = delete_refresh(server, t.refresh_token);
        CHECK(r.status == 204);
        CHECK(r.body.empty());
        check_common_headers(r);

        const auto metadata = get_refresh(server, t.refresh_token);
        check_error(metadata, 401, "");
        const auto grant = post_token(server, refresh_grant_fields(s, t.refresh_token));
        check_error(grant, 400, "BAD_REFRESH_TOKEN", "invalid_grant");
        for (const auto& access : {t.access_token, derived.access_token}) {
            const auto dead = get_access(server, access);
            check_error(dead, 401, "INVALID_TOKEN");
        }

        const auto again = delete_refresh(server, t.refresh_token);
        check_error(again, 401, "");

        // Another authorization of the same install is untouched.
        CHECK(get_access(server, unrelated.access_token).status == 200);
        CHECK(get_refresh(server, unrelated.refresh_token).status == 200);
    }

    TEST_CASE("revoking a token that is not a live refresh token → 401") {
        auto& server = shared_server();
        const sandbox s = seed_sandbox(server);
        const token_pair t = authorize(server, s);
        std::string token;
        SUBCASE("unknown token") {
            token = "na1-00000000-0000-0000-0000-000000000000";
        }
        SUBCASE("an access token") {
            token = t.access_token;
        }
        const auto r = delete_refresh(server, token);
        check_error(r, 401, "");
        CHECK(get_access(server, t.access_token).status == 200);
        CHECK(get_refresh(server, t.refresh_token).status == 200);
    }

    TEST_CASE("with --revoke-cascades false, access tokens outlive their revoked refresh token") {
        server_options options;
        options.extra_args = {"--revoke-cascades", "false"};
        server_process server(options);
        server.start();
        const sandbox s = seed_sandbox(server);
        const token_pair t = authorize(server, s);
        const auto r = delete_refresh(server, t.refresh_token);
        CHECK(r.status == 204);
        const auto access = get_access(server, t.access_token);
        CHECK(access.status == 200);
        CHECK(get_refresh(server, t.refresh_token).status == 401);
        const auto grant = post_token(server, refresh_grant_fields(s, t.refresh_token));
        check_error(grant, 400, "BAD_REFRESH_TOKEN", "invalid_grant");
    }
}

TEST_SUITE("uninstall") {
    TEST_CASE(
        "DELETE /admin/v1/installs/{hubId}/{appId} kills the install's tokens; re-authorizing "
        "works") {
        auto& server = shared_server();
        const sandbox s = seed_sandbox(server);
        const sandbox neighbour = seed_app(server, s);  // same hub and user, another app
        const token_pair t = authorize(server, s);
        const token_pair t2 = authorize(server, s);
        const token_pair kept = authorize(server, neighbour);
        const minted_code pending = mint_code(server, s);
        const minted_code pending_until_reinstall = mint_code(server, s);

        const auto removed = server.admin("DELETE", install_path(s));
        REQUIRE(removed.status == 204);

        for (const auto& access : {t.access_token, t2.access_token}) {
            const auto r = get_access(server, access);
            check_error(r, 401, "INVALID_TOKEN");
        }
        const auto grant = post_token(server, refresh_grant_fields(s, t.refresh_token));
        check_error(grant, 400, "BAD_REFRESH_TOKEN", "invalid_grant");
        CHECK(body_of(grant).value("message", "") == "missing or unknown refresh token");
        const auto metadata = get_refresh(server, t2.refresh_token);
        check_error(metadata, 401, "");
        // A code issued before the uninstall is no grant any more.
        const auto late_code = post_token(server, code_grant_fields(s, pending.code));
        check_error(late_code, 400, "BAD_AUTH_CODE", "invalid_grant");
        // The same hub's install of another app is untouched.
        CHECK(get_access(server, kept.access_token).status == 200);
        CHECK(get_refresh(server, kept.refresh_token).status == 200);
        // A second uninstall finds no live install.
        CHECK(server.admin("DELETE", install_path(s)).status == 404);

        // Re-authorizing installs the app again; the old tokens stay dead.
        const token_pair fresh = authorize(server, s);
        const auto live = get_access(server, fresh.access_token);
        CHECK(live.status == 200);
        CHECK(refresh(server, s, fresh.refresh_token).refresh_token == fresh.refresh_token);
        CHECK(get_access(server, t.access_token).status == 401);
        CHECK(post_token(server, refresh_grant_fields(s, t.refresh_token)).status == 400);
        const auto old_code =
            post_token(server, code_grant_fields(s, pending_until_reinstall.code));
        check_error(old_code, 400, "BAD_AUTH_CODE", "invalid_grant");
    }
}

TEST_SUITE("routing") {
    TEST_CASE("an unknown path → 404 with an error body") {
        auto& server = shared_server();
        std::string target;
        SUBCASE("unknown v1 resource") {
            target = "/oauth/v1/nothing-here";
        }
        SUBCASE("unknown version") {
            target = "/oauth/v9/token";
        }
        SUBCASE("extra segment after the token") {
            target = "/oauth/v1/access-tokens/abc/extra";
        }
        const auto r = http_request(server.port(), "GET", target);
        check_error(r, 404, "");
    }

    TEST_CASE("a known path with the wrong method → 405 with Allow and an error body") {
        auto& server = shared_server();
        std::string method;
        std::string target;
        std::set<std::string> allowed;
        SUBCASE("GET /oauth/v1/token") {
            method = "GET";
            target = "/oauth/v1/token";
            allowed = {"POST"};
        }
        SUBCASE("DELETE /oauth/v1/token") {
            method = "DELETE";
            target = "/oauth/v1/token";
            allowed = {"POST"};
        }
        SUBCASE("POST /oauth/v1/access-tokens/{token}") {
            method = "POST";
            target = "/oauth/v1/access-tokens/Cabc";
            allowed = {"GET"};
        }
        SUBCASE("DELETE /oauth/v1/access-tokens/{token}") {
            method = "DELETE";
            target = "/oauth/v1/access-tokens/Cabc";
            allowed = {"GET"};
        }
        SUBCASE("PUT /oauth/v1/refresh-tokens/{token}") {
            method = "PUT";
            target = "/oauth/v1/refresh-tokens/na1-abc";
            allowed = {"GET", "DELETE"};
        }
        const auto r = http_request(server.port(), method, target);
        check_error(r, 405, "");
        std::set<std::string> listed = allowed_methods(r);
        listed.erase("HEAD");  // allowed to be listed beside GET
        CHECK_MESSAGE(listed == allowed, "Allow: ", r.header("Allow"));
    }
}

// ---- Introspection and revocation of HubSpot's v3 and dated versions ----

TEST_SUITE("one domain behind every wire version") {
    TEST_CASE("a token minted on any version is read, refreshed and revoked identically on every other") {
        auto& server = shared_server();
        const sandbox s = seed_sandbox(server);
        for (const auto minted_on : all_versions) {
            for (const auto used_on : all_versions) {
                CAPTURE(minted_on);
                CAPTURE(used_on);
                const token_pair t = exchange_on(server, minted_on, s, mint_code(server, s).code);
                CHECK(live_on(server, used_on, s, t.access_token, false));
                CHECK(live_on(server, used_on, s, t.refresh_token, true));
                const token_pair refreshed = refresh_on(server, used_on, s, t.refresh_token);
                CHECK(refreshed.refresh_token == t.refresh_token);
                CHECK(refreshed.body.at("scopes") == t.body.at("scopes"));
                revoke_on(server, used_on, s, t.refresh_token);
                for (const auto reader : all_versions) {
                    CAPTURE(reader);
                    CHECK_FALSE(live_on(server, reader, s, t.refresh_token, true));
                    CHECK_FALSE(live_on(server, reader, s, t.access_token, false));
                    CHECK_FALSE(live_on(server, reader, s, refreshed.access_token, false));
                }
            }
        }
    }

    TEST_CASE("v1 metadata carries is_private_distribution and the signed_access_token introspection shows") {
        auto& server = shared_server();
        const sandbox s = seed_sandbox(server);
        const token_pair t = authorize(server, s);
        const auto v1 = get_access(server, t.access_token);
        REQUIRE(v1.status == 200);
        check_published("v1", "/oauth/v1/access-tokens/{token}", "GET", v1);
        const json metadata = v1.json();
        CHECK(metadata.at("is_private_distribution") == false);
        for (const auto version : {"v3", "2026-03"}) {
            const json info = introspect_on(server, version, s, t.access_token);
            CHECK(info.at("signed_access_token") == metadata.at("signed_access_token"));
            CHECK(info.at("is_private_distribution") == metadata.at("is_private_distribution"));
            // Read later on the real clock: the same second, or the next one if it ticked between.
            const auto lag = metadata.at("expires_in").get<std::int64_t>() - info.at("expires_in").get<std::int64_t>();
            CHECK(lag >= 0);
            CHECK(lag <= 1);
        }
    }
}

TEST_SUITE("POST /oauth/{version}/token/introspect") {
    TEST_CASE("each token state: live → its info; everything else → exactly {\"active\":false}") {
        server_process server;
        server.start();
        app_options rotating;
        rotating.rotate_refresh_tokens = true;
        const sandbox s = seed_sandbox(server, rotating);
        const sandbox other = seed_app(server, s);
        const token_pair live = authorize(server, s);
        const token_pair revoked = authorize(server, s);
        revoke_on(server, "v1", s, revoked.refresh_token);
        const token_pair rotated_from = authorize(server, s);
        const token_pair rotated_to = refresh(server, s, rotated_from.refresh_token);
        const token_pair foreign = authorize(server, other);
        const std::string code = mint_code(server, s).code;

        for (const auto version : dated_versions) {
            CAPTURE(version);
            const json access = introspect_on(server, version, s, live.access_token);
            const json refresh_info = introspect_on(server, version, s, live.refresh_token);
            CHECK(access.at("active") == true);
            CHECK(refresh_info.at("active") == true);
            if (version == std::string_view("2026-09")) {
                // Its published TokenInfoResponseBaseIF declares `active` alone.
                CHECK(access == json{{"active", true}});
                CHECK(refresh_info == json{{"active", true}});
            } else {
                CHECK(access.at("token") == live.access_token);
                CHECK(access.at("expires_in").get<std::int64_t>() > 1700);
                CHECK(refresh_info.at("token") == live.refresh_token);
                CHECK(refresh_info.at("token_use") == "refresh_token");
                CHECK(refresh_info.at("client_id") == s.client_id);
            }
            CHECK(introspect_on(server, version, s, rotated_to.refresh_token).at("active") == true);
            for (const auto& dead :
                 {revoked.access_token, revoked.refresh_token, rotated_from.refresh_token,
                  foreign.access_token, foreign.refresh_token, code,
                  std::string("CJSP5qf1KhICAQEYs-gDIIGOBii1hQIyGQAf3xBKmlwTY"), std::string("x"),
                  std::string(600, 'C')}) {
                CAPTURE(dead);
                CHECK(introspect_on(server, version, s, dead) == json{{"active", false}});
            }
            // HubSpot's access_token= and refresh_token= names, and hints, find the same tokens.
            header_list by_name = client_fields(s);
            by_name.emplace_back("refresh_token", live.refresh_token);
            CHECK(post_oauth(server, version, "token/introspect", by_name).json().at("active") == true);
            header_list hinted = client_fields(s);
            hinted.emplace_back("token", live.access_token);
            hinted.emplace_back("token_type_hint", "refresh_token");
            CHECK(post_oauth(server, version, "token/introspect", hinted).json().at("active") == true);
            header_list twice = client_fields(s);
            twice.emplace_back("token", live.access_token);
            twice.emplace_back("access_token", live.access_token);
            check_error(post_oauth(server, version, "token/introspect", twice), 400, "BAD_REQUEST",
                        "invalid_request");
            // The other client sees its own tokens, not these.
            CHECK(introspect_on(server, version, other, foreign.access_token).at("active") == true);
            CHECK(introspect_on(server, version, other, live.access_token) == json{{"active", false}});
        }
        // Uninstalled, then expired: inactive everywhere.
        const token_pair before_uninstall = authorize(server, s);
        REQUIRE(server.admin("DELETE", install_path(s)).status == 204);
        advance_clock(server, 1801);
        for (const auto version : dated_versions) {
            CHECK(introspect_on(server, version, s, before_uninstall.refresh_token) == json{{"active", false}});
            CHECK(introspect_on(server, version, other, foreign.access_token) == json{{"active", false}});
            CHECK(introspect_on(server, version, other, foreign.refresh_token).at("active") == true);
        }
    }

    TEST_CASE("a wrong client secret → 401 BAD_CLIENT_SECRET, failures share v1's throttle") {
        server_process server({.extra_args = {"--auth-failure-limit", "3"}});
        server.start();
        const sandbox s = seed_sandbox(server);
        header_list wrong = {{"client_id", s.client_id}, {"client_secret", "wrong"}, {"token", "x"}};
        check_error(post_oauth(server, "2026-03", "token/introspect", wrong), 401, "BAD_CLIENT_SECRET",
                    "invalid_client");
        check_error(post_oauth(server, "v3", "token/revoke", wrong), 401, "BAD_CLIENT_SECRET",
                    "invalid_client");
        header_list v1_wrong = refresh_grant_fields(s, "na1-x");
        set_field(v1_wrong, "client_secret", "wrong");
        check_error(post_token(server, v1_wrong), 401, "BAD_CLIENT_SECRET", "invalid_client");
        header_list right = client_fields(s);
        right.emplace_back("token", "x");
        const auto throttled = post_oauth(server, "2026-09", "token/introspect", right);
        check_error(throttled, 429, "TOO_MANY_REQUESTS");
        CHECK(!throttled.header("Retry-After").empty());
    }
}

TEST_SUITE("POST /oauth/{version}/token/revoke") {
    TEST_CASE("200 with no body whatever the token; only the client's own live tokens die") {
        auto& server = shared_server();
        const sandbox s = seed_sandbox(server);
        const sandbox other = seed_app(server, s);
        for (const auto version : dated_versions) {
            CAPTURE(version);
            const token_pair t = authorize(server, s);
            const token_pair derived = refresh(server, s, t.refresh_token);
            const token_pair foreign = authorize(server, other);
            const token_pair single = authorize(server, s);
            const auto revoke = [&](const sandbox& client, const std::string& token) {
                header_list fields = client_fields(client);
                fields.emplace_back("token", token);
                const auto r = post_oauth(server, version, "token/revoke", fields);
                CHECK(r.status == 200);
                CHECK(r.body.empty());
                CHECK(r.header("Content-Type").empty());
                check_common_headers(r);
            };
            // Another client's tokens: 200, nothing revoked.
            revoke(s, foreign.refresh_token);
            revoke(s, foreign.access_token);
            CHECK(get_refresh(server, foreign.refresh_token).status == 200);
            CHECK(get_access(server, foreign.access_token).status == 200);
            // An access token alone.
            revoke(s, single.access_token);
            CHECK(get_access(server, single.access_token).status == 401);
            CHECK(get_refresh(server, single.refresh_token).status == 200);
            // A refresh token, cascading to its access tokens; again: still 200.
            revoke(s, t.refresh_token);
            revoke(s, t.refresh_token);
            CHECK(get_refresh(server, t.refresh_token).status == 401);
            CHECK(get_access(server, t.access_token).status == 401);
            CHECK(get_access(server, derived.access_token).status == 401);
            // Unknown and malformed tokens: 200.
            revoke(s, "na1-00000000-0000-0000-0000-000000000000");
            revoke(s, "anything at all");
        }
    }

    TEST_CASE("with revoke_cascades=false a refresh token's access tokens live on, as v1's DELETE") {
        server_process server({.extra_args = {"--revoke-cascades", "false"}});
        server.start();
        const sandbox s = seed_sandbox(server);
        const token_pair t = authorize(server, s);
        revoke_on(server, "2026-03", s, t.refresh_token);
        CHECK(get_refresh(server, t.refresh_token).status == 401);
        CHECK(get_access(server, t.access_token).status == 200);
    }
}
