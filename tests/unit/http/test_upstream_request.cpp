// What the gateway forwards upstream (http/upstream_request.hpp) and how it shapes its refusals
// (http/wire/gateway/gateway_answers.hpp): pure functions, no server.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include <string>

#include "hsoauth/gateway/api_rate_limits.hpp"
#include "hsoauth/http/upstream_request.hpp"
#include "hsoauth/http/wire/gateway/gateway_answers.hpp"

using namespace hsoauth;
using nlohmann::json;

namespace {

http::request sample_request() {
    http::request req;
    req.method = "POST";
    req.target = "/crm/v3/objects/contacts?archived=false";
    req.path = "/crm/v3/objects/contacts";
    req.headers = {{"host", "127.0.0.1:8080"},       {"authorization", "Bearer C123"},
                   {"connection", "keep-alive, x-secret"}, {"x-secret", "for this hop"},
                   {"transfer-encoding", "chunked"}, {"content-length", "999"},
                   {"expect", "100-continue"},       {"x-hubspot-hub-id", "1"},
                   {"x-hubspot-scopes", "everything"}, {"content-type", "application/json"}};
    req.body = "{\"a\":1}";
    req.correlation_id = "0b8e6f6e-4f3a-4c1e-9d3b-2a1f5e6d7c8b";
    return req;
}

std::string header_value(const http::response& r, std::string_view name) {
    for (const auto& [n, v] : r.headers) {
        if (http::iequals(n, name)) return v;
    }
    return {};
}

}  // namespace

TEST_CASE("upstream request: method, target and body unchanged, hop-by-hop and spoofed identity headers dropped") {
    const auto bytes = http::upstream_request_bytes(sample_request(), {{"X-HubSpot-Hub-Id", "62515"}});
    CHECK(bytes.rfind("POST /crm/v3/objects/contacts?archived=false HTTP/1.1\r\n", 0) == 0);
    CHECK(bytes.find("host: 127.0.0.1:8080\r\n") != std::string::npos);
    CHECK(bytes.find("authorization: Bearer C123\r\n") != std::string::npos);
    CHECK(bytes.find("content-type: application/json\r\n") != std::string::npos);
    for (const char* dropped : {"connection:", "x-secret:", "transfer-encoding:", "content-length: 999", "expect:",
                                "x-hubspot-hub-id: 1\r\n", "x-hubspot-scopes:"}) {
        INFO(dropped);
        CHECK(bytes.find(dropped) == std::string::npos);
    }
    CHECK(bytes.find("X-HubSpot-Hub-Id: 62515\r\n") != std::string::npos);
    CHECK(bytes.find("X-HubSpot-Correlation-Id: 0b8e6f6e-4f3a-4c1e-9d3b-2a1f5e6d7c8b\r\n") != std::string::npos);
    CHECK(bytes.ends_with("Content-Length: 7\r\n\r\n{\"a\":1}"));
}

TEST_CASE("upstream request: a GET without a body has no Content-Length, a POST without one has 0") {
    auto req = sample_request();
    req.method = "GET";
    req.body.clear();
    CHECK(http::upstream_request_bytes(req, {}).find("Content-Length") == std::string::npos);
    req.method = "POST";
    CHECK(http::upstream_request_bytes(req, {}).find("Content-Length: 0\r\n") != std::string::npos);
}

TEST_CASE("upstream request: paths that could be read as another operation are ambiguous") {
    for (const char* path : {"/a/../b", "/a/./b", "/a/%2e%2E/b", "/a/.%2e/b", "/a/%2E", "/a/b%2Fc", "/a/b%5cc", "/..",
                             "/a/."}) {
        INFO(path);
        CHECK(http::has_ambiguous_segments(path));
    }
    for (const char* path : {"/crm/v3/objects/contacts", "/a/...", "/a/.b", "/a/b.", "/files/v3/files/report.pdf",
                             "/a/%2e%2e%2e", "/a/%25", "/"}) {
        INFO(path);
        CHECK_FALSE(http::has_ambiguous_segments(path));
    }
}

TEST_CASE("gateway: Search API calls are POSTs to /crm/…/search") {
    CHECK(gateway::is_search_call("POST", "/crm/v3/objects/contacts/search"));
    CHECK(gateway::is_search_call("POST", "/crm/v3/objects/2-123/search/?x=1"));
    CHECK(gateway::is_search_call("POST", "/crm/objects/2026-03/deals/search"));
    CHECK_FALSE(gateway::is_search_call("GET", "/crm/v3/objects/contacts/search"));
    CHECK_FALSE(gateway::is_search_call("POST", "/crm/v3/objects/contacts"));
    CHECK_FALSE(gateway::is_search_call("POST", "/cms/v3/search"));
    CHECK_FALSE(gateway::is_search_call("POST", "/crm/v3/objects/contacts/searches"));
}

TEST_CASE("gateway answers: HubSpot's bodies and headers for each refusal") {
    service::api_decision d;
    d.verdict = service::api_verdict::rate_limited;
    d.identity.app_id = 7;
    d.identity.hub_id = 9;
    d.rate = gateway::rate_decision{false, 110, 0, 10000, 2001};
    auto r = http::wire::gateway::refusal(d, "c");
    CHECK(r.status == 429);
    CHECK(header_value(r, "Retry-After") == "3");
    CHECK(header_value(r, "X-HubSpot-RateLimit-Remaining") == "0");
    const json limited = json::parse(r.body);
    CHECK(limited["policyName"] == "TEN_SECONDLY_ROLLING");
    CHECK(limited["status"] == "error");

    d.verdict = service::api_verdict::expired_authentication;
    d.rate.reset();
    d.expired_seconds_ago = 59;
    d.expired_at = 0;
    r = http::wire::gateway::refusal(d, "c");
    CHECK(r.status == 401);
    CHECK(json::parse(r.body)["message"] == "The OAuth token used to make this call expired 59 second(s) ago.");
    CHECK(json::parse(r.body)["context"]["expire time"][0] == "1970-01-01T00:00:00.000Z");
    CHECK(header_value(r, "X-HubSpot-RateLimit-Max").empty());

    d.verdict = service::api_verdict::missing_scopes;
    d.scopes.allowed = false;
    d.scopes.rule = gateway::scope_rule::all_of;
    d.scopes.required = {"a", "b"};
    r = http::wire::gateway::refusal(d, "c");
    CHECK(r.status == 403);
    CHECK(json::parse(r.body)["errors"][0]["message"] == "All of the following scopes are required.");
    CHECK(json::parse(r.body)["errors"][0]["context"]["requiredScopes"] == json::array({"a", "b"}));

    d.verdict = service::api_verdict::search_rate_limited;
    d.search_retry_after_ms = 1;
    r = http::wire::gateway::refusal(d, "c");
    CHECK(header_value(r, "Retry-After") == "1");
    CHECK(json::parse(r.body)["message"] == "You have reached your secondly limit.");
}

TEST_CASE("gateway answers: identity headers, without hub and user for an app-level token") {
    service::api_identity who{62515, 123, 456, "client",
                              storage::scope_text("oauth crm.objects.contacts.read")};
    auto headers = http::wire::gateway::identity_headers(who);
    REQUIRE(headers.size() == 4);
    CHECK(headers[3].second == "oauth crm.objects.contacts.read");
    who.hub_id = 0;
    headers = http::wire::gateway::identity_headers(who);
    REQUIRE(headers.size() == 2);
    CHECK(headers[0].first == "X-HubSpot-App-Id");
}
