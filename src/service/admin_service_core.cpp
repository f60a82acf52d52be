#include "hsoauth/service/admin_service_core.hpp"

#include "hsoauth/crypto/digest.hpp"
#include "submit_write.hpp"

namespace hsoauth::service {
namespace {

using oauth::errc;

template <class T>
oauth::result<T> found_or_not(std::optional<T> found, const char* what, std::int64_t id) {
    if (!found)
        return oauth::make_error(errc::not_found,
                                 std::string("no ") + what + " with id " + std::to_string(id));
    return std::move(*found);
}

}  // namespace

admin_service_core::admin_service_core(storage::store& store, app_cache& apps, sandbox_clock& clock,
                                       const oauth::authority& authority,
                                       const admin::registry& registry, auto_approve& auto_approval,
                                       client_auth_throttle& key_throttle, consent_forms& forms,
                                       std::string admin_key)
    : store_(store),
      apps_(apps),
      clock_(clock),
      authority_(authority),
      registry_(registry),
      auto_approval_(auto_approval),
      key_throttle_(key_throttle),
      forms_(forms),
      admin_key_(std::move(admin_key)) {}

namespace {
// The throttle's subject for the admin key (client_ids hold no control character).
constexpr std::string_view admin_key_subject = "\x01" "admin";
}  // namespace

std::optional<oauth::error> admin_service_core::authenticate(const call& c,
                                                             std::string_view presented) {
    const std::int64_t now = clock_.now();
    if (const auto wait = key_throttle_.retry_after(admin_key_subject, c.source, now); wait > 0) {
        oauth::error throttled = oauth::make_error(
            errc::client_throttled, "too many wrong admin keys from your address; retry in " +
                                        std::to_string(wait) + " second(s)");
        throttled.seconds = wait;
        return throttled;
    }
    // Constant time: the key is a secret.
    if (crypto::constant_time_equal(presented, admin_key_)) return std::nullopt;
    // A request without a key guesses nothing.
    if (!presented.empty()) key_throttle_.record_failure(admin_key_subject, c.source, now);
    return oauth::make_error(errc::admin_unauthorized);
}

template <class T>
reply<T> admin_service_core::invalidating_apps(reply<T> done) {
    // Runs once the write is durable (or failed) and before the answer: a token request after
    // the answer sees the apps as they are now.
    return [&apps = apps_, done = std::move(done)](outcome<T> result) {
        apps.invalidate();
        done(std::move(result));
    };
}

void admin_service_core::put_app(const call& c, admin::app_input input,
                                 reply<admin::saved_app> done) {
    submit_write<admin::saved_app>(
        store_, c, on_refusal::roll_back,
        [&registry = registry_, input = std::move(input)](storage::repository& repo) {
            return registry.put_app(repo, input);
        },
        invalidating_apps(std::move(done)));
}

void admin_service_core::put_hub(const call& c, admin::hub_input input,
                                 reply<admin::upserted<storage::hub_record>> done) {
    submit_write<admin::upserted<storage::hub_record>>(
        store_, c, on_refusal::roll_back,
        [&registry = registry_, input = std::move(input)](storage::repository& repo) {
            return registry.put_hub(repo, input);
        },
        std::move(done));
}

void admin_service_core::put_user(const call& c, admin::user_input input,
                                  reply<admin::upserted<storage::user_record>> done) {
    submit_write<admin::upserted<storage::user_record>>(
        store_, c, on_refusal::roll_back,
        [&registry = registry_, input = std::move(input)](storage::repository& repo) {
            return registry.put_user(repo, input);
        },
        std::move(done));
}

void admin_service_core::apply_seed(const call& c, admin::seed_document seed,
                                    reply<admin::seed_outcome> done) {
    submit_write<admin::seed_outcome>(
        store_, c, on_refusal::roll_back,
        [&registry = registry_, seed = std::move(seed)](storage::repository& repo) {
            return registry.apply_seed(repo, seed);
        },
        invalidating_apps(std::move(done)));
}

void admin_service_core::list_apps(const call&, reply<std::vector<storage::app_record>> done) {
    answer_read<std::vector<storage::app_record>>(
        store_,
        [](storage::repository& repo) -> oauth::result<std::vector<storage::app_record>> {
            return repo.list_apps();
        },
        done);
}

void admin_service_core::list_hubs(const call&, reply<std::vector<storage::hub_record>> done) {
    answer_read<std::vector<storage::hub_record>>(
        store_,
        [](storage::repository& repo) -> oauth::result<std::vector<storage::hub_record>> {
            return repo.list_hubs();
        },
        done);
}

void admin_service_core::list_users(const call&, reply<std::vector<storage::user_record>> done) {
    answer_read<std::vector<storage::user_record>>(
        store_,
        [](storage::repository& repo) -> oauth::result<std::vector<storage::user_record>> {
            return repo.list_users();
        },
        done);
}

void admin_service_core::list_installs(const call&,
                                       reply<std::vector<storage::install_record>> done) {
    answer_read<std::vector<storage::install_record>>(
        store_,
        [](storage::repository& repo) -> oauth::result<std::vector<storage::install_record>> {
            return repo.list_installs();
        },
        done);
}

void admin_service_core::find_app(const call&, std::int64_t app_id,
                                  reply<storage::app_record> done) {
    answer_read<storage::app_record>(
        store_,
        [&](storage::repository& repo) {
            return found_or_not(repo.find_app(app_id), "app", app_id);
        },
        done);
}

void admin_service_core::find_hub(const call&, std::int64_t hub_id,
                                  reply<storage::hub_record> done) {
    answer_read<storage::hub_record>(
        store_,
        [&](storage::repository& repo) {
            return found_or_not(repo.find_hub(hub_id), "hub", hub_id);
        },
        done);
}

void admin_service_core::find_user(const call&, std::int64_t user_id,
                                   reply<storage::user_record> done) {
    answer_read<storage::user_record>(
        store_,
        [&](storage::repository& repo) {
            return found_or_not(repo.find_user(user_id), "user", user_id);
        },
        done);
}

void admin_service_core::delete_app(const call& c, std::int64_t app_id, reply<oauth::done> done) {
    submit_write<oauth::done>(
        store_, c, on_refusal::roll_back,
        [&registry = registry_, &clock = clock_, app_id](storage::repository& repo) {
            return registry.delete_app(repo, app_id, clock.now());
        },
        // Its open consent forms die too, before the answer.
        [&forms = forms_, &clock = clock_, app_id,
         done = invalidating_apps(std::move(done))](outcome<oauth::done> result) {
            if (result.ok()) forms.forget_app(app_id, clock.now());
            done(std::move(result));
        });
}

void admin_service_core::delete_hub(const call& c, std::int64_t hub_id, reply<oauth::done> done) {
    submit_write<oauth::done>(
        store_, c, on_refusal::roll_back,
        [&registry = registry_, &clock = clock_, hub_id](storage::repository& repo) {
            return registry.delete_hub(repo, hub_id, clock.now());
        },
        // Open consent forms preselecting it die too, before the answer.
        [&forms = forms_, &clock = clock_, hub_id, done = std::move(done)](outcome<oauth::done> result) {
            if (result.ok()) forms.forget_hub(hub_id, clock.now());
            done(std::move(result));
        });
}

void admin_service_core::delete_user(const call& c, std::int64_t user_id, reply<oauth::done> done) {
    submit_write<oauth::done>(
        store_, c, on_refusal::roll_back,
        [&registry = registry_, &clock = clock_, user_id](storage::repository& repo) {
            return registry.delete_user(repo, user_id, clock.now());
        },
        std::move(done));
}

void admin_service_core::uninstall(const call& c, std::int64_t app_id, std::int64_t hub_id,
                                   reply<oauth::done> done) {
    submit_write<oauth::done>(
        store_, c, on_refusal::roll_back,
        [&authority = authority_, app_id, hub_id](storage::repository& repo) {
            return authority.uninstall(repo, app_id, hub_id);
        },
        std::move(done));
}

void admin_service_core::mint_code(const call& c, code_request request,
                                   reply<oauth::issued_code> done) {
    auto pkce = oauth::parse_pkce(request.code_challenge, request.code_challenge_method);
    if (!pkce) return done(pkce.err());
    oauth::authorization_request asked;
    asked.client_id = std::move(request.client_id);
    asked.redirect_uri = std::move(request.redirect_uri);
    asked.scopes = std::move(request.scopes);
    asked.strict_placement = false;
    submit_write<oauth::issued_code>(
        store_, c, on_refusal::roll_back,
        [&authority = authority_, asked = std::move(asked), pkce = std::move(*pkce),
         hub = request.hub_id,
         user = request.user_id](storage::repository& repo) -> oauth::result<oauth::issued_code> {
            auto plan = authority.plan_authorization(repo, asked);
            if (!plan) return plan.err();
            return authority.approve(repo, *plan, hub, user, pkce);
        },
        std::move(done));
}

clock_reading admin_service_core::clock() {
    return {clock_.now(), clock_.offset()};
}

void admin_service_core::advance_clock(const call& c, std::int64_t seconds,
                                       reply<clock_reading> done) {
    // The offset is persisted so that a restart keeps the sandbox's time; the write also
    // serialises concurrent advances. The clock moves only once the new offset is durable.
    submit_write<std::int64_t>(
        store_, c, on_refusal::roll_back,
        [seconds](storage::repository& repo) -> oauth::result<std::int64_t> {
            const std::int64_t offset =
                repo.get_state(storage::clock_offset_key).value_or(0) + seconds;
            repo.set_state(storage::clock_offset_key, offset);
            return offset;
        },
        [&clock = clock_, done = std::move(done)](outcome<std::int64_t> offset) {
            if (!offset.ok()) {
                return offset.error() ? done(*offset.error()) : done(*offset.failed());
            }
            clock.raise_offset_to(offset.value());
            done(clock_reading{clock.now(), clock.offset()});
        });
}

void admin_service_core::reset(const call& c, reply<clock_reading> done) {
    // The clock goes back only once the stored offset is gone for good; a concurrent advance
    // completes before or after this write, in submission order, so the clock ends where the
    // stored offset is.
    submit_write<oauth::done>(
        store_, c, on_refusal::roll_back,
        [](storage::repository& repo) -> oauth::result<oauth::done> {
            repo.reset_sandbox();
            return oauth::done{};
        },
        [&apps = apps_, &clock = clock_, &forms = forms_, done = std::move(done)](outcome<oauth::done> wiped) {
            apps.invalidate();
            if (!wiped.ok()) return wiped.error() ? done(*wiped.error()) : done(*wiped.failed());
            forms.forget_all();  // open consent forms name what is gone, maybe re-created under the same ids
            clock.reset_offset();
            done(clock_reading{clock.now(), clock.offset()});
        });
}

storage::storage_faults admin_service_core::storage_faults() {
    return store_.faults();
}

void admin_service_core::set_storage_faults(storage::storage_faults faults) {
    store_.set_faults(faults);
}

std::optional<auto_approve::target> admin_service_core::auto_approval() {
    return auto_approval_.get();
}

void admin_service_core::set_auto_approval(std::optional<auto_approve::target> target) {
    auto_approval_.set(target);
}

}  // namespace hsoauth::service
