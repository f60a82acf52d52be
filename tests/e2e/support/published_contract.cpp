// HubSpot's published OAuth documents as the e2e tests validate against them, with the three
// gaps they leave filled. Each gap is a response the documents cannot describe; what hsoauth
// answers there is the choice and the README's ("Where hsoauth differs from HubSpot"):
//
// 1. An inactive token. RFC 7662 §2.2 answers {"active":false} and nothing else, but v3's and
//    2026-03's TokenInfoResponseBaseIF is a oneOf of the two active shapes, each requiring a
//    dozen members. Filled: a third branch, exactly {"active": false}. (2026-09's smaller schema
//    requires only `active` and needs nothing.)
// 2. A revocation's success. No version declares any status but `default` (the Error body) for
//    /token/revoke; hsoauth answers 200 with no body. Filled: a 200 without content, so the
//    check demands an empty body.
// 3. 2026-09's token success. Its /token declares only `default`; hsoauth answers what 2026-03's
//    /token answers. Filled: a 200 of 2026-03's TokenResponseIF, copied with the schemas it names.
#include <map>
#include <mutex>
#include <stdexcept>

#include "support/contract.hpp"

#ifndef HSOAUTH_SOURCE_DIR
#error "HSOAUTH_SOURCE_DIR must name the source tree"
#endif

namespace hsoauth::e2e {
namespace {

using nlohmann::json;

json load_document(std::string_view version) {
    return contract::load(std::string(HSOAUTH_SOURCE_DIR) +
                          "/tests/contract/hubspot-published/oauth-" + std::string(version) +
                          ".json")
        .spec();
}

void fill_gaps(std::string_view version, json& doc) {
    if (version == "v1") return;
    auto& schemas = doc["components"]["schemas"];
    auto& paths = doc["paths"];
    const std::string base = "/oauth/" + std::string(version) + "/token";
    // 2.
    paths[base + "/revoke"]["post"]["responses"]["200"] = {
        {"description", "revoked, or nothing to revoke: no body (hsoauth; undeclared by HubSpot)"}};
    if (version == "2026-09") {
        // 3.
        const json donor = load_document("2026-03");
        for (const char* name : {"TokenResponseIF", "AccessTokenResponse",
                                 "ClientCredentialsTokenResponse"}) {
            schemas[name] = donor["components"]["schemas"][name];
        }
        paths[base]["post"]["responses"]["200"] =
            donor["paths"]["/oauth/2026-03/token"]["post"]["responses"]["200"];
        return;
    }
    // 1.
    schemas["InactiveTokenInfoResponse"] = {
        {"type", "object"},
        {"required", json::array({"active"})},
        {"properties", {{"active", {{"type", "boolean"}, {"enum", json::array({false})}}}}},
        {"additionalProperties", false}};
    schemas["TokenInfoResponseBaseIF"]["oneOf"].push_back(
        {{"$ref", "#/components/schemas/InactiveTokenInfoResponse"}});
}

}  // namespace

const contract& published_contract(std::string_view version) {
    static std::mutex mutex;
    static std::map<std::string, contract, std::less<>> loaded;
    std::lock_guard lock(mutex);
    if (const auto it = loaded.find(version); it != loaded.end()) return it->second;
    json doc = load_document(version);
    fill_gaps(version, doc);
    return loaded.emplace(std::string(version), contract(std::move(doc))).first->second;
}

}  // namespace hsoauth::e2e
