#pragma once

// Every admin answer a test receives through server_process::admin() is checked against the
// OpenAPI document the server under test serves itself (GET /openapi.json, fetched once per test
// process): the admin API's contract is the one hsoauth publishes, and an answer it does not
// describe fails the test that received it.

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "support/http_response.hpp"

namespace hsoauth::e2e {

// The document served at `port`'s GET /openapi.json, fetched on the first call and kept.
const nlohmann::json& served_openapi(std::uint16_t port);

// The document's path template that `path` (no query) matches, preferring literal segments;
// "" when none does.
std::string path_template_of(const nlohmann::json& document, std::string_view path);

// Everything wrong with `r` as the answer to `method target` per the served document.
std::vector<std::string> served_contract_issues(std::uint16_t port, std::string_view method, std::string_view target,
                                                const http_response& r);

// Reports each issue as a failed check of the running doctest test (nothing outside a test).
void check_served_contract(std::uint16_t port, std::string_view method, std::string_view target,
                           const http_response& r);

}  // namespace hsoauth::e2e
