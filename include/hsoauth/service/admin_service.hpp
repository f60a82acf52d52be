#pragma once
// The admin use cases (hsoauth's own /admin API and the seed file), wire-neutral: apps, hubs and
// users, installs, headless authorization codes, the sandbox clock, storage faults and
// auto-approve. Inputs are domain values (admin/registry.hpp); the view parses its JSON into
// them. Thread-safe; each operation answers through `done` once (at once for reads, once
// durable for writes).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "hsoauth/admin/registry.hpp"
#include "hsoauth/oauth/authority.hpp"
#include "hsoauth/service/auto_approve.hpp"
#include "hsoauth/service/call.hpp"
#include "hsoauth/service/outcome.hpp"
#include "hsoauth/storage/store.hpp"

namespace hsoauth::service {

// The headless consent screen: a code as if `user_id` had approved `client_id` on `hub_id`.
struct code_request {
    std::string client_id;
    std::int64_t hub_id = 0;
    std::int64_t user_id = 0;
    std::string redirect_uri;
    oauth::scope_list scopes;  // required and optional scopes together
    std::string code_challenge;
    std::string code_challenge_method;
};

struct clock_reading {
    std::int64_t now = 0;             // sandbox seconds since the epoch
    std::int64_t offset_seconds = 0;  // how far the sandbox clock runs ahead of real time
};

class admin_service {
  public:
    virtual ~admin_service() = default;

    // admin_unauthorized unless `presented` is the admin key (compared in constant time). A
    // wrong key presented (not an absent one) counts against the throttle for the caller's
    // address; client_throttled (with the seconds left) while that address is throttled, even
    // for the right key.
    virtual std::optional<oauth::error> authenticate(const call& c, std::string_view presented) = 0;

    // Create or update (admin::registry's rules and errors). Writes, all or nothing.
    virtual void put_app(const call& c, admin::app_input input, reply<admin::saved_app> done) = 0;
    virtual void put_hub(const call& c, admin::hub_input input,
                         reply<admin::upserted<storage::hub_record>> done) = 0;
    virtual void put_user(const call& c, admin::user_input input,
                          reply<admin::upserted<storage::user_record>> done) = 0;
    virtual void apply_seed(const call& c, admin::seed_document seed,
                            reply<admin::seed_outcome> done) = 0;

    // Reads.
    virtual void list_apps(const call& c, reply<std::vector<storage::app_record>> done) = 0;
    virtual void list_hubs(const call& c, reply<std::vector<storage::hub_record>> done) = 0;
    virtual void list_users(const call& c, reply<std::vector<storage::user_record>> done) = 0;
    virtual void list_installs(const call& c, reply<std::vector<storage::install_record>> done) = 0;
    // not_found when absent.
    virtual void find_app(const call& c, std::int64_t app_id, reply<storage::app_record> done) = 0;
    virtual void find_hub(const call& c, std::int64_t hub_id, reply<storage::hub_record> done) = 0;
    virtual void find_user(const call& c, std::int64_t user_id,
                           reply<storage::user_record> done) = 0;

    // Deletes (not_found when absent): every install the object takes part in is uninstalled,
    // so that its codes and tokens die (admin::registry), and the consent forms open for a
    // deleted app, or preselecting a deleted hub, are refused from then on; the id is never
    // handed out again. Writes.
    virtual void delete_app(const call& c, std::int64_t app_id, reply<oauth::done> done) = 0;
    virtual void delete_hub(const call& c, std::int64_t hub_id, reply<oauth::done> done) = 0;
    virtual void delete_user(const call& c, std::int64_t user_id, reply<oauth::done> done) = 0;
    // Uninstalls an app from a hub: every token of the install dies. not_found without a live
    // install.
    virtual void uninstall(const call& c, std::int64_t app_id, std::int64_t hub_id,
                           reply<oauth::done> done) = 0;

    // The consent screen's checks and effects without a browser
    // (oauth::authority::plan_authorization and approve); invalid_field for a bad PKCE challenge. A
    // write.
    virtual void mint_code(const call& c, code_request request, reply<oauth::issued_code> done) = 0;

    virtual clock_reading clock() = 0;
    // Moves the sandbox clock forward; the offset is durable before the clock moves and the answer
    // goes out, so a restart keeps the sandbox's time. A write.
    virtual void advance_clock(const call& c, std::int64_t seconds, reply<clock_reading> done) = 0;

