#pragma once
// Everything one world's controls own: its fault playbook and event journal (controls_memory,
// which may outlive it: a sandbox's are kept while the sandbox is closed), the interceptor over
// both, the intercepting decorators around the world's services, and the controls service the
// admin API reaches them through. Built once per open world (app::assembly builds the root's,
// http::hosted_sandbox each sandbox's); rules, events and the clock they read are the world's
// own, never shared with another world. A successful reset of the world empties its journal.
#include <cstdint>
#include <memory>
#include <string>

#include "hsoauth/controls/event_journal.hpp"
#include "hsoauth/controls/fault_counters.hpp"
#include "hsoauth/controls/fault_playbook.hpp"
#include "hsoauth/controls/integration_report.hpp"
#include "hsoauth/service/controls_interceptor.hpp"
#include "hsoauth/service/controls_service.hpp"
#include "hsoauth/service/intercepting_services.hpp"
#include "hsoauth/service/sandbox.hpp"

namespace hsoauth::service {

struct controls_settings {
    controls::journal_settings journal;
    controls::report_settings report;
    // Seeds of rules given without one: from the deterministic seed in a reproducible run (so
    // that their draws repeat), else random.
    std::uint64_t rule_seeds = 0;
    // Where fired faults are counted (shared by every world; null: not counted).
    std::shared_ptr<controls::fault_counters> fired;
};

// A world's fault rules and event journal: the part of its controls that can outlive them, so
// that a sandbox closed while idle finds its rules and events again when it is opened
// (controls_keeper). Thread-safe as its parts are.
struct controls_memory {
    explicit controls_memory(const controls_settings& settings)
        : playbook(settings.rule_seeds), journal(settings.journal) {}
    controls::fault_playbook playbook;
    controls::event_journal journal;
};

class world_controls {
  public:
    // `world` and `labels` must outlive this object. With `memory`, the rules and events are
    // those (a world opened again); without, new ones from `settings`.
    world_controls(sandbox& world, controls_settings settings, const answer_labels& labels,
                   std::shared_ptr<controls_memory> memory = nullptr);
    world_controls(const world_controls&) = delete;
    world_controls& operator=(const world_controls&) = delete;

    // The world's services, intercepted.
    token_service& tokens() { return tokens_; }
    authorization_service& authorization() { return authorization_; }
    admin_service& admin() { return *resetting_admin_; }
    gateway_service& gateway() { return gateway_; }
    controls_service& controls() { return *service_; }
    // For decorators of services added later.
    interceptor& hook() { return interceptor_; }

  private:
    std::shared_ptr<controls_memory> memory_;
    std::shared_ptr<controls::fault_counters> fired_;
    controls_interceptor interceptor_;
    intercepting_token_service tokens_;
    intercepting_authorization_service authorization_;
    intercepting_admin_service admin_;
    intercepting_gateway_service gateway_;
    std::unique_ptr<admin_service> resetting_admin_;  // admin_, and a reset empties the journal
    std::unique_ptr<controls_service> service_;
};

}  // namespace hsoauth::service
