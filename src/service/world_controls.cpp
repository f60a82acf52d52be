#include "hsoauth/service/world_controls.hpp"

namespace hsoauth::service {
namespace {

class controls_service_core final : public controls_service {
  public:
    controls_service_core(controls::fault_playbook& playbook, controls::event_journal& journal,
                          admin_service& admin, controls::report_settings report)
        : playbook_(playbook), journal_(journal), admin_(admin), report_(report) {}

    oauth::result<controls::fault_rule> add_fault(controls::fault_rule rule) override {
        return playbook_.add(std::move(rule));
    }
    std::vector<controls::rule_status> faults() override { return playbook_.list(); }
    bool remove_fault(std::int64_t id) override { return playbook_.remove(id); }
    void clear_faults() override { playbook_.clear(); }

    bool journal_enabled() override { return journal_.enabled(); }
    controls::event_page events(const controls::event_query& q) override {
        return journal_.query(q, wall_clock_ms());
    }
    std::shared_ptr<controls::follower> follow(std::function<void()> wake) override {
        return journal_.follow(std::move(wake));
    }

    void report(const call& c, std::int64_t app_id,
                reply<controls::integration_report> done) override {
        auto& journal = journal_;
        const auto settings = report_;
        admin_.find_app(c, app_id, [&journal, settings, done = std::move(done)](outcome<storage::app_record> app) {
            if (!app.ok()) return app.error() ? done(*app.error()) : done(*app.failed());
            const auto& a = app.value();
            done(controls::build_report(a.app_id, a.client_id, a.name,
                                        journal.events_of_app(a.app_id, a.client_id), settings));
        });
    }

  private:
    controls::fault_playbook& playbook_;
    controls::event_journal& journal_;
    admin_service& admin_;
    controls::report_settings report_;
};

// A sandbox reset also empties the journal (its events name apps and tokens that no longer
// exist), once the reset is durable; the fault rules stay, as storage faults do.
class journal_resetting_admin_service final : public admin_service_wrapper {
  public:
    journal_resetting_admin_service(admin_service& wrapped, controls::event_journal& journal)
        : admin_service_wrapper(wrapped), journal_(journal) {}

    void reset(const call& c, reply<clock_reading> done) override {
        wrapped().reset(c, [&journal = journal_, done = std::move(done)](outcome<clock_reading> out) {
            if (out.ok()) journal.clear();
            done(std::move(out));
        });
    }

  private:
    controls::event_journal& journal_;
};

}  // namespace

world_controls::world_controls(sandbox& world, controls_settings settings, const answer_labels& labels,
                               std::shared_ptr<controls_memory> memory)
    : memory_(memory ? std::move(memory) : std::make_shared<controls_memory>(settings)),
      fired_(settings.fired),
      interceptor_(memory_->playbook, memory_->journal, world.clock(), labels, fired_.get()),
      tokens_(world.tokens(), interceptor_),
      authorization_(world.authorization(), interceptor_),
      admin_(world.admin(), interceptor_),
      gateway_(world.gateway(), interceptor_),
      resetting_admin_(std::make_unique<journal_resetting_admin_service>(admin_, memory_->journal)),
      service_(std::make_unique<controls_service_core>(memory_->playbook, memory_->journal, world.admin(),
                                                       settings.report)) {}

}  // namespace hsoauth::service
