// The API gateway against the real server and a real upstream (the echo stub): one base URL for
// OAuth and the API, HubSpot's 401/403/429 answers, forwarding, the upstream's failures, the
// built-in account endpoints, the forward-auth check. Built into the e2e_metadata binary.

#include <doctest/doctest.h>

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <algorithm>
#include <string>
#include <thread>
#include <vector>

#include "gateway/echo_upstream.hpp"
#include "support/fixtures.hpp"
#include "support/http_client.hpp"
#include "support/sandbox_client.hpp"
#include "support/server_process.hpp"
#include "support/versions.hpp"

using namespace hsoauth::e2e;
using nlohmann::json;

namespace {

const std::regex uuid_v4("^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$");

http_response api(const server_process& server, std::string_view method, std::string_view target,
                  std::string_view token, header_list headers = {}, std::string_view body = {}) {
    if (!token.empty()) headers.emplace_back("Authorization", "Bearer " + std::string(token));
    return http_request(server.port(), method, target, headers, body);
}

// HubSpot's gateway error: the status, JSON, {"status": "error"}, the category, and a
// correlationId equal to the header's.
void check_gateway_error(const http_response& r, int status, std::string_view category,
                         std::source_location where = std::source_location::current()) {
    INFO("checked at line " << where.line() << ": " << r.status << " " << r.body);
    REQUIRE(r.status == status);
    CHECK(r.header("Content-Type") == "application/json;charset=utf-8");
    const json body = r.json();
    CHECK(body["status"] == "error");
    CHECK(body["category"] == category);
    CHECK(body["message"].is_string());
    CHECK(body["correlationId"] == r.header("X-HubSpot-Correlation-Id"));
    CHECK(std::regex_match(r.header("X-HubSpot-Correlation-Id"), uuid_v4));
}

// The rate-limit headers of an answer counted against the app and hub.
void check_rate_headers(const http_response& r, int max, int remaining,
                        std::source_location where = std::source_location::current()) {
    INFO("checked at line " << where.line());
    CHECK(r.header("X-HubSpot-RateLimit-Max") == std::to_string(max));
    CHECK(r.header("X-HubSpot-RateLimit-Remaining") == std::to_string(remaining));
    CHECK(r.header("X-HubSpot-RateLimit-Interval-Milliseconds") == "10000");
}

echo_upstream& shared_echo() {
    static echo_upstream echo;
    return echo;
}

// One gateway in front of the shared echo stub, for the tests that neither move the clock nor
// need other settings.
server_process& shared_gateway() {
    static server_process server({{"--gateway-upstream", shared_echo().url()}});
    if (server.port() == 0) server.start();
    return server;
}

std::string install_path(const sandbox& s) {
    return "/admin/v1/installs/" + std::to_string(s.hub_id) + "/" + std::to_string(s.app_id);
}

}  // namespace

