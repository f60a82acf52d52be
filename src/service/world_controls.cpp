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

}  // namespace

world_controls::world_controls(sandbox& world, controls_settings settings, const answer_labels& labels)
    : playbook_(settings.rule_seeds),
      journal_(settings.journal),
      interceptor_(playbook_, journal_, world.clock(), labels),
      tokens_(world.tokens(), interceptor_),
      authorization_(world.authorization(), interceptor_),
      admin_(world.admin(), interceptor_),
      gateway_(world.gateway(), interceptor_),
      service_(std::make_unique<controls_service_core>(playbook_, journal_, world.admin(), settings.report)) {}

}  // namespace hsoauth::service
