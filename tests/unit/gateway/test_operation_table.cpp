// Which operation a request is (gateway/operation_table.hpp), against HubSpot's embedded table.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "hsoauth/app/assembly.hpp"
#include "hsoauth/config/config.hpp"
#include "hsoauth/gateway/operation_table.hpp"
#include "hsoauth/gateway/scope_check.hpp"

using namespace hsoauth::gateway;

namespace {

const operation_table& hubspot_table() {
    static const operation_table table = operation_table::hubspot();
    return table;
}

// The template of the operation `method target` matches, or "(none)".
std::string matched(const operation_table& table, std::string_view method,
                    std::string_view target) {
    const operation* op = table.match(method, target);
    return op ? op->method + " " + op->path : "(none)";
}

std::string matched(std::string_view method, std::string_view target) {
    return matched(hubspot_table(), method, target);
}

// The alternatives of the operation `method target` matches, in the table's notation.
std::string scopes_of(const operation_table& table, std::string_view method,
                      std::string_view target) {
    const operation* op = table.match(method, target);
    if (!op) return "(none)";
    std::string text;
    for (const auto& alternative : op->scopes_any_of) {
        if (!text.empty()) text += '|';
        for (std::size_t i = 0; i < alternative.size(); ++i)
            text += (i ? "," : "") + alternative[i];
    }
    return text;
}

std::string scopes_of(std::string_view method, std::string_view target) {
    return scopes_of(hubspot_table(), method, target);
}

std::vector<std::string_view> split(std::string_view text, char separator) {
    std::vector<std::string_view> parts;
    for (std::size_t at = 0;;) {
        const std::size_t end = text.find(separator, at);
        parts.push_back(
            text.substr(at, end == std::string_view::npos ? std::string_view::npos : end - at));
        if (end == std::string_view::npos) return parts;
        at = end + 1;
    }
}

}  // namespace

TEST_CASE("gateway: HubSpot's table loads with its 3,590 operations") {
    const operation_table& table = hubspot_table();
    CHECK(table.size() == 3590);
    // Six pairs of templates differ only in a parameter's name ({folderId} and {folderPath}).
    CHECK(table.route_count() == 3584);
    CHECK(embedded_scope_table_text().size() < 1024 * 1024);
    CHECK(embedded_scope_table_text().starts_with(
        "# HubSpot API operations and the OAuth scopes each requires.\n"
        "# Source: HubSpot's published OpenAPI security blocks, snapshot 2026-08-21."));
}

TEST_CASE("gateway: every operation of the table is matched by a path made from its own template") {
    // Each {parameter} replaced by a value no literal uses: the operation itself must answer (or
    // its twin with the same route), with the scopes the table lists for it.
    const operation_table& table = hubspot_table();
    std::size_t checked = 0;
    std::vector<std::string> failures;
    for (const std::string_view line : split(embedded_scope_table_text(), '\n')) {
        if (line.empty() || line.front() == '#' || line.front() == '@') continue;
        const auto fields = split(line, '\t');
        REQUIRE(fields.size() == 3);
        std::string path;
        for (const std::string_view segment : split(fields[1], '/')) {
            if (segment.empty()) continue;
            path += '/';
            path += segment.front() == '{' ? "v4lue-1" : std::string(segment);
        }
        if (fields[1].back() == '/') path += '/';
        const operation* op = table.match(fields[0], path);
        ++checked;
        if (!op || op->method != fields[0]) {
            failures.push_back(std::string(fields[0]) + " " + path + " -> " +
                               matched(table, fields[0], path));
            continue;
        }
        std::string shape = op->path;
        if (op->path != fields[1] && op->path.find("{folderPath}") != std::string::npos) {
            shape.replace(shape.find("{folderPath}"), 12, "{folderId}");
        }
        if (shape != fields[1])
            failures.push_back(std::string(fields[1]) + " answered by " + op->path);
        if (!fields[2].starts_with('@') && scopes_of(table, fields[0], path) != fields[2]) {
            failures.push_back(std::string(fields[1]) + " scopes " +
                               scopes_of(table, fields[0], path));
        }
    }
    CHECK(checked == 3590);
    CHECK(failures == std::vector<std::string>{});
}