TEST_SUITE("gateway") {
    TEST_CASE("one base URL: OAuth served by hsoauth, API calls forwarded with who is calling") {
        auto& server = shared_gateway();
        const sandbox s = seed_sandbox(server);
        const token_pair t = authorize(server, s);

        const auto r = api(server, "POST", "/crm/v3/objects/contacts/batch/read?archived=false", t.access_token,
                           {{"Content-Type", "application/json"},
                            {"X-HubSpot-Hub-Id", "1"},
                            {"X-HubSpot-Scopes", "everything"},
                            {"Connection", "close, X-Private"},
                            {"X-Private", "hop only"},
                            {"X-Custom", "kept"}},
                           R"({"inputs":[{"id":"1"}]})");
        // POST …/batch/read needs crm.objects.contacts.read, which the token has.
        REQUIRE(r.status == 200);
        const json echo = r.json();
        CHECK(echo["method"] == "POST");
        CHECK(echo["url"] == "/crm/v3/objects/contacts/batch/read?archived=false");
        CHECK(echo["body"] == R"({"inputs":[{"id":"1"}]})");
        const json& h = echo["headers"];
        CHECK(h["authorization"] == "Bearer " + t.access_token);
        CHECK(h["x-hubspot-hub-id"] == std::to_string(s.hub_id));
        CHECK(h["x-hubspot-user-id"] == std::to_string(s.user_id));
        CHECK(h["x-hubspot-app-id"] == std::to_string(s.app_id));
        CHECK(h["x-hubspot-scopes"] == "oauth crm.objects.contacts.read");
        CHECK(h["x-custom"] == "kept");
        CHECK_FALSE(h.contains("x-private"));
        CHECK(h["x-hubspot-correlation-id"] == r.header("X-HubSpot-Correlation-Id"));
        CHECK(h["content-length"] == std::to_string(std::string_view(R"({"inputs":[{"id":"1"}]})").size()));
        check_rate_headers(r, 110, 109);
        check_common_headers(r);
    }

    TEST_CASE("the upstream's answer comes back with hsoauth's correlation id and rate-limit headers") {
        auto& server = shared_gateway();
        const sandbox s = seed_sandbox(server);
        const token_pair t = authorize(server, s);
        const auto r = api(server, "GET", "/stub/headers", t.access_token);
        REQUIRE(r.status == 200);
        CHECK(r.header("x-stub-kept") == "yes");
        CHECK(r.header("x-stub-hop").empty());
        CHECK(r.header_count("X-HubSpot-Correlation-Id") == 1);
        CHECK(std::regex_match(r.header("X-HubSpot-Correlation-Id"), uuid_v4));
        CHECK(r.header_count("X-HubSpot-RateLimit-Max") == 1);
        check_rate_headers(r, 110, 109);
        CHECK(r.header("Server") == "hsoauth");

        const auto teapot = api(server, "DELETE", "/stub/status/418", t.access_token);
        CHECK(teapot.status == 418);
        CHECK(teapot.json()["method"] == "DELETE");
    }

    TEST_CASE("connections to the upstream are kept alive and reused") {
        auto& server = shared_gateway();
        const sandbox s = seed_sandbox(server);
        const token_pair t = authorize(server, s);
        const auto first = api(server, "GET", "/echo/one", t.access_token);
        const auto second = api(server, "GET", "/echo/two", t.access_token);
        REQUIRE(first.status == 200);
        REQUIRE(second.status == 200);
        CHECK(first.json()["connection"] == second.json()["connection"]);
    }

    TEST_CASE("the upstream connections made: one per network thread for calls in turn, one per concurrent call") {
        // Its own stub, whose connection counter starts at 1, and its own server.
        echo_upstream echo;
        server_process server({{"--gateway-upstream", echo.url(), "--threads", "2", "--gateway-rate-limit", "1000"}});
        server.start();
        const sandbox s = seed_sandbox(server);
        const token_pair t = authorize(server, s);
        // Each network thread keeps its own kept-alive connections: two at most.
        int in_turn = 0;
        for (int i = 0; i < 60; ++i) {
            const auto r = api(server, "GET", "/echo/in-turn", t.access_token);
            REQUIRE(r.status == 200);
            in_turn = std::max(in_turn, r.json()["connection"].get<int>());
        }
        CHECK(in_turn <= 2);
        // 4 clients at once, 25 calls each: each network thread needs at most 4 connections.
        std::vector<std::thread> clients;
        std::vector<int> highest(4, 0);
        std::vector<int> failed(4, 0);
        for (std::size_t c = 0; c < 4; ++c) {
            clients.emplace_back([&, c] {
                for (int i = 0; i < 25; ++i) {
                    const auto r = api(server, "GET", "/echo/concurrent", t.access_token);
                    if (r.status != 200) {
                        ++failed[c];
                        continue;
                    }
                    highest[c] = std::max(highest[c], r.json()["connection"].get<int>());
                }
            });
        }
        for (auto& c : clients) c.join();
        CHECK(*std::max_element(failed.begin(), failed.end()) == 0);
        CHECK(*std::max_element(highest.begin(), highest.end()) <= in_turn + 2 * 4);
    }

    TEST_CASE("no, malformed and unknown tokens get 401 INVALID_AUTHENTICATION with X-HubSpot-Auth-Failure") {
        auto& server = shared_gateway();
        const sandbox s = seed_sandbox(server);
        const token_pair t = authorize(server, s);
        const std::vector<header_list> refused = {
            {},
            {{"Authorization", "Basic " + t.access_token}},
            {{"Authorization", "Bearer"}},
            {{"Authorization", "Bearer " + t.access_token + " extra"}},
            {{"Authorization", "Bearer C" + std::string(54, 'A')}},
            {{"Authorization", "Bearer " + t.refresh_token}},
        };
        for (const auto& headers : refused) {
            const auto r = http_request(server.port(), "GET", "/crm/v3/objects/contacts", headers);
            check_gateway_error(r, 401, "INVALID_AUTHENTICATION");
            CHECK(r.json()["message"] ==
                  "Authentication credentials not found. This API supports OAuth 2.0 authentication and you can "
                  "find more details at https://developers.hubspot.com/docs/methods/auth/oauth-overview");
            CHECK(r.header("X-HubSpot-Auth-Failure") == "401 Unauthorized");
            CHECK(r.header("X-HubSpot-RateLimit-Max").empty());
        }
        // The scheme is case-insensitive.
        CHECK(http_request(server.port(), "GET", "/crm/v3/objects/contacts",
                           {{"Authorization", "bearer " + t.access_token}})
                  .status == 200);
    }

    TEST_CASE("revoked tokens and tokens of an uninstalled app are answered as unknown tokens") {
        auto& server = shared_gateway();
        const sandbox s = seed_sandbox(server);
        const token_pair revoked = authorize(server, s);
        // Each token makes calls first (a token is remembered at its second read): the answer the
        // server remembers for it must end too.
        for (int call = 0; call < 2; ++call) {
            REQUIRE(api(server, "GET", "/crm/v3/objects/contacts", revoked.access_token).status == 200);
        }
        REQUIRE(delete_refresh(server, revoked.refresh_token).status == 204);
        check_gateway_error(api(server, "GET", "/crm/v3/objects/contacts", revoked.access_token), 401,
                            "INVALID_AUTHENTICATION");

        const token_pair uninstalled = authorize(server, s);
        for (int call = 0; call < 2; ++call) {
            REQUIRE(api(server, "GET", "/crm/v3/objects/contacts", uninstalled.access_token).status == 200);
        }
        REQUIRE(server.admin("DELETE", install_path(s)).status == 204);
        check_gateway_error(api(server, "GET", "/crm/v3/objects/contacts", uninstalled.access_token), 401,
                            "INVALID_AUTHENTICATION");
    }

    TEST_CASE("an expired token gets 401 EXPIRED_AUTHENTICATION with its age and expire time on the sandbox clock") {
        echo_upstream echo;
        server_process server({{"--gateway-upstream", echo.url()}});
        server.start();
        const sandbox s = seed_sandbox(server);
        const token_pair t = authorize(server, s);
        const auto described = get_access(server, t.access_token);
        REQUIRE(described.status == 200);
        const auto clock = server.admin("GET", "/admin/v1/clock").json();
        const std::int64_t expires_in = described.json()["expires_in"].get<std::int64_t>();
        const std::int64_t expires_at = clock["now"].get<std::int64_t>() + expires_in;

        struct step {
            std::int64_t advance;
            std::string unit;
        };
        // From the expiry: +125 s (2 minutes), then +2 h, then +3 days.
        const std::vector<step> steps = {{expires_in + 125, "2 minute(s)"}, {7200, "2 hour(s)"}, {3 * 86400, "3 day(s)"}};
        for (const auto& st : steps) {
            advance_clock(server, st.advance);
            const auto r = api(server, "GET", "/crm/v3/objects/contacts", t.access_token);
            check_gateway_error(r, 401, "EXPIRED_AUTHENTICATION");
            CHECK(r.json()["message"] == "The OAuth token used to make this call expired " + st.unit + " ago.");
            const json expire_time = r.json()["context"]["expire time"];
            REQUIRE(expire_time.is_array());
            REQUIRE(expire_time.size() == 1);
            const std::string text = expire_time[0];
            CHECK(std::regex_match(text, std::regex(R"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.000Z)")));
            // The instant the token expired, within the second the metadata read took.
            std::tm tm{};
            REQUIRE(::strptime(text.c_str(), "%Y-%m-%dT%H:%M:%S", &tm) != nullptr);
            CHECK(std::abs(static_cast<std::int64_t>(::timegm(&tm)) - expires_at) <= 1);
        }
        // A refreshed token works again: the integration's recovery path.
        const token_pair fresh = refresh(server, s, t.refresh_token);
        CHECK(api(server, "GET", "/crm/v3/objects/contacts", fresh.access_token).status == 200);
    }

    TEST_CASE("a missing scope gets 403 MISSING_SCOPES: any-of, object type IDs, several parameters, all-of") {
        auto& server = shared_gateway();
        const sandbox s = seed_sandbox(server);
        const token_pair t = authorize(server, s);

        // deals by name and by object type ID ("0-3"): the deals entry, not the generic template.
        for (const char* target : {"/crm/v3/objects/deals", "/crm/v3/objects/0-3", "/crm/v3/objects/0-3/77?a=b"}) {
            const auto r = api(server, "GET", target, t.access_token);
            check_gateway_error(r, 403, "MISSING_SCOPES");
            const json body = r.json();
            CHECK(body["message"] ==
                  "This app hasn't been granted all required scopes to make this call. Read more about required "
                  "scopes here: https://developers.hubspot.com/scopes.");
            CHECK(body["errors"][0]["message"] == "One or more of the following scopes are required.");
            CHECK(body["errors"][0]["context"]["requiredGranularScopes"] == json::array({"crm.objects.deals.read"}));
            CHECK(body["errors"][0]["context"]["requiredScopes"] == json::array({"crm.objects.deals.read"}));
            CHECK(body["links"]["scopes"] == "https://developers.hubspot.com/scopes");
            CHECK(r.header("X-HubSpot-RateLimit-Max") == "110");
        }
        // contacts by its ID "0-1" is the contacts entry, which the token's scope allows.
        CHECK(api(server, "GET", "/crm/v3/objects/0-1/123", t.access_token).status == 200);
        // A write needs the write scope.
        const auto write = api(server, "PATCH", "/crm/v3/objects/contacts/123", t.access_token,
                               {{"Content-Type", "application/json"}}, "{}");
        check_gateway_error(write, 403, "MISSING_SCOPES");
        CHECK(write.json()["errors"][0]["context"]["requiredGranularScopes"] ==
              json::array({"crm.objects.contacts.write"}));

        // Two path parameters, and an operation that needs two scopes together.
        const auto both = api(server, "GET", "/crm/pipelines-rules/2026-09-beta/0-3/default/stage-edit-permissions",
                              t.access_token);
        check_gateway_error(both, 403, "MISSING_SCOPES");
        CHECK(both.json()["errors"][0]["message"] == "All of the following scopes are required.");
        CHECK(both.json()["errors"][0]["context"]["requiredGranularScopes"] ==
              json::array({"crm-pipelines-locked-stages-access", "pipeline-level-permissions-access"}));
    }

    TEST_CASE("the ten-secondly limit per app and hub: headers, 429 with Retry-After, the app's own rate_limit") {
        echo_upstream echo;
        server_process server({{"--gateway-upstream", echo.url(), "--gateway-rate-limit", "4"}});
        server.start();
        const sandbox s = seed_sandbox(server);
        const token_pair t = authorize(server, s);
        for (int i = 0; i < 4; ++i) {
            const auto r = api(server, "GET", "/crm/v3/objects/contacts", t.access_token);
            REQUIRE(r.status == 200);
            check_rate_headers(r, 4, 3 - i);
        }
        const auto limited = api(server, "GET", "/crm/v3/objects/contacts", t.access_token);
        check_gateway_error(limited, 429, "RATE_LIMITS");
        const json body = limited.json();
        CHECK(body["message"] == "You have reached your ten_secondly_rolling limit.");
        CHECK(body["errorType"] == "RATE_LIMIT");
        CHECK(body["policyName"] == "TEN_SECONDLY_ROLLING");
        CHECK(body["groupName"].is_string());
        const int retry_after = std::stoi(limited.header("Retry-After"));
        CHECK(retry_after >= 1);
        CHECK(retry_after <= 10);
        check_rate_headers(limited, 4, 0);
        // The built-in endpoints count too.
        check_gateway_error(api(server, "GET", "/account-info/v3/details", t.access_token), 429, "RATE_LIMITS");

        // The window rolls on the sandbox clock.
        advance_clock(server, 11);
        check_rate_headers(api(server, "GET", "/crm/v3/objects/contacts", t.access_token), 4, 3);

        // An app's own rate_limit replaces the setting for that app.
        json app = server.admin("GET", "/admin/v1/apps/" + std::to_string(s.app_id)).json();
        CHECK(app["rate_limit"].is_null());
        app["rate_limit"] = 2;
        REQUIRE(server.admin("POST", "/admin/v1/apps", app).status == 200);
        CHECK(server.admin("GET", "/admin/v1/apps/" + std::to_string(s.app_id)).json()["rate_limit"] == 2);
        advance_clock(server, 11);
        check_rate_headers(api(server, "GET", "/crm/v3/objects/contacts", t.access_token), 2, 1);
        check_rate_headers(api(server, "GET", "/crm/v3/objects/contacts", t.access_token), 2, 0);
        check_gateway_error(api(server, "GET", "/crm/v3/objects/contacts", t.access_token), 429, "RATE_LIMITS");
        // Another app on the same hub has its own window.
        const sandbox other = seed_app(server, s);
        check_rate_headers(api(server, "GET", "/crm/v3/objects/contacts", authorize(server, other).access_token), 4, 3);
        // null: back to the setting.
        app["rate_limit"] = nullptr;
        REQUIRE(server.admin("POST", "/admin/v1/apps", app).status == 200);
        CHECK(server.admin("GET", "/admin/v1/apps/" + std::to_string(s.app_id)).json()["rate_limit"].is_null());
    }

    TEST_CASE("Search API calls: 5 per second per hub, their own SECONDLY 429, and no rate-limit headers") {
        echo_upstream echo;
        server_process server({{"--gateway-upstream", echo.url()}});
        server.start();
        const sandbox s = seed_sandbox(server);
        const token_pair t = authorize(server, s);
        advance_clock(server, 1);  // a window that starts now, whatever the millisecond
        for (int i = 0; i < 5; ++i) {
            const auto r = api(server, "POST", "/crm/v3/objects/contacts/search", t.access_token,
                               {{"Content-Type", "application/json"}}, "{}");
            REQUIRE(r.status == 200);
            CHECK(r.header("X-HubSpot-RateLimit-Max").empty());
        }
        const auto limited = api(server, "POST", "/crm/v3/objects/contacts/search", t.access_token,
                                 {{"Content-Type", "application/json"}}, "{}");
        check_gateway_error(limited, 429, "RATE_LIMITS");
        CHECK(limited.json()["message"] == "You have reached your secondly limit.");
        CHECK(limited.json()["policyName"] == "SECONDLY");
        CHECK(limited.header("Retry-After") == "1");
        CHECK(limited.header("X-HubSpot-RateLimit-Max").empty());
        // Searches do not count against the ten-secondly window.
        check_rate_headers(api(server, "GET", "/crm/v3/objects/contacts", t.access_token), 110, 109);
        advance_clock(server, 2);
        CHECK(api(server, "POST", "/crm/v3/objects/contacts/search", t.access_token,
                  {{"Content-Type", "application/json"}}, "{}")
                  .status == 200);
    }

    TEST_CASE("the upstream down, refusing, cut off, slow, talking garbage or too much: 502 and 504") {
        echo_upstream echo;
        server_process server({{"--gateway-upstream", echo.url(), "--gateway-timeout-ms", "500",
                                "--gateway-max-response-bytes", "4096"}});
        server.start();
        const sandbox s = seed_sandbox(server);
        const token_pair t = authorize(server, s);
        for (const char* target : {"/stub/close", "/stub/garbage", "/stub/large/5000"}) {
            INFO(target);
            const auto r = api(server, "GET", target, t.access_token);
            check_gateway_error(r, 502, "BAD_GATEWAY");
            check_common_headers(r);
        }
        CHECK(api(server, "GET", "/stub/large/4000", t.access_token).body.size() == 4000);
        const auto slow = api(server, "GET", "/stub/slow/3000", t.access_token);
        check_gateway_error(slow, 504, "GATEWAY_TIMEOUT");
        // The gateway still serves after all of that.
        CHECK(api(server, "GET", "/echo", t.access_token).status == 200);

        server_process refused_server({{"--gateway-upstream", "http://127.0.0.1:" + std::to_string(closed_port())}});
        refused_server.start();
        const sandbox r = seed_sandbox(refused_server);
        check_gateway_error(api(refused_server, "GET", "/crm/v3/objects/contacts", authorize(refused_server, r).access_token),
                            502, "BAD_GATEWAY");
    }

    TEST_CASE("request bodies over max_body_bytes are refused before anything is forwarded") {
        auto& server = shared_gateway();
        const sandbox s = seed_sandbox(server);
        const token_pair t = authorize(server, s);
        const auto r = api(server, "POST", "/crm/v3/objects/contacts", t.access_token, {{"Content-Type", "application/json"}},
                           std::string(20000, 'x'));
        CHECK(r.status == 413);
    }

    TEST_CASE("paths with dot segments or encoded slashes are refused, not forwarded") {
        auto& server = shared_gateway();
        const sandbox s = seed_sandbox(server);
        const token_pair t = authorize(server, s);
        for (const char* target : {"/crm/v3/objects/contacts/../deals", "/crm/v3/objects/contacts/%2e%2E/deals",
                                   "/crm/v3/objects/contacts%2F..%2Fdeals", "/crm/./v3/objects/deals"}) {
            INFO(target);
            check_gateway_error(api(server, "GET", target, t.access_token), 400, "VALIDATION_ERROR");
        }
    }

    TEST_CASE("without an upstream: built-in endpoints answer, every other path gets 404") {
        auto& server = shared_server();
        const sandbox s = seed_sandbox(server);
        const token_pair t = authorize(server, s);
        check_error(api(server, "GET", "/crm/v3/objects/contacts", t.access_token), 404, "NOT_FOUND");
        check_error(api(server, "GET", "/crm/v3/objects/contacts", ""), 404, "NOT_FOUND");

        const auto details = api(server, "GET", "/account-info/v3/details", t.access_token);
        REQUIRE(details.status == 200);
        CHECK(details.json() == json{{"portalId", s.hub_id},
                                     {"accountType", "STANDARD"},
                                     {"timeZone", "US/Eastern"},
                                     {"companyCurrency", "USD"},
                                     {"additionalCurrencies", json::array()},
                                     {"utcOffset", "-05:00"},
                                     {"utcOffsetMilliseconds", -18000000},
                                     {"uiDomain", "app.hubspot.com"},
                                     {"dataHostingLocation", "na1"}});
        check_rate_headers(details, 110, 109);
        CHECK(api(server, "GET", "/account-info/2026-03/details", t.access_token).json() == details.json());
        check_gateway_error(api(server, "GET", "/account-info/v3/details", ""), 401, "INVALID_AUTHENTICATION");
        const auto me = api(server, "GET", "/integrations/v1/me", t.access_token);
        REQUIRE(me.status == 200);
        CHECK(me.json() == json{{"portalId", s.hub_id},
                                {"timeZone", "US/Eastern"},
                                {"currency", "USD"},
                                {"utcOffsetMilliseconds", -18000000},
                                {"utcOffset", "-05:00"}});
    }

    TEST_CASE("a hub's account settings come from the seed and the admin API") {
        auto& server = shared_server();
        app_options eu;
        eu.hublet = "eu1";
        const sandbox s = seed_sandbox(server, eu);
        json hub = server.admin("GET", "/admin/v1/hubs/" + std::to_string(s.hub_id)).json();
        CHECK(hub["account_type"] == "STANDARD");
        hub["account_type"] = "DEVELOPER_TEST";
        hub["time_zone"] = "Europe/Berlin";
        hub["currency"] = "EUR";
        hub["additional_currencies"] = {"USD", "GBP"};
        hub["utc_offset"] = "+01:00";
        REQUIRE(server.admin("POST", "/admin/v1/hubs", hub).status == 200);
        const json stored = server.admin("GET", "/admin/v1/hubs/" + std::to_string(s.hub_id)).json();
        CHECK(stored["currency"] == "EUR");
        CHECK(stored["additional_currencies"] == json::array({"USD", "GBP"}));

        const auto details = api(server, "GET", "/account-info/v3/details", authorize(server, s).access_token);
        REQUIRE(details.status == 200);
        CHECK(details.json() == json{{"portalId", s.hub_id},
                                     {"accountType", "DEVELOPER_TEST"},
                                     {"timeZone", "Europe/Berlin"},
                                     {"companyCurrency", "EUR"},
                                     {"additionalCurrencies", {"USD", "GBP"}},
                                     {"utcOffset", "+01:00"},
                                     {"utcOffsetMilliseconds", 3600000},
                                     {"uiDomain", "app-eu1.hubspot.com"},
                                     {"dataHostingLocation", "eu1"}});

        // An update that leaves the fields out keeps them.
        REQUIRE(server.admin("POST", "/admin/v1/hubs", {{"hub_id", s.hub_id}, {"hub_domain", s.hub_domain}, {"hublet", "eu1"}})
                    .status == 200);
        CHECK(server.admin("GET", "/admin/v1/hubs/" + std::to_string(s.hub_id)).json()["time_zone"] == "Europe/Berlin");

        for (const auto& [field, value] : std::vector<std::pair<std::string, json>>{
                 {"currency", "euro"}, {"utc_offset", "+1"}, {"account_type", "standard"},
                 {"additional_currencies", {"US"}}, {"time_zone", "Europe Berlin"}}) {
            INFO(field);
            json bad = hub;
            bad[field] = value;
            check_error(server.admin("POST", "/admin/v1/hubs", bad), 400, "", "invalid_request");
        }
        json bad_app = server.admin("GET", "/admin/v1/apps/" + std::to_string(s.app_id)).json();
        bad_app["rate_limit"] = 0;
        check_error(server.admin("POST", "/admin/v1/apps", bad_app), 400, "", "invalid_request");
    }

    TEST_CASE("forward-auth: GET /gateway/v1/check with nginx's and Traefik's headers") {
        auto& server = shared_gateway();
        const sandbox s = seed_sandbox(server);
        const token_pair t = authorize(server, s);
        const auto ok = api(server, "GET", "/gateway/v1/check", t.access_token,
                            {{"X-Original-URI", "/crm/v3/objects/contacts?limit=5"}, {"X-Original-Method", "GET"}});
        REQUIRE(ok.status == 200);
        CHECK(ok.header("X-HubSpot-Hub-Id") == std::to_string(s.hub_id));
        CHECK(ok.header("X-HubSpot-User-Id") == std::to_string(s.user_id));
        CHECK(ok.header("X-HubSpot-App-Id") == std::to_string(s.app_id));
        CHECK(ok.header("X-HubSpot-Scopes") == "oauth crm.objects.contacts.read");
        check_rate_headers(ok, 110, 109);

        const auto write = api(server, "GET", "/gateway/v1/check", t.access_token,
                               {{"X-Forwarded-Uri", "/crm/v3/objects/contacts"}, {"X-Forwarded-Method", "POST"}});
        check_gateway_error(write, 403, "MISSING_SCOPES");
        check_gateway_error(api(server, "GET", "/gateway/v1/check", "", {{"X-Forwarded-Uri", "/crm/v3/objects/contacts"}}),
                            401, "INVALID_AUTHENTICATION");
        check_gateway_error(api(server, "GET", "/gateway/v1/check", t.access_token), 400, "VALIDATION_ERROR");
        check_gateway_error(api(server, "GET", "/gateway/v1/check", t.access_token, {{"X-Original-URI", "/a/../b"}}), 400,
                            "VALIDATION_ERROR");
    }

    TEST_CASE("an app-level (client_credentials) token: checked by its own scopes, forwarded for no account") {
        auto& server = shared_gateway();
        app_options options;
        options.client_credentials_scopes = {"crm.objects.contacts.read", "oauth"};
        const sandbox s = seed_sandbox(server, options);
        header_list grant = client_fields(s);
        grant.emplace_back("grant_type", "client_credentials");
        const http_response issued = post_oauth(server, "2026-03", "token", grant);
        REQUIRE(issued.status == 200);
        const std::string token = issued.json().at("access_token");
        const auto scopes_of = [](std::string text) {
            std::vector<std::string> out;
            for (std::size_t at = 0; at <= text.size();) {
                const std::size_t end = std::min(text.find(' ', at), text.size());
                out.push_back(text.substr(at, end - at));
                at = end + 1;
            }
            std::sort(out.begin(), out.end());
            return out;
        };
        const std::vector<std::string> granted{"crm.objects.contacts.read", "oauth"};

        // Forwarded with the app and its scopes, and no account: no hub or user header, not even
        // one the client sent.
        const auto forwarded = api(server, "POST", "/crm/v3/objects/contacts/batch/read", token,
                                   {{"Content-Type", "application/json"},
                                    {"X-HubSpot-Hub-Id", "0"},
                                    {"X-HubSpot-User-Id", "7"}},
                                   R"({"inputs":[{"id":"1"}]})");
        REQUIRE(forwarded.status == 200);
        const json echo = forwarded.json();
        REQUIRE(echo.contains("headers"));
        const json& h = echo["headers"];
        CHECK_FALSE(h.contains("x-hubspot-hub-id"));
        CHECK_FALSE(h.contains("x-hubspot-user-id"));
        CHECK(h["x-hubspot-app-id"] == std::to_string(s.app_id));
        CHECK(scopes_of(h["x-hubspot-scopes"]) == granted);
        check_rate_headers(forwarded, 110, 109);

        // The scopes are the app's client_credentials scopes, checked as any token's.
        check_gateway_error(api(server, "GET", "/crm/v3/objects/deals", token), 403, "MISSING_SCOPES");

        // The forward-auth check names the app and no account either.
        const auto checked = api(server, "GET", "/gateway/v1/check", token,
                                 {{"X-Forwarded-Uri", "/crm/v3/objects/contacts"}, {"X-Forwarded-Method", "GET"}});
        REQUIRE(checked.status == 200);
        CHECK(checked.header_count("X-HubSpot-Hub-Id") == 0);
        CHECK(checked.header_count("X-HubSpot-User-Id") == 0);
        CHECK(checked.header("X-HubSpot-App-Id") == std::to_string(s.app_id));
        CHECK(scopes_of(checked.header("X-HubSpot-Scopes")) == granted);
        check_rate_headers(checked, 110, 107);

        // The account endpoints have no account to describe: 404, never a hub numbered 0.
        for (const char* path : {"/account-info/v3/details", "/account-info/2026-03/details", "/integrations/v1/me"}) {
            INFO(path);
            const auto account = api(server, "GET", path, token);
            check_error(account, 404, "NOT_FOUND");
            CHECK(account.body.find("portalId") == std::string::npos);
            CHECK(account.header_count("X-HubSpot-Hub-Id") == 0);
        }

        // Revoked (RFC 7009 on 2026-03): unknown to the gateway from then on.
        header_list revoke = client_fields(s);
        revoke.emplace_back("token", token);
        REQUIRE(post_oauth(server, "2026-03", "token/revoke", revoke).status == 200);
        check_gateway_error(api(server, "GET", "/crm/v3/objects/contacts", token), 401, "INVALID_AUTHENTICATION");
        check_gateway_error(api(server, "GET", "/account-info/v3/details", token), 401, "INVALID_AUTHENTICATION");
    }

    TEST_CASE("operations no table knows: allowed by default, 404 by configuration; user OpenAPI files add scopes") {
        echo_upstream echo;
        char path[] = "/tmp/hsoauth-spec-XXXXXX.json";
        const int fd = ::mkstemps(path, 5);
        REQUIRE(fd >= 0);
        ::close(fd);
        {
            std::ofstream spec(path);
            spec << json{{"openapi", "3.0.0"},
                         {"servers", json::array({{{"url", "https://api.hubapi.com/widgets/v1"}}})},
                         {"paths",
                          {{"/widgets/{widgetId}",
                            {{"get", {{"security", json::array({{{"oauth2", {"widgets.read"}}}})}}}}}}}}
                        .dump();
        }
        server_process server({{"--gateway-upstream", echo.url(), "--gateway-unknown-operations", "404",
                                "--gateway-spec-files", path}});
        server.start();
        const sandbox s = seed_sandbox(server);
        const token_pair t = authorize(server, s);
        check_error(api(server, "GET", "/no/such/api", t.access_token), 404, "NOT_FOUND");
        const auto widget = api(server, "GET", "/widgets/v1/widgets/7", t.access_token);
        check_gateway_error(widget, 403, "MISSING_SCOPES");
        CHECK(widget.json()["errors"][0]["context"]["requiredGranularScopes"] == json::array({"widgets.read"}));
        CHECK(api(server, "GET", "/crm/v3/objects/contacts", t.access_token).status == 200);
        std::remove(path);

        // By default, any valid token passes an unknown operation.
        CHECK(api(shared_gateway(), "GET", "/no/such/api",
                  authorize(shared_gateway(), seed_sandbox(shared_gateway())).access_token)
                  .status == 200);

        server_process bad({{"--gateway-spec-files", "/nonexistent/spec.json"}});
        CHECK_THROWS(bad.start());
        CHECK(bad.last_exit_status() == 2);
    }

    // Issue 15: a token belongs to its sandbox on every route family. A and B hold the very same
    // app (client id and secret), hub and user, so only the sandbox tells their tokens apart.
    TEST_CASE("sandboxes: a token of sandbox A is unknown to B on v1 metadata, 2026-03 introspection and the gateway") {
        server_process server({{"--gateway-upstream", shared_echo().url()}});
        server.start();
        const sandbox_client root = root_sandbox(server);
        const sandbox_client a = create_sandbox(server);
        const sandbox_client b = create_sandbox(server);
        const world wa = seed_world(a, "twin");
        const world wb = seed_world(b, "twin");
        REQUIRE(wa.client_id == wb.client_id);
        const issued_tokens ta = issue(a, wa);
        const issued_tokens tb = issue(b, wb);
        const std::string never = "C" + std::string(54, 'A');

        // v1 metadata: live in A, in B and at the root the answer of a token that never existed.
        CHECK(a.get("/oauth/v1/access-tokens/" + ta.access_token).status == 200);
        CHECK(a.get("/oauth/v1/refresh-tokens/" + ta.refresh_token).status == 200);
        const http_response never_v1 = b.get("/oauth/v1/access-tokens/" + never);
        REQUIRE(never_v1.status == 401);
        for (const sandbox_client* other : {&b, &root}) {
            CAPTURE(other->prefix);
            const http_response seen = other->get("/oauth/v1/access-tokens/" + ta.access_token);
            CHECK(seen.status == 401);
            CHECK(body_of(seen).value("status", "") == body_of(never_v1).value("status", ""));
            CHECK(body_of(seen).value("message", "") == body_of(never_v1).value("message", ""));
            CHECK(other->get("/oauth/v1/refresh-tokens/" + ta.refresh_token).status == 401);
        }

        // 2026-03 introspection: B's own client authenticates and sees its own tokens active,
        // A's inactive; A's client sees A's tokens active.
        const auto introspect = [](const sandbox_client& where, const world& w, const std::string& token) {
            const http_response r = where.form("/oauth/2026-03/token/introspect", {{"client_id", w.client_id},
                                                                                    {"client_secret", w.client_secret},
                                                                                    {"token", token}});
            INFO(where.prefix << " " << r.body);
            REQUIRE(r.status == 200);
            return r.json();
        };
        CHECK(introspect(a, wa, ta.access_token).at("active") == true);
        CHECK(introspect(a, wa, ta.refresh_token).at("active") == true);
        CHECK(introspect(b, wb, tb.access_token).at("active") == true);
        CHECK(introspect(b, wb, ta.access_token) == json{{"active", false}});
        CHECK(introspect(b, wb, ta.refresh_token) == json{{"active", false}});
        CHECK(introspect(a, wa, tb.access_token) == json{{"active", false}});
        // The root has no such client at all.
        CHECK(root.form("/oauth/2026-03/token/introspect",
                        {{"client_id", wa.client_id}, {"client_secret", wa.client_secret}, {"token", ta.access_token}})
                  .status == 401);

        // The gateway: A's token is forwarded under A's prefix (without the prefix), and is refused
        // under B's and at the root exactly like a token that never existed.
        const auto call = [&](const sandbox_client& where, const std::string& token) {
            return http_request(server.port(), "GET", where.prefix + "/echo/isolation?limit=1",
                                {{"Authorization", "Bearer " + token}});
        };
        const http_response own = call(a, ta.access_token);
        REQUIRE_MESSAGE(own.status == 200, own.body);
        CHECK(own.json()["url"] == "/echo/isolation?limit=1");
        CHECK(own.json()["headers"]["x-hubspot-hub-id"] == std::to_string(wa.hub_id));
        CHECK(call(b, tb.access_token).status == 200);
        const http_response never_gateway = call(b, never);
        check_gateway_error(never_gateway, 401, "INVALID_AUTHENTICATION");
        for (const sandbox_client* other : {&b, &root}) {
            CAPTURE(other->prefix);
            const http_response refused = call(*other, ta.access_token);
            check_gateway_error(refused, 401, "INVALID_AUTHENTICATION");
            CHECK(refused.json()["message"] == never_gateway.json()["message"]);
            CHECK(refused.header("X-HubSpot-Auth-Failure") == "401 Unauthorized");
        }
        check_gateway_error(call(a, tb.access_token), 401, "INVALID_AUTHENTICATION");
    }
}
