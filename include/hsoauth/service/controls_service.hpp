#pragma once
// The controls of one world as the admin API uses them, wire-neutral: fault rules, the event
// journal (pages and follow streams) and the integration report. Thread-safe.
#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include "hsoauth/controls/event_journal.hpp"
#include "hsoauth/controls/fault_playbook.hpp"
#include "hsoauth/controls/integration_report.hpp"
#include "hsoauth/service/call.hpp"
#include "hsoauth/service/outcome.hpp"

namespace hsoauth::service {

class controls_service {
  public:
    virtual ~controls_service() = default;

    // Fault rules, tried in the order they were added (fault_playbook.hpp). add_fault answers
    // the rule as stored (with its id and seed) or invalid_field.
    virtual oauth::result<controls::fault_rule> add_fault(controls::fault_rule rule) = 0;
    virtual std::vector<controls::rule_status> faults() = 0;
    virtual bool remove_fault(std::int64_t id) = 0;  // false: no such rule
    virtual void clear_faults() = 0;

    // The journal.
    virtual bool journal_enabled() = 0;
    virtual controls::event_page events(const controls::event_query& q) = 0;
    // A follow registration (event_journal::follow), or nullptr when too many are open.
    virtual std::shared_ptr<controls::follower> follow(std::function<void()> wake) = 0;

    // The report of app `app_id` from the journal (not_found without such an app). A read.
    virtual void report(const call& c, std::int64_t app_id,
                        reply<controls::integration_report> done) = 0;
};

}  // namespace hsoauth::service
