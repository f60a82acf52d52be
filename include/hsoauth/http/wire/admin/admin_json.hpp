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

// `text` as a JSON document, without exceptions. malformed_request when it is not JSON.
oauth::result<nlohmann::json> parse_body(std::string_view text);

// Bodies into inputs. missing_field when a required member is absent or null; invalid_field when
// a member has the wrong type (lists: arrays of at most 200 strings, repeats dropped; ids:
// positive integers); malformed_request when the body is not an object.
oauth::result<admin::app_input> parse_app(const nlohmann::json& body);
oauth::result<admin::hub_input> parse_hub(const nlohmann::json& body);
oauth::result<admin::user_input> parse_user(const nlohmann::json& body);
// A seed: {"hubs": [...], "users": [...], "apps": [...]}; keys starting with "_" are comments;
// "faults" is a playbook the controls read (controls_json.hpp); any other key is invalid_field.
oauth::result<admin::seed_document> parse_seed(const nlohmann::json& body);

// Records into bodies. The client secret digest is never shown; `secret` is added when given.
nlohmann::json to_json(const storage::app_record& app,
                       const std::optional<std::string>& secret = {});
nlohmann::json to_json(const storage::hub_record& hub);
nlohmann::json to_json(const storage::user_record& user);
nlohmann::json to_json(const storage::install_record& install);
nlohmann::json to_json(const admin::seed_outcome& outcome);

}  // namespace hsoauth::http::wire::admin_json
