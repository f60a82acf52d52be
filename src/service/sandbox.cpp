#include "hsoauth/service/sandbox.hpp"

#include <stdexcept>

namespace hsoauth::service {
namespace {

std::int64_t stored_clock_offset(storage::store& store) {
    return storage::read_value(store, [](storage::repository& repo) {
        return repo.get_state(storage::clock_offset_key).value_or(0);
    });
}

// Codes and tokens that expired longer ago than this are deleted.
constexpr std::int64_t expired_grace_seconds = 86400;
// Rows deleted per kind and housekeeping pass.
constexpr std::int64_t expired_batch = 5000;

}  // namespace

sandbox::sandbox(storage::store& store, const crypto::secret_hasher& hasher,
                 sandbox_settings settings)
    : store_(store),
      settings_(std::move(settings)),
      clock_(stored_clock_offset(store), settings_.fixed_epoch),
      authority_(clock_, hasher,
                 {settings_.code_ttl, settings_.revoke_cascades, settings_.random.get()}),
      registry_(hasher, settings_.access_token_ttl, random()),
      apps_(store),
      throttle_(settings_.auth_failure_limit, settings_.auth_failure_window_s),
      forms_(settings_.code_ttl, settings_.consent_form_capacity, random()),
      tokens_(store, apps_, throttle_, authority_),
      authorization_(store, authority_, forms_, auto_approval_, {settings_.decline_redirects}),
      admin_(store, apps_, clock_, authority_, registry_, auto_approval_, settings_.admin_key),
      gateway_(store, apps_, authority_, settings_.gateway) {
    if (settings_.auto_approval) auto_approval_.set(settings_.auto_approval);
}

admin::seed_outcome sandbox::seed_now(const admin::seed_document& seed) {
    auto outcome = storage::write_and_wait(store_, [&](storage::repository& repo) {
        auto applied = registry_.apply_seed(repo, seed);
        if (!applied) throw std::runtime_error(applied.err().detail);
        return std::move(*applied);
    });
    apps_.invalidate();
    return outcome;
}

void sandbox::remove_expired() {
    store_.submit(storage::write_job{
        [cutoff = clock_.now() - expired_grace_seconds](storage::repository& repo) {
            repo.delete_expired(cutoff, expired_batch);
        },
        nullptr});
}

storage::live_counts sandbox::live_objects() {
    const std::uint64_t commits = store_.statistics().commits;
    const std::int64_t now = clock_.now();
    std::lock_guard lock(live_mutex_);
    if (!live_ || live_->commits != commits || live_->at != now) {
        const auto counts =
            storage::read_value(store_, [now](storage::repository& repo) { return repo.count_live(now); });
        live_ = live_reading{commits, now, counts};
    }
    return live_->counts;
}

}  // namespace hsoauth::service