TEST_CASE("gateway: match finds templates with several parameters") {
    CHECK(
        matched("GET", "/automation/v4/actions/123/456/functions/PRE_ACTION_EXECUTION/789") ==
        "GET /automation/v4/actions/{appId}/{definitionId}/functions/{functionType}/{functionId}");
    CHECK(scopes_of("GET", "/automation/v4/actions/123/456/functions/PRE_ACTION_EXECUTION/789") ==
          "developers-read");
    CHECK(matched("PUT", "/crm/v4/objects/contacts/101/associations/companies/202") ==
          "PUT /crm/v4/objects/{objectType}/{objectId}/associations/{toObjectType}/{toObjectId}");
    CHECK(matched("PUT", "/crm/v4/objects/contacts/101/associations/default/companies/202") ==
          "PUT "
          "/crm/v4/objects/{fromObjectType}/{fromObjectId}/associations/default/{toObjectType}/"
          "{toObjectId}");
    CHECK(
        matched("GET", "/crm/pipelines-rules/2026-09-beta/0-3/default/stage-edit-permissions") ==
        "GET /crm/pipelines-rules/2026-09-beta/{objectTypeId}/{pipelineId}/stage-edit-permissions");
}

TEST_CASE(
    "gateway: a literal segment beats a parameter, and the lookup backtracks for the method") {
    CHECK(matched("GET", "/automation/v4/flows/email-campaigns") ==
          "GET /automation/v4/flows/email-campaigns");
    CHECK(matched("GET", "/automation/v4/flows/123") == "GET /automation/v4/flows/{flowId}");
    // email-campaigns has only GET: a DELETE of it is the DELETE of a flow with that id.
    CHECK(matched("DELETE", "/automation/v4/flows/email-campaigns") ==
          "DELETE /automation/v4/flows/{flowId}");
    CHECK(matched("GET", "/automation/v4/flows/performance/123") ==
          "GET /automation/v4/flows/performance/{flowId}");
}

