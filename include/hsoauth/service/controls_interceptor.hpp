#pragma once
// The interceptor of one world's controls: before an operation it asks the fault playbook
// whether a rule fires; afterwards it records the operation in the event journal. What a
// refusal, a failure or a fault looks like to the client (its HTTP status, HubSpot's status,
// Retry-After) is the wire's knowledge: it comes from the answer_labels the http side gives.
#include <cstdint>
#include <string_view>

#include "hsoauth/clock/clock.hpp"
#include "hsoauth/controls/event_journal.hpp"
#include "hsoauth/controls/fault_counters.hpp"
#include "hsoauth/controls/fault_playbook.hpp"
#include "hsoauth/service/interceptor.hpp"

namespace hsoauth::service {

// What the client sees of an answer that is not a success.
struct answer_label {
    int status = 0;                   // HTTP status (0: no answer, the connection closed)
    std::string_view hubspot_status;  // the body's "status": static text
    std::int64_t retry_after_s = 0;   // Retry-After (0: none)
};

// The wire's view of refusals, failures and faults; implemented by http (wire/answer_labels).
// Thread-safe; the texts it returns are static.
class answer_labels {
  public:
    virtual ~answer_labels() = default;
    virtual answer_label of(std::string_view version, const oauth::error& refusal) const = 0;
    virtual answer_label of(const failure& f) const = 0;
    virtual answer_label of(const controls::fired_fault& fault) const = 0;
    // An API call's decision that refuses it with something else than a token refusal (429 with
    // its Retry-After, 403, 404); {} for an allowed call.
    virtual answer_label of(const api_decision& decision) const = 0;
};

class controls_interceptor final : public interceptor {
  public:
    // Every reference must outlive the interceptor; so must `fired` (counts the faults that
    // fire, by kind and route; null: not counted).
    controls_interceptor(controls::fault_playbook& playbook, controls::event_journal& journal,
                         const clock& sandbox_time, const answer_labels& labels,
                         controls::fault_counters* fired = nullptr)
        : playbook_(playbook), journal_(journal), time_(sandbox_time), labels_(labels), fired_(fired) {}

    verdict before(const call& c, const operation_facts& facts) override;
    void after(const call& c, const operation_facts& facts, const verdict& v,
               const outcome_summary& s) override;

  private:
    controls::fault_playbook& playbook_;
    controls::event_journal& journal_;
    const clock& time_;
    const answer_labels& labels_;
    controls::fault_counters* fired_;
};

// Real time in ms since the epoch (the journal's wall clock).
std::int64_t wall_clock_ms();

// The url_secret bits of the names in `query` ("a=1&client_secret=…"): which secrets a request
// sent in its URL. The values are never read.
std::uint8_t secrets_in_query(std::string_view query);

}  // namespace hsoauth::service
