// The doctest-facing half of contract.hpp: report conformance issues as test failures.

#include <doctest/doctest.h>

#include "support/contract.hpp"

namespace hsoauth::e2e {

void check_conforms(std::string_view path_template, std::string_view method, const http_response& r,
                    std::source_location where) {
    for (const auto& issue : conformance_issues(path_template, method, r)) {
        const std::string message = issue + "\n  response body: " + r.body.substr(0, 500);
        ADD_FAIL_CHECK_AT(where.file_name(), static_cast<int>(where.line()), message);
    }
}

void check_published(std::string_view version, std::string_view path_template,
                     std::string_view method, const http_response& r, std::source_location where) {
    const bool success = r.status >= 200 && r.status < 300;
    for (const auto& issue : conformance_issues(path_template, method, r,
                                                published_contract(version), success)) {
        const std::string message = "HubSpot " + std::string(version) + " document: " + issue +
                                    "\n  response body: " + r.body.substr(0, 500);
        ADD_FAIL_CHECK_AT(where.file_name(), static_cast<int>(where.line()), message);
    }
}

}  // namespace hsoauth::e2e