TEST_CASE("gateway: how match reads a request path") {
    SUBCASE("the query string and a fragment are ignored") {
        CHECK(matched("GET", "/crm/v3/objects/contacts?limit=10&after=/x/") ==
              "GET /crm/v3/objects/contacts");
        CHECK(matched("GET", "/crm/v3/objects/contacts/1?properties=email#top") ==
              "GET /crm/v3/objects/contacts/{contactId}");
    }
    SUBCASE("a trailing slash and empty segments") {
        CHECK(matched("GET", "/crm/v3/objects/contacts/") == "GET /crm/v3/objects/contacts");
        CHECK(matched("GET", "//crm///v3/objects//contacts") == "GET /crm/v3/objects/contacts");
        // HubSpot lists both "/marketing/v3/emails" and "/marketing/v3/emails/".
        CHECK(matched("GET", "/marketing/v3/emails/") == "GET /marketing/v3/emails/");
        CHECK(scopes_of("GET", "/marketing/v3/emails/") == "content");
        CHECK(matched("GET", "/marketing/v3/emails") == "GET /marketing/v3/emails");
        CHECK(scopes_of("GET", "/marketing/v3/emails") ==
              "content|marketing.email.read|marketing.email.write");
        CHECK(matched("GET", "/marketing/v3/emails?next=/") == "GET /marketing/v3/emails");
        // Only the template without a slash exists for PATCH on an email: a slash still finds it.
        CHECK(matched("PATCH", "/marketing/v3/emails/42/") ==
              "PATCH /marketing/v3/emails/{emailId}");
    }
    SUBCASE("percent-encoding is decoded per segment") {
        CHECK(matched("GET", "/crm/v3/objects/%63ontacts") == "GET /crm/v3/objects/contacts");
        CHECK(matched("GET", "/crm/v3/objects/%64%65als") == "GET /crm/v3/objects/0-3");
        // %2F is data inside one segment: one folder path, not two segments.
        CHECK(matched("GET", "/files/v3/folders/a%2Fb%2Fc")
                  .starts_with("GET /files/v3/folders/{folder"));
        CHECK(matched("GET", "/files/v3/folders/a/b/c") == "(none)");
        // Several encoded segments, long enough together to outgrow a short string's buffer.
        CHECK(matched("GET",
                      "/crm/v3/%6fbjects/%63ontacts/%31234567890123456789012345678901234567890") ==
              "GET /crm/v3/objects/contacts/{contactId}");
        CHECK(matched("POST", "/crm/objects/2026-03/%30-162/%6derge?x=%41") ==
              "POST /crm/objects/2026-03/services/merge");
        // A malformed escape stays as it is and fits a parameter only.
        CHECK(matched("GET", "/automation/v4/flows/%zz") == "GET /automation/v4/flows/{flowId}");
        CHECK(matched("GET", "/automation/v4/flows/%4") == "GET /automation/v4/flows/{flowId}");
    }
    SUBCASE("dot segments are resolved before matching") {
        CHECK(matched("GET", "/crm/v3/objects/contacts/../0-3") == "GET /crm/v3/objects/0-3");
        CHECK(matched("GET", "/crm/v3/objects/contacts/%2e%2e/%2E%2E/owners") ==
              "GET /crm/v3/owners");
        CHECK(matched("GET", "/crm/v3/./objects/./contacts") == "GET /crm/v3/objects/contacts");
        CHECK(matched("GET", "/../../crm/v3/objects/contacts") == "GET /crm/v3/objects/contacts");
    }
    SUBCASE("methods") {
        CHECK(matched("HEAD", "/crm/v3/objects/contacts") == "GET /crm/v3/objects/contacts");
        CHECK(matched("get", "/crm/v3/objects/contacts") ==
              "(none)");  // methods are case-sensitive
        CHECK(matched("BREW", "/crm/v3/objects/contacts") == "(none)");
        CHECK(matched("PUT", "/crm/v3/objects/contacts") == "(none)");  // no such operation
    }
    SUBCASE("what matches nothing") {
        CHECK(matched("GET", "") == "(none)");
        CHECK(matched("GET", "*") == "(none)");
        CHECK(matched("GET", "http://api.hubapi.com/crm/v3/objects/contacts") == "(none)");
        CHECK(matched("GET", "/") == "(none)");
        CHECK(matched("GET", "/no/such/api") == "(none)");
        CHECK(matched("GET", "/crm/v3/objects/contacts/1/2/3/4/5/6/7/8/9") == "(none)");
        std::string deep;
        for (int i = 0; i < 200; ++i) deep += "/a";
        CHECK(matched("GET", deep) == "(none)");
        CHECK(matched("GET", "/CRM/v3/objects/contacts") == "(none)");  // paths are case-sensitive
    }
}

