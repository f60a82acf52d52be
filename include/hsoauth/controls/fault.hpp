#pragma once
// What a fault rule makes of a request: the answer HubSpot gives on a bad day (a rate limit, a
// 5xx, a migration, a lock, a refresh token of an uninstalled app, an expired token), a delay,
// or a broken connection. Values only: the wire shapes them (http/fault_response.hpp).
#include <cstdint>
#include <optional>
#include <string_view>

namespace hsoauth::controls {

enum class fault_kind {
    rate_limit,              // 429, TEN_SECONDLY_ROLLING, Retry-After and the rate-limit headers
    server_error,            // 500, 502, 503 or 504 with HubSpot's error body
    migration_in_progress,   // 477 with Retry-After (the account moves between data centres)
    locked,                  // 423
    bad_refresh_token,       // 400 BAD_REFRESH_TOKEN, as after an uninstall
    expired_authentication,  // 401 EXPIRED_AUTHENTICATION, as the API gateway sends it
    delay,                   // wait delay_ms, then answer normally
    reset,                   // close the connection without an answer
    truncate,                // the operation's answer with its headers, its body cut in half, and
                             // the connection closed (the operation always runs)
};

// The rule's word for `kind` ("rate_limit", …) and back; nullopt for an unknown word.
std::string_view name_of(fault_kind kind);
std::optional<fault_kind> fault_kind_named(std::string_view name);

struct fault_action {
    fault_kind kind = fault_kind::server_error;
    int status = 0;                  // the HTTP status answered (0 for delay and reset)
    std::int64_t retry_after_s = 0;  // Retry-After, when the answer carries one (0: none)
    std::int64_t delay_ms = 0;       // wait before acting; for delay, before answering normally
    bool commit = false;             // the operation runs (and its writes commit); only its answer
                                     // is replaced or broken. Off: a faulted request changes
                                     // nothing. Always on for truncate, meaningless for delay.
};

// A rule that fired: what the request gets instead of (or before) its answer.
struct fired_fault {
    std::int64_t rule_id = 0;
    fault_action action;
    std::int64_t sandbox_now = 0;  // the sandbox clock when it fired

    // Whether the operation runs: always for delay and truncate, else with commit.
    bool runs_operation() const {
        return action.kind == fault_kind::delay || action.kind == fault_kind::truncate || action.commit;
    }
    // Whether the answer becomes HubSpot's answer for the fault (the status kinds).
    bool replaces_answer() const {
        return action.kind != fault_kind::delay && action.kind != fault_kind::reset &&
               action.kind != fault_kind::truncate;
    }
    // Whether the answer is broken on its way (reset, truncate).
    bool breaks_delivery() const {
        return action.kind == fault_kind::reset || action.kind == fault_kind::truncate;
    }
};

}  // namespace hsoauth::controls
