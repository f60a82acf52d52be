#pragma once
// The JSON of the controls' admin API, fault files and the `faults` list of seed documents:
// fault rules in and out, events (one JSON object per line for NDJSON), and the integration
// report. Types and presence are checked here; the values by controls::check_rule.
//
// A rule: {"match": {"route", "path", "method", "client_id", "grant_type", "version",
// "hub_id"}, "action": {"kind", "status", "retry_after", "delay_ms", "commit"}, "skip",
// "times", "probability", "seed", "window": {"from", "until"} or {"after_seconds",
// "for_seconds"}}; keys starting with "_" are comments, any other key is refused.
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "hsoauth/controls/event.hpp"
#include "hsoauth/controls/fault_playbook.hpp"
#include "hsoauth/controls/integration_report.hpp"
#include "hsoauth/oauth/result.hpp"

namespace hsoauth::http::wire::admin_json {

// One rule. `sandbox_now` turns a relative window into sandbox times. invalid_field (naming
// the key, "action.kind") or missing_field (action, action.kind) otherwise; malformed_request
// when `body` is not an object.
oauth::result<controls::fault_rule> parse_fault_rule(const nlohmann::json& body,
                                                     std::int64_t sandbox_now);
// A playbook: an array of rules, or {"faults": [...]} (at most 1000 rules).
oauth::result<std::vector<controls::fault_rule>> parse_fault_list(const nlohmann::json& body,
                                                                  std::int64_t sandbox_now);
// Reads a fault file (JSON, as parse_fault_list takes it). Throws std::runtime_error naming
// the file and the problem.
std::vector<controls::fault_rule> read_fault_file(const std::string& path, std::int64_t sandbox_now);

// The "faults" list of a seed file (none when it has no such key). Throws as read_fault_file.
std::vector<controls::fault_rule> read_seed_file_faults(const std::string& path, std::int64_t sandbox_now);

nlohmann::json to_json(const controls::fault_rule& rule);
nlohmann::json to_json(const controls::rule_status& status);
nlohmann::json to_json(const controls::event& e);
nlohmann::json to_json(const controls::integration_report& report);

}  // namespace hsoauth::http::wire::admin_json