TEST_CASE("gateway: an object's name and ID reach the object's own operations") {
    SUBCASE("/crm/v3/objects: deals are listed under 0-3, contacts under their name") {
        CHECK(matched("GET", "/crm/v3/objects/deals") == "GET /crm/v3/objects/0-3");
        CHECK(scopes_of("GET", "/crm/v3/objects/deals") == "crm.objects.deals.read");
        CHECK(matched("GET", "/crm/v3/objects/0-3") == "GET /crm/v3/objects/0-3");
        CHECK(matched("GET", "/crm/v3/objects/deals/77") == "GET /crm/v3/objects/0-3/{dealId}");
        CHECK(matched("POST", "/crm/v3/objects/deals/search") == "POST /crm/v3/objects/0-3/search");
        CHECK(matched("POST", "/crm/v3/objects/deals/batch/read") ==
              "POST /crm/v3/objects/0-3/batch/read");
        CHECK(scopes_of("POST", "/crm/v3/objects/deals/batch/read") == "crm.objects.deals.read");
        CHECK(matched("GET", "/crm/v3/objects/0-1") == "GET /crm/v3/objects/contacts");
        CHECK(matched("PATCH", "/crm/v3/objects/0-1/5") ==
              "PATCH /crm/v3/objects/contacts/{contactId}");
        CHECK(matched("POST", "/crm/v3/objects/0-5/search") ==
              "POST /crm/v3/objects/tickets/search");
        CHECK(matched("GET", "/crm/v3/objects/services") == "GET /crm/v3/objects/0-162");
        CHECK(matched("DELETE", "/crm/v3/objects/listings/9") ==
              "DELETE /crm/v3/objects/0-420/{listingId}");
        CHECK(matched("GET", "/crm/v3/objects/courses/9") ==
              "GET /crm/v3/objects/0-410/{courseId}");
        CHECK(matched("POST", "/crm/v3/objects/0-8/batch/create") ==
              "POST /crm/v3/objects/line_items/batch/create");
    }
    SUBCASE("dated versions") {
        CHECK(matched("GET", "/crm/objects/2026-03/deals/77") ==
              "GET /crm/objects/2026-03/0-3/{dealId}");
        CHECK(matched("GET", "/crm/objects/2026-03/0-2") == "GET /crm/objects/2026-03/companies");
        // Services have merge only under their name here and search only under their ID: each
        // sub-path finds its own, from either spelling.
        CHECK(matched("POST", "/crm/objects/2026-03/0-162/merge") ==
              "POST /crm/objects/2026-03/services/merge");
        CHECK(matched("POST", "/crm/objects/2026-03/services/merge") ==
              "POST /crm/objects/2026-03/services/merge");
        CHECK(matched("POST", "/crm/objects/2026-03/services/search") ==
              "POST /crm/objects/2026-03/0-162/search");
        CHECK(scopes_of("POST", "/crm/objects/2026-03/services/search") ==
              "crm.objects.services.read");
        CHECK(matched("GET", "/crm/objects/v3/0-970/1") ==
              "GET /crm/objects/v3/projects/{projectId}");
        CHECK(matched("POST", "/crm/objects/v3/0-3/splits/batch/read") ==
              "POST /crm/objects/v3/deals/splits/batch/read");
        CHECK(matched("POST", "/crm/objects/2026-09-beta/0-420/merge") ==
              "POST /crm/objects/2026-09-beta/listings/merge");
    }
    SUBCASE("custom objects and unknown names meet the generic template") {
        CHECK(matched("GET", "/crm/v3/objects/2-12345") == "GET /crm/v3/objects/{objectType}");
        CHECK(matched("GET", "/crm/v3/objects/2-12345/9") ==
              "GET /crm/v3/objects/{objectType}/{objectId}");
        CHECK(matched("GET", "/crm/v3/objects/p_my_object") == "GET /crm/v3/objects/{objectType}");
        CHECK(matched("GET", "/crm/objects/2026-03/2-12345") ==
              "GET /crm/objects/2026-03/{objectType}");
    }
    SUBCASE(
        "the generic template lets an oauth-only token through; the object's own entry does not") {
        const scope_set oauth_only{"oauth"};
        CHECK(check_scopes(*hubspot_table().match("GET", "/crm/v3/objects/2-12345"), oauth_only)
                  .allowed);
        const scope_verdict deals =
            check_scopes(*hubspot_table().match("GET", "/crm/v3/objects/deals"), oauth_only);
        CHECK_FALSE(deals.allowed);
        CHECK(deals.required == std::vector<std::string>{"crm.objects.deals.read"});
    }
    SUBCASE("only where a parameter names an object type") {
        // /settings/v3 lists "users" but takes no object type there: 0-115 is not users.
        CHECK(matched("GET", "/settings/v3/users/roles") == "GET /settings/v3/users/roles");
        CHECK(matched("GET", "/settings/v3/0-115/roles") == "(none)");
    }
}

