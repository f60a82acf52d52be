// What a token's scopes allow, and what a refusal reports (gateway/scope_check.hpp).
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "hsoauth/gateway/operation_table.hpp"
#include "hsoauth/gateway/scope_check.hpp"

using namespace hsoauth::gateway;
using strings = std::vector<std::string>;

namespace {

const operation_table& hubspot_table() {
    static const operation_table table = operation_table::hubspot();
    return table;
}

const operation& hubspot_operation(std::string_view method, std::string_view path) {
    const operation* op = hubspot_table().match(method, path);
    REQUIRE(op != nullptr);
    return *op;
}

}  // namespace

TEST_CASE("gateway: scope_set keeps each scope once and answers membership") {
    const scope_set granted(strings{"oauth", "crm.objects.contacts.read", "oauth", "content"});
    CHECK(granted.size() == 3);
    CHECK(granted.contains("oauth"));
    CHECK(granted.contains("content"));
    CHECK_FALSE(granted.contains("crm.objects.contacts"));
    CHECK_FALSE(granted.contains(""));
    CHECK_FALSE(scope_set{}.contains("oauth"));
}

TEST_CASE("gateway: one required scope, missing, is reported as HubSpot's captured body has it") {
    const operation& op = hubspot_operation("GET", "/crm/v3/objects/contacts");
    const scope_verdict refused =
        check_scopes(op, scope_set{"oauth", "crm.objects.contacts.write"});
    CHECK_FALSE(refused.allowed);
    CHECK(refused.rule == scope_rule::any_of);
    CHECK(refused.message() == "One or more of the following scopes are required.");
    CHECK(refused.required == strings{"crm.objects.contacts.read"});

    const scope_verdict allowed = check_scopes(op, scope_set{"crm.objects.contacts.read"});
    CHECK(allowed.allowed);
    CHECK(allowed.required.empty());
}

TEST_CASE("gateway: any one of several scopes: every one of them is listed") {
    const operation& op = hubspot_operation("GET", "/marketing/v3/emails");
    const scope_verdict refused = check_scopes(op, scope_set{"oauth"});
    CHECK_FALSE(refused.allowed);
    CHECK(refused.rule == scope_rule::any_of);
    CHECK(refused.required == strings{"content", "marketing.email.read", "marketing.email.write"});
    CHECK(check_scopes(op, scope_set{"marketing.email.write"}).allowed);
    CHECK(check_scopes(op, scope_set{"content"}).allowed);
}

TEST_CASE("gateway: scopes needed together are reported as all of them") {
    const operation& op = hubspot_operation(
        "GET", "/crm/pipelines-rules/2026-09-beta/0-3/default/stage-edit-permissions");
    const scope_verdict refused = check_scopes(op, scope_set{"crm-pipelines-locked-stages-access"});
    CHECK_FALSE(refused.allowed);
    CHECK(refused.rule == scope_rule::all_of);
    CHECK(refused.message() == "All of the following scopes are required.");
    CHECK(refused.required ==
          strings{"crm-pipelines-locked-stages-access", "pipeline-level-permissions-access"});
    CHECK(check_scopes(op, scope_set{"crm-pipelines-locked-stages-access",
                                     "pipeline-level-permissions-access"})
              .allowed);
}

TEST_CASE("gateway: among several all-of alternatives the closest one is reported") {
    // DELETE /crm/lists/2025-09/{listId}: cms.membership.access_groups.write,crm.lists.read or
    // crm.lists.read,crm.lists.write.
    const operation& op = hubspot_operation("DELETE", "/crm/lists/2025-09/42");
    REQUIRE(op.scopes_any_of.size() == 2);

    const scope_verdict one_away = check_scopes(op, scope_set{"crm.lists.write"});
    CHECK_FALSE(one_away.allowed);
    CHECK(one_away.rule == scope_rule::all_of);
    CHECK(one_away.required == strings{"crm.lists.read", "crm.lists.write"});

    const scope_verdict other_one_away =
        check_scopes(op, scope_set{"cms.membership.access_groups.write"});
    CHECK(other_one_away.required ==
          strings{"cms.membership.access_groups.write", "crm.lists.read"});

    // Both two away: the first listed.
    const scope_verdict none = check_scopes(op, scope_set{});
    CHECK(none.rule == scope_rule::all_of);
    CHECK(none.required == strings{"cms.membership.access_groups.write", "crm.lists.read"});

    CHECK(check_scopes(op, scope_set{"crm.lists.read", "crm.lists.write"}).allowed);
}

TEST_CASE(
    "gateway: mixed alternatives: a single scope as close as a pair wins, and lists its peers") {
    const std::vector<scope_alternative> any_of = {{"b", "c"}, {"a"}, {"d", "e"}, {"f"}};
    const operation op{"GET", "/x", any_of};

    // {b,c} and {a} each miss one scope; the single scope is the simpler request: any_of a, f.
    const scope_verdict single = check_scopes(op, scope_set{"c"});
    CHECK(single.rule == scope_rule::any_of);
    CHECK(single.required == strings{"a", "f"});

    // With nothing granted, the singles miss one and the pairs two.
    CHECK(check_scopes(op, scope_set{}).required == strings{"a", "f"});

    // An operation of one pair: all_of, with both scopes, the granted one too.
    const operation pairs_only{"GET", "/y", std::span(any_of).first(1)};
    const scope_verdict pair = check_scopes(pairs_only, scope_set{"c"});
    CHECK(pair.rule == scope_rule::all_of);
    CHECK(pair.required == strings{"b", "c"});

    CHECK(check_scopes(op, scope_set{"d", "e"}).allowed);
    CHECK(check_scopes(op, scope_set{"f"}).allowed);
}

TEST_CASE("gateway: an operation naming no scope allows any token") {
    const operation open{"GET", "/open", {}};
    CHECK(check_scopes(open, scope_set{}).allowed);
}
