#include "hsoauth/service/sandbox.hpp"

#include <algorithm>
#include <array>
#include <mutex>
#include <stdexcept>
#include <utility>

namespace hsoauth::service {
namespace {

std::int64_t stored_clock_offset(storage::store& store) {
    return storage::read_value(store, [](storage::repository& repo) {
        return repo.get_state(storage::clock_offset_key).value_or(0);
    });
}

// Access tokens that expired longer ago than this are deleted, and assertion ids remembered
// until longer ago.
constexpr std::int64_t expired_grace_seconds = 86400;

}  // namespace

// One cleanup pass at a time. Guarded by mutex: whether a pass runs and whether the sandbox is
// gone; a batch's completion queues the next one while holding it, so that the destructor, which
// takes it to stop, never races a submit into a store that is shutting down.
struct sandbox::cleanup_pass {
    cleanup_pass(storage::store& s, std::int64_t batch) : store(s), limit(batch) {}

    struct window {
        std::int64_t access_cutoff = 0;
        std::int64_t code_cutoff = 0;
        std::int64_t removed = 0;
        std::function<void(std::int64_t)> done;
    };

    // Queues one batch of `pass`. Call with `mutex` held.
    static void queue_batch(const std::shared_ptr<cleanup_pass>& self, std::shared_ptr<window> pass) {
        auto counts = std::make_shared<std::array<std::int64_t, 3>>();
        const std::int64_t limit = self->limit;
        self->store.submit(storage::write_job{
            [pass, counts, limit](storage::repository& repo) {
                (*counts)[0] = repo.delete_expired_access(pass->access_cutoff, limit);
                (*counts)[1] = repo.delete_expired_codes(pass->code_cutoff, limit);
                (*counts)[2] = repo.delete_expired_assertions(pass->access_cutoff, limit);
            },
            [self, pass, counts, limit](std::exception_ptr error) {
                std::function<void(std::int64_t)> done;
                {
                    std::lock_guard lock(self->mutex);
                    if (!error) pass->removed += (*counts)[0] + (*counts)[1] + (*counts)[2];
                    const bool more = !error && std::find(counts->begin(), counts->end(), limit) !=
                                                    counts->end();
                    if (more && !self->stopped) return queue_batch(self, pass);
                    self->running = false;
                    done = std::move(pass->done);
                }
                if (done) done(pass->removed);
            }});
    }

    storage::store& store;
    const std::int64_t limit;
    std::mutex mutex;
    bool running = false;  // guarded by mutex
    bool stopped = false;  // guarded by mutex
};

sandbox::sandbox(storage::store& store, const crypto::secret_hasher& hasher,
                 sandbox_settings settings)
    : store_(store),
      settings_(std::move(settings)),
      clock_(stored_clock_offset(store), settings_.fixed_epoch),
      authority_(clock_, hasher,
                 {settings_.code_ttl, settings_.revoke_cascades, settings_.random.get()}),
      registry_(hasher, settings_.access_token_ttl, random()),
      apps_(store),
      throttle_(settings_.auth_failure_limit, settings_.auth_failure_window_s,
                settings_.auth_failure_capacity),
      admin_throttle_(settings_.auth_failure_limit, settings_.auth_failure_window_s,
                      settings_.auth_failure_capacity),
      forms_(settings_.code_ttl, settings_.consent_used_capacity, random()),
      live_access_(store),
      tokens_(store, apps_, throttle_, authority_, live_access_),
      authorization_(store, authority_, forms_, auto_approval_, {settings_.decline_redirects}),
      admin_(store, apps_, clock_, authority_, registry_, auto_approval_, admin_throttle_, forms_,
             settings_.admin_key),
      gateway_(store, apps_, authority_, live_access_, settings_.gateway),
      cleanup_(std::make_shared<cleanup_pass>(store, std::max<std::int64_t>(1, settings_.cleanup_batch))) {
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

sandbox::~sandbox() {
    std::lock_guard lock(cleanup_->mutex);
    cleanup_->stopped = true;
}

void sandbox::remove_expired(std::function<void(std::int64_t removed)> done) {
    auto pass = std::make_shared<cleanup_pass::window>();
    const std::int64_t now = clock_.now();
    pass->access_cutoff = now - expired_grace_seconds;
    pass->code_cutoff = now - settings_.code_ttl;
    pass->done = std::move(done);
    {
        std::lock_guard lock(cleanup_->mutex);
        if (!cleanup_->running && !cleanup_->stopped) {
            cleanup_->running = true;
            return cleanup_pass::queue_batch(cleanup_, std::move(pass));
        }
    }
    if (pass->done) pass->done(0);
}

storage::live_counts sandbox::live_objects() {
    const std::uint64_t commits = store_.commit_generation();  // statistics() would stat(2) two files
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