TEST_CASE("gateway: a user's OpenAPI document adds and overrides operations") {
    operation_table table = operation_table::hubspot();
    const nlohmann::json document = {
        {"openapi", "3.0.1"},
        {"servers", {{{"url", "https://api.hubapi.com"}}}},
        {"security", {{{"oauth2", {"root.scope"}}}}},
        {"paths",
         {{"/crm/v3/objects/contacts/{id}",  // HubSpot's route, another parameter name
           {{"get",
             {{"security",
               {{{"oauth2", {"my.contacts.read"}}}, {{"private_apps", {"my.contacts.read"}}}}}}},
            {"parameters", nlohmann::json::array()}}},
          {"/crm/v3/objects/0-3",  // HubSpot's template exactly
           {{"get", {{"security", {{{"oauth2", {"deals.a", "deals.b"}}}}}}}}},
          {"/widgets/v1/things/{thingId}",
           {{"post",
             {{"security",
               {{{"developer_hapikey", nlohmann::json::array()}}, {{"oauth2", {"w.write"}}}}}}},
            {"get", nlohmann::json::object()},                         // the document's security
            {"delete", {{"security", nlohmann::json::array()}}}}}}}};  // no security: any token

    CHECK(table.add_openapi_document(document) == 5);
    CHECK(table.size() == 3590 + 4);         // GET /crm/v3/objects/0-3 replaced in place
    CHECK(table.route_count() == 3584 + 3);  // the contacts route was HubSpot's already

    CHECK(matched(table, "GET", "/crm/v3/objects/contacts/5") ==
          "GET /crm/v3/objects/contacts/{id}");
    CHECK(scopes_of(table, "GET", "/crm/v3/objects/contacts/5") ==
          "my.contacts.read");  // one alternative
    CHECK(matched(table, "GET", "/crm/v3/objects/deals") == "GET /crm/v3/objects/0-3");
    CHECK(scopes_of(table, "GET", "/crm/v3/objects/deals") == "deals.a,deals.b");
    CHECK(scopes_of(table, "POST", "/crm/v3/objects/deals") ==
          "crm.objects.deals.write");  // untouched
    CHECK(scopes_of(table, "POST", "/widgets/v1/things/1") == "w.write");
    CHECK(scopes_of(table, "GET", "/widgets/v1/things/1") == "root.scope");
    CHECK(scopes_of(table, "DELETE", "/widgets/v1/things/1") == "");
    CHECK(check_scopes(*table.match("DELETE", "/widgets/v1/things/1"), scope_set{}).allowed);
    // The original is untouched.
    CHECK(scopes_of("GET", "/crm/v3/objects/contacts/5") == "crm.objects.contacts.read");
}

TEST_CASE("gateway: an OpenAPI document's server path prefixes its paths") {
    operation_table table;
    const nlohmann::json document = {
        {"servers", {{{"url", "https://mock.example/api/v9/"}}}},
        {"paths", {{"/widgets", {{"get", {{"security", {{{"oauth2", {"w.read"}}}}}}}}}}}};
    CHECK(table.add_openapi_document(document) == 1);
    CHECK(matched(table, "GET", "/api/v9/widgets") == "GET /api/v9/widgets");
    CHECK(matched(table, "GET", "/widgets") == "(none)");

    operation_table variable_server;
    const nlohmann::json templated = {
        {"servers", {{{"url", "https://{region}.example/{base}"}}}},
        {"paths", {{"/widgets", {{"get", nlohmann::json::object()}}}}}};
    variable_server.add_openapi_document(templated);
    CHECK(matched(variable_server, "GET", "/widgets") == "GET /widgets");
}

