#pragma once
// A fault rule as a playbook holds it: which requests it matches, what it does to them, and
// when it fires. The admin view parses its JSON into this value; check_rule holds its values to
// the rules below.
#include <cstdint>
#include <optional>
#include <string>

#include "hsoauth/controls/fault.hpp"
#include "hsoauth/oauth/result.hpp"

namespace hsoauth::controls {

// Every key given must match; an empty match matches every request the rules apply to.
struct fault_match {
    std::optional<std::string> route;       // the route's stable name ("token", …)
    std::optional<std::string> path;        // a path pattern: literal characters, {name} (one
                                            // segment), * (any run without '/'), ** (any run)
    std::optional<std::string> method;      // upper case
    std::optional<std::string> client_id;
    std::optional<std::string> grant_type;  // "authorization_code", "refresh_token", …
    std::optional<std::string> version;     // the wire version ("v1", …)
    std::optional<std::int64_t> hub_id;
};

// Sandbox seconds; either end may be open. A rule fires only while from <= now < until.
struct fault_window {
    std::optional<std::int64_t> from;
    std::optional<std::int64_t> until;
};

struct fault_rule {
    std::int64_t id = 0;  // given by the playbook
    fault_match match;
    fault_action action;
    std::int64_t skip = 0;                // matches let through before the rule may fire
    std::optional<std::int64_t> times;    // fires at most this often, then stays listed, spent
    std::optional<double> probability;    // fires on this share of its matches (0 to 1] …
    std::optional<std::uint64_t> seed;    // … drawn from this seed (the playbook picks one if absent)
    std::optional<fault_window> window;
};

// The longest delay a rule may ask for (ms): a delayed request holds its connection.
inline constexpr std::int64_t max_fault_delay_ms = 120000;

// Completes and checks `rule`'s values: the status of each kind (server_error: 500, 502, 503
// or 504, default 500; the other kinds their fixed status), Retry-After (rate_limit and
// migration_in_progress default to 10 s and 30 s, server_error 503 to 1 s; 0 to 86400), delay_ms
// (0 to max_fault_delay_ms; delay needs one), skip >= 0, times >= 1, probability in (0, 1],
// a window that is not empty, a method of letters, a path pattern starting with '/'.
// invalid_field naming the field (as the JSON writes it, "action.status") otherwise.
std::optional<oauth::error> check_rule(fault_rule& rule);

// Whether `path` matches `pattern` (fault_match::path's syntax).
bool path_matches(std::string_view pattern, std::string_view path);

}  // namespace hsoauth::controls
