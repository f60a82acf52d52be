#pragma once
// The JSON of hsoauth's admin API and seed documents: bodies into the registry's inputs (types
// and presence; the registry checks the values), records into bodies. Shared by the admin views
// and the seed file reader.
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "hsoauth/admin/registry.hpp"
#include "hsoauth/oauth/result.hpp"

namespace hsoauth::http::wire::admin_json {

// `text` as a JSON document, without exceptions. malformed_request when it is empty or not JSON
// (the detail gives the line and column of the first syntax error).
oauth::result<nlohmann::json> parse_body(std::string_view text);

// Every body below is checked against the list of members its entity has (admin_json.cpp, beside
// the function that reads it): a member not in the list is invalid_field naming it, so a typo is
// refused rather than ignored. Members whose name starts with "_" are comments, allowed anywhere.

// Bodies into inputs. missing_field when a required member is absent or null; invalid_field when
// a member has the wrong type (lists: arrays of at most 200 strings, repeats dropped; ids:
// positive integers) or is unknown; malformed_request when the body is not an object. A user's
// hubs are `hub_ids`, `hub_domains` (hubs named by domain) or both.
oauth::result<admin::app_input> parse_app(const nlohmann::json& body);
oauth::result<admin::hub_input> parse_hub(const nlohmann::json& body);
oauth::result<admin::user_input> parse_user(const nlohmann::json& body);
// A seed: {"hubs": [...], "users": [...], "apps": [...]}; keys starting with "_" are comments;
// "faults" is a playbook the controls read (controls_json.hpp). An entry's error detail starts
// with its place ("apps[1]: …").
oauth::result<admin::seed_document> parse_seed(const nlohmann::json& body);

// The bodies the admin views read member by member: the body as is when it is an object whose
// members are all known; malformed_request when not an object, invalid_field for an unknown member.
oauth::result<nlohmann::json> code_request_body(const nlohmann::json& body);    // authorization-codes
oauth::result<nlohmann::json> clock_body(const nlohmann::json& body);           // clock
oauth::result<nlohmann::json> storage_faults_body(const nlohmann::json& body);  // storage-faults
oauth::result<nlohmann::json> auto_approve_body(const nlohmann::json& body);    // auto-approve
oauth::result<nlohmann::json> reset_body(const nlohmann::json& body);           // reset: no members
oauth::result<nlohmann::json> sandbox_restore_body(const nlohmann::json& body);  // sandboxes/{id}/restore
oauth::result<nlohmann::json> sandbox_create_body(const nlohmann::json& body);   // POST sandboxes

// Records into bodies. The client secret digest is never shown; `secret` is added when given.
nlohmann::json to_json(const storage::app_record& app,
                       const std::optional<std::string>& secret = {});
nlohmann::json to_json(const storage::hub_record& hub);
nlohmann::json to_json(const storage::user_record& user);
nlohmann::json to_json(const storage::install_record& install);
nlohmann::json to_json(const admin::seed_outcome& outcome);

}  // namespace hsoauth::http::wire::admin_json