TEST_CASE("gateway: a malformed document or table is refused whole") {
    operation_table table = operation_table::hubspot();
    const auto refused_whole = [&](const auto& add, std::string_view expected_message) {
        std::string message;
        try {
            add();
        } catch (const std::invalid_argument& e) {
            message = e.what();
        }
        CHECK(message == expected_message);
        CHECK(table.size() == 3590);
        CHECK(table.route_count() == 3584);
        CHECK(matched(table, "GET", "/fine/v1/a") == "(none)");
    };
    refused_whole([&] { table.add_openapi_document(nlohmann::json::object()); },
                  "OpenAPI document has no paths object");
    refused_whole(
        [&] {
            table.add_openapi_document(
                {{"paths",
                  {{"/fine/v1/a", {{"get", nlohmann::json::object()}}},
                   {"/fine/v1/b", {{"get", {{"security", {{{"oauth2", "x"}}}}}}}}}}});
        },
        "GET /fine/v1/b: the scopes of oauth2 are not a list");
    refused_whole(
        [&] {
            table.add_openapi_document(
                {{"paths", {{"fine/v1/c", {{"get", nlohmann::json::object()}}}}}});
        },
        "GET fine/v1/c: path template \"fine/v1/c\" does not start with '/'");
    refused_whole(
        [&] { table.add_table_text("GET\t/fine/v1/a\tx\n# comment\nGET\t/fine/v1/b\tx,,y\n"); },
        "scope table line 3: malformed scope list \"x,,y\"");
    refused_whole([&] { table.add_table_text("GET\t/fine/v1/a\t@1\n"); },
                  "scope table line 1: @1 is not defined above");
    refused_whole([&] { table.add_table_text("FETCH\t/fine/v1/a\tx\n"); },
                  "scope table line 1: unknown method \"FETCH\"");
    refused_whole([&] { table.add_table_text("GET /fine/v1/a x\n"); },
                  "scope table line 1: expected METHOD<TAB>PATH<TAB>ALTERNATIVES");
}

TEST_CASE("gateway: table text with shared sets, and add() overriding by route") {
    operation_table table;
    CHECK(table.add_table_text(
              "# a comment\n\n@1\ta|b,c\nGET\t/x/{id}\t@1\nPOST\t/x/{id}\t@1\nGET\t/x/me\td\n") ==
          3);
    CHECK(scopes_of(table, "GET", "/x/7") == "a|b,c");
    CHECK(scopes_of(table, "POST", "/x/7") == "a|b,c");
    CHECK(scopes_of(table, "GET", "/x/me") == "d");
    // Duplicates collapse: the same scope twice in an alternative, the same alternative twice.
    table.add("GET", "/x/{other}", {{"e", "e"}, {"e"}, {"f"}});
    CHECK(matched(table, "GET", "/x/7") == "GET /x/{other}");
    CHECK(scopes_of(table, "GET", "/x/7") == "e|f");
    CHECK(table.size() == 4);
    CHECK(table.route_count() == 3);
    CHECK_THROWS_AS(table.add("GET", "/x", {{}}), std::invalid_argument);
    CHECK_THROWS_AS(table.add("GET", "x", {{"a"}}), std::invalid_argument);
    CHECK_THROWS_AS(table.add("GET", "/x", {{"a b"}}), std::invalid_argument);
    CHECK_THROWS_AS(table.add("GET", "/x", {{""}}), std::invalid_argument);
    CHECK(table.size() == 4);

    // A scope may hold ',' or '|' (RFC 6749 allows them): sets that would read alike stay apart.
    table.add("GET", "/p", {{"a,b"}});
    table.add("GET", "/q", {{"a", "b"}});
    table.add("GET", "/r", {{"a"}, {"b"}});
    table.add("GET", "/s", {{"a|b"}});
    CHECK(table.match("GET", "/p")->scopes_any_of.size() == 1);
    CHECK(table.match("GET", "/p")->scopes_any_of[0] == scope_alternative{"a,b"});
    CHECK(table.match("GET", "/q")->scopes_any_of[0] == scope_alternative{"a", "b"});
    CHECK(table.match("GET", "/r")->scopes_any_of.size() == 2);
    CHECK(table.match("GET", "/s")->scopes_any_of[0] == scope_alternative{"a|b"});
}

TEST_CASE("gateway: every sandbox's gateway shares HubSpot's one table, built once") {
    // A sandbox's creation must not build the 3,590 operations again (issue 15's 20 ms budget).
    const hsoauth::config::settings defaults;
    const auto first = hsoauth::app::gateway_settings_of(defaults);
    const auto second = hsoauth::app::gateway_settings_of(defaults);
    REQUIRE(first.operations != nullptr);
    CHECK(first.operations == second.operations);
    CHECK(first.operations->match("GET", "/integrations/v1/me") != nullptr);
}
