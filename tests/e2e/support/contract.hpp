#pragma once

// Response validation against the OpenAPI contract (tests/contract/*-openapi.json).

#include <nlohmann/json.hpp>
#include <source_location>
#include <string>
#include <string_view>
#include <vector>

#include "support/http_response.hpp"

namespace hsoauth::e2e {

class contract {
  public:
    // The contract at HSOAUTH_SPEC_JSON, loaded on first use. Throws if unreadable.
    static const contract& instance();
    // Loads an OpenAPI document from a JSON file. Throws std::runtime_error on failure.
    static contract load(const std::string& path);

    explicit contract(nlohmann::json spec) : spec_(std::move(spec)) {}

    // Everything wrong with answering `method path_template` with `status` and `body`
    // (nullptr = empty body); empty when it conforms. Each message names the operation and the
    // JSON pointer of the offending value. Status lookup: exact code, then "4XX"-style range,
    // then "default"; none is a violation. A response declared without content requires an
    // empty body; one with content requires an application/json body matching its schema.
    // `closed`: objects may hold only the members their schema declares (validate_schema).
    std::vector<std::string> violations(std::string_view path_template, std::string_view method,
                                        int status, const nlohmann::json& body,
                                        bool closed = false) const;

    const nlohmann::json& spec() const { return spec_; }

  private:
    nlohmann::json spec_;
};

// contract::violations for `r` (empty body = nullptr), plus: a non-empty body must be JSON
// and carry exactly one "Content-Type: application/json;charset=utf-8". No doctest involved.
std::vector<std::string> conformance_issues(std::string_view path_template, std::string_view method,
                                            const http_response& r,
                                            const contract& spec = contract::instance(),
                                            bool closed = false);

// HubSpot's published document of OAuth `version` ("v1", "v3", "2026-03", "2026-09", from
// tests/contract/hubspot-published/), loaded once, with the gaps it leaves filled as written
// down in published_contract.cpp (each names what the document does not declare and what
// hsoauth answers instead). Throws if unreadable.
const contract& published_contract(std::string_view version);

// Checks `r` against published_contract(version): successful answers closed (exactly their
// schema's members), error bodies open (they carry the union of Error, HubSpot's status and RFC
// 6749's error). Reported as failed doctest CHECKs at the caller's line.
void check_published(std::string_view version, std::string_view path_template,
                     std::string_view method, const http_response& r,
                     std::source_location where = std::source_location::current());

// Reports each conformance_issues entry as a failed doctest CHECK at the caller's line.
void check_conforms(std::string_view path_template, std::string_view method, const http_response& r,
                    std::source_location where = std::source_location::current());

}  // namespace hsoauth::e2e
