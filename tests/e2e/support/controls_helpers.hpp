#pragma once

// The controls' admin API for e2e tests: fault rules, the event journal and the integration
// report. Every helper throws std::runtime_error quoting the response when the server does not
// answer as expected.

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "support/server_process.hpp"

namespace hsoauth::e2e {

// POST /admin/v1/faults with `rule`; returns the rule as stored (with its id); throws unless 201.
nlohmann::json add_fault(const server_process& server, const nlohmann::json& rule);
// GET /admin/v1/faults: the results.
nlohmann::json list_faults(const server_process& server);
// DELETE /admin/v1/faults; throws unless 204.
void clear_faults(const server_process& server);

// GET /admin/v1/events?<query>: the results of one page (at most 1000 events).
nlohmann::json events(const server_process& server, std::string_view query = "limit=1000");

// GET /admin/v1/apps/{app_id}/report; throws unless 200.
nlohmann::json report(const server_process& server, std::int64_t app_id);
// The finding (or notice) called `id` of a report, or null.
nlohmann::json finding(const nlohmann::json& report, std::string_view id);

}  // namespace hsoauth::e2e
