// The OpenAPI document GET /openapi.json serves: merged from src/http/wire/ops/openapi/*.json, it describes every
// route of the route table, and fragments cannot contradict each other.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <string>

#include "hsoauth/app/assembly.hpp"
#include "hsoauth/config/config.hpp"
#include "hsoauth/http/router.hpp"
#include "hsoauth/http/wire/ops/openapi_fragments.hpp"
#include "hsoauth/http/wire/ops/ops_views.hpp"

using namespace hsoauth;
using nlohmann::json;

TEST_CASE("openapi: every route of the route table is in the served document") {
    const json document = json::parse(http::wire::ops::openapi_document());
    CHECK(document.at("openapi") == "3.1.0");
    for (const auto& route : http::all_routes()) {
        std::string method(route.method);
        std::transform(method.begin(), method.end(), method.begin(), [](unsigned char c) { return std::tolower(c); });
        const std::string path(route.pattern);
        INFO(route.method << " " << path << " (" << route.name << "): add it to a fragment in src/http/wire/ops/openapi/");
        REQUIRE(document.at("paths").contains(path));
        CHECK(document["paths"][path].contains(method));
    }
}

TEST_CASE("openapi: each fragment is JSON with paths, components and tags only; base.json is the top level") {
    bool base = false;
    for (const auto& fragment : http::wire::ops::embedded_openapi_fragments()) {
        INFO(fragment.name);
        const json parsed = json::parse(fragment.text, nullptr, false);
        REQUIRE(parsed.is_object());
        if (fragment.name == "base.json") {
            base = true;
            CHECK(parsed.contains("openapi"));
            continue;
        }
        for (const auto& [key, value] : parsed.items()) {
            CHECK((key == "paths" || key == "components" || key == "tags"));
        }
    }
    CHECK(base);
}

TEST_CASE("metrics_access: auto is open on loopback addresses only") {
    config::settings s;
    CHECK(app::metrics_access_of(s) == http::metrics_access::open);
    s.listen = "0.0.0.0:8080";
    CHECK(app::metrics_access_of(s) == http::metrics_access::admin_key);
    s.metrics_access = "open";
    CHECK(app::metrics_access_of(s) == http::metrics_access::open);
    s.metrics_access = "off";
    CHECK(app::metrics_access_of(s) == http::metrics_access::off);
    s.listen = "127.0.0.1:8080";
    s.tls_listen = "[::1]:8443";
    s.metrics_access = "auto";
    CHECK(app::metrics_access_of(s) == http::metrics_access::open);
}