    // Starts the sandbox over: deletes every app, hub, user, install, code and token and the clock
    // offset (storage::repository::reset_sandbox). Once that is durable, the cached apps are
    // dropped, the open consent forms refused and the clock is back to real time, then `done`
    // gets the clock. The admin key, the pepper and the settings (storage faults, auto-approve)
    // stay; ids of apps, hubs, users and installs are still never handed out twice. A write.
    virtual void reset(const call& c, reply<clock_reading> done) = 0;

    virtual storage::storage_faults storage_faults() = 0;
    virtual void set_storage_faults(storage::storage_faults faults) = 0;

    virtual std::optional<auto_approve::target> auto_approval() = 0;
    virtual void set_auto_approval(std::optional<auto_approve::target> target) = 0;
};

// Forwards every operation: the base of decorators.
class admin_service_wrapper : public admin_service {
  public:
    explicit admin_service_wrapper(admin_service& wrapped) : wrapped_(wrapped) {}
    std::optional<oauth::error> authenticate(const call& c, std::string_view presented) override {
        return wrapped_.authenticate(c, presented);
    }
    void put_app(const call& c, admin::app_input input, reply<admin::saved_app> done) override {
        wrapped_.put_app(c, std::move(input), std::move(done));
    }
    void put_hub(const call& c, admin::hub_input input,
                 reply<admin::upserted<storage::hub_record>> done) override {
        wrapped_.put_hub(c, std::move(input), std::move(done));
    }
    void put_user(const call& c, admin::user_input input,
                  reply<admin::upserted<storage::user_record>> done) override {
        wrapped_.put_user(c, std::move(input), std::move(done));
    }
    void apply_seed(const call& c, admin::seed_document seed,
                    reply<admin::seed_outcome> done) override {
        wrapped_.apply_seed(c, std::move(seed), std::move(done));
    }
    void list_apps(const call& c, reply<std::vector<storage::app_record>> done) override {
        wrapped_.list_apps(c, std::move(done));
    }
    void list_hubs(const call& c, reply<std::vector<storage::hub_record>> done) override {
        wrapped_.list_hubs(c, std::move(done));
    }
    void list_users(const call& c, reply<std::vector<storage::user_record>> done) override {
        wrapped_.list_users(c, std::move(done));
    }
    void list_installs(const call& c, reply<std::vector<storage::install_record>> done) override {
        wrapped_.list_installs(c, std::move(done));
    }
    void find_app(const call& c, std::int64_t app_id, reply<storage::app_record> done) override {
        wrapped_.find_app(c, app_id, std::move(done));
    }
    void find_hub(const call& c, std::int64_t hub_id, reply<storage::hub_record> done) override {
        wrapped_.find_hub(c, hub_id, std::move(done));
    }
    void find_user(const call& c, std::int64_t user_id, reply<storage::user_record> done) override {
        wrapped_.find_user(c, user_id, std::move(done));
    }
    void delete_app(const call& c, std::int64_t app_id, reply<oauth::done> done) override {
        wrapped_.delete_app(c, app_id, std::move(done));
    }
    void delete_hub(const call& c, std::int64_t hub_id, reply<oauth::done> done) override {
        wrapped_.delete_hub(c, hub_id, std::move(done));
    }
    void delete_user(const call& c, std::int64_t user_id, reply<oauth::done> done) override {
        wrapped_.delete_user(c, user_id, std::move(done));
    }
    void uninstall(const call& c, std::int64_t app_id, std::int64_t hub_id,
                   reply<oauth::done> done) override {
        wrapped_.uninstall(c, app_id, hub_id, std::move(done));
    }
    void mint_code(const call& c, code_request request, reply<oauth::issued_code> done) override {
        wrapped_.mint_code(c, std::move(request), std::move(done));
    }
    clock_reading clock() override { return wrapped_.clock(); }
    void advance_clock(const call& c, std::int64_t seconds, reply<clock_reading> done) override {
        wrapped_.advance_clock(c, seconds, std::move(done));
    }
    void reset(const call& c, reply<clock_reading> done) override {
        wrapped_.reset(c, std::move(done));
    }
    storage::storage_faults storage_faults() override { return wrapped_.storage_faults(); }
    void set_storage_faults(storage::storage_faults faults) override {
        wrapped_.set_storage_faults(faults);
    }
    std::optional<auto_approve::target> auto_approval() override {
        return wrapped_.auto_approval();
    }
    void set_auto_approval(std::optional<auto_approve::target> target) override {
        wrapped_.set_auto_approval(target);
    }

  protected:
    admin_service& wrapped() { return wrapped_; }

  private:
    admin_service& wrapped_;
};

}  // namespace hsoauth::service
