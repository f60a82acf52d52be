#pragma once
// The admin use cases over one sandbox's store: the real admin_service.
#include <string>

#include "hsoauth/admin/registry.hpp"
#include "hsoauth/clock/clock.hpp"
#include "hsoauth/oauth/authority.hpp"
#include "hsoauth/service/admin_service.hpp"
#include "hsoauth/service/app_cache.hpp"
#include "hsoauth/service/auto_approve.hpp"
#include "hsoauth/service/client_auth_throttle.hpp"
#include "hsoauth/service/consent_forms.hpp"

namespace hsoauth::service {

class admin_service_core final : public admin_service {
  public:
    // Every reference must outlive this service. `admin_key` is the bearer key of the admin API;
    // `key_throttle` counts wrong keys per caller address; `forms` are the consent forms that
    // deletes of apps and hubs kill.
    admin_service_core(storage::store& store, app_cache& apps, sandbox_clock& clock,
                       const oauth::authority& authority, const admin::registry& registry,
                       auto_approve& auto_approval, client_auth_throttle& key_throttle,
                       consent_forms& forms, std::string admin_key);

    std::optional<oauth::error> authenticate(const call& c, std::string_view presented) override;
    void put_app(const call& c, admin::app_input input, reply<admin::saved_app> done) override;
    void put_hub(const call& c, admin::hub_input input,
                 reply<admin::upserted<storage::hub_record>> done) override;
    void put_user(const call& c, admin::user_input input,
                  reply<admin::upserted<storage::user_record>> done) override;
    void apply_seed(const call& c, admin::seed_document seed,
                    reply<admin::seed_outcome> done) override;
    void list_apps(const call& c, reply<std::vector<storage::app_record>> done) override;
    void list_hubs(const call& c, reply<std::vector<storage::hub_record>> done) override;
    void list_users(const call& c, reply<std::vector<storage::user_record>> done) override;
    void list_installs(const call& c, reply<std::vector<storage::install_record>> done) override;
    void find_app(const call& c, std::int64_t app_id, reply<storage::app_record> done) override;
    void find_hub(const call& c, std::int64_t hub_id, reply<storage::hub_record> done) override;
    void find_user(const call& c, std::int64_t user_id, reply<storage::user_record> done) override;
    void delete_app(const call& c, std::int64_t app_id, reply<oauth::done> done) override;
    void delete_hub(const call& c, std::int64_t hub_id, reply<oauth::done> done) override;
    void delete_user(const call& c, std::int64_t user_id, reply<oauth::done> done) override;
    void uninstall(const call& c, std::int64_t app_id, std::int64_t hub_id,
                   reply<oauth::done> done) override;
    void mint_code(const call& c, code_request request, reply<oauth::issued_code> done) override;
    clock_reading clock() override;
    void advance_clock(const call& c, std::int64_t seconds, reply<clock_reading> done) override;
    void reset(const call& c, reply<clock_reading> done) override;
    storage::storage_faults storage_faults() override;
    void set_storage_faults(storage::storage_faults faults) override;
    std::optional<auto_approve::target> auto_approval() override;
    void set_auto_approval(std::optional<auto_approve::target> target) override;

  private:
    // `done`, preceded by dropping the cached apps: for writes that may change apps.
    template <class T>
    reply<T> invalidating_apps(reply<T> done);

    storage::store& store_;
    app_cache& apps_;
    sandbox_clock& clock_;
    const oauth::authority& authority_;
    const admin::registry& registry_;
    auto_approve& auto_approval_;
    client_auth_throttle& key_throttle_;
    consent_forms& forms_;
    const std::string admin_key_;
};

}  // namespace hsoauth::service
