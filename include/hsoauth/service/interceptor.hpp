#pragma once
// The hook the cross-cutting controls (fault playbooks, the event journal) hang on: an
// intercepting decorator around each service (intercepting_*_service.hpp) tells an interceptor
// the facts of each operation before it runs, and how it ended afterwards. It knows no HTTP,
// no JSON and no wire version; what the wire alone knows (the HTTP status of a refusal) comes
// from a mapping the http side gives at wiring time.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "hsoauth/controls/event.hpp"
#include "hsoauth/controls/fault.hpp"
#include "hsoauth/oauth/authority.hpp"
#include "hsoauth/service/call.hpp"
#include "hsoauth/service/gateway_service.hpp"
#include "hsoauth/service/outcome.hpp"

namespace hsoauth::service {

// What an operation is about, from its request: one line in the decorator per operation. Holds
// copies, so that it outlives the request the operation consumes.
struct operation_facts {
    std::string_view operation;  // stable, static: "grant", "describe_access_token", …
    // The event a success records; nullopt: the journal does not record the operation.
    std::optional<controls::event_kind> on_success;
    bool faultable = true;       // whether fault rules apply (not to hsoauth's own admin API)
    std::string client_id;
    std::string_view grant_type;  // static: "authorization_code", "refresh_token", …
    std::int64_t hub_id = 0;      // when the request carries one
    std::int64_t app_id = 0;
    std::int64_t user_id = 0;
    controls::token_kind token = controls::token_kind::none;  // the token the request presents …
    std::int64_t token_id = 0;                                // … and the id it carries
    std::uint64_t code_fingerprint = 0;  // a code grant's code, hashed (tells a replay)
    bool state_sent = false;             // the authorize step
    bool pkce_sent = false;
};

// How an operation ended, as the controls see it. Views into the outcome, valid during after().
struct outcome_summary {
    controls::event_result result = controls::event_result::ok;
    const oauth::error* error = nullptr;      // refused
    const service::failure* failed = nullptr;  // failed
    // Learned from the value (0 or "" when it does not say).
    std::int64_t app_id = 0;
    std::int64_t hub_id = 0;
    std::int64_t user_id = 0;
    std::string_view client_id;
    std::int64_t access_id = 0;   // issued, or described
    std::int64_t refresh_id = 0;  // issued, or described
    const api_decision* gateway = nullptr;  // an API call's decision
};

// What before() decides for the call.
struct verdict {
    // A fault to act on: wait its delay_ms, then answer with it instead of the operation's
    // answer (a delay answers normally; with commit the operation runs first).
    std::shared_ptr<const controls::fired_fault> fault;
    bool observe = false;       // call after() once the operation ended
    std::int64_t started_ms = 0;  // real time before() ran, ms since the epoch
};

class interceptor {
  public:
    virtual ~interceptor() = default;
    // Before the operation, on the thread that called the service; must not block.
    virtual verdict before(const call& c, const operation_facts& facts) = 0;
    // Once the operation (or the fault in its place) ended, where its reply runs (any thread),
    // before the answer is shaped; must not block. `c` views the request, still valid then.
    virtual void after(const call& c, const operation_facts& facts, const verdict& v,
                       const outcome_summary& s) = 0;
};

// What the outcome's value says about the tokens and their owner: one overload per value type
// that says something (found by argument-dependent lookup; other types say nothing).
void learn(outcome_summary& s, const oauth::issued_tokens& v);
void learn(outcome_summary& s, const oauth::access_token_info& v);
void learn(outcome_summary& s, const oauth::refresh_token_info& v);
void learn(outcome_summary& s, const oauth::issued_code& v);
// A gateway decision that refuses the token is a refusal to the controls: expired_token for an
// expired one, unknown_token for one unknown, revoked or of an uninstalled app (what the report's
// findings read); the other verdicts are decisions the journal records as they are, with the
// status and Retry-After the client saw (answer_labels::of(api_decision)). Sets s.gateway.
void learn(outcome_summary& s, const api_decision& v);
template <class T>
void learn(outcome_summary&, const T&) {}

// A failure that stands for a fault that fired (service::failure::injected set).
failure failure_of(std::shared_ptr<const controls::fired_fault> fault);

}  // namespace hsoauth::service
