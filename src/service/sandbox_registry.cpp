#include "hsoauth/service/sandbox_registry.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <future>
#include <set>
#include <utility>

#include "hsoauth/crypto/random.hpp"
#include "hsoauth/storage/repository.hpp"
#include "hsoauth/util/thread_name.hpp"

namespace hsoauth::service {
namespace {

using steady = std::chrono::steady_clock;
using oauth::errc;
using oauth::make_error;

std::int64_t steady_ns() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(steady::now().time_since_epoch()).count();
}

oauth::error too_many(std::string detail) {
    oauth::error e = make_error(errc::client_throttled, std::move(detail));
    e.seconds = 1;
    return e;
}

oauth::error unknown_sandbox(std::string_view id) {
    return make_error(errc::not_found, "no sandbox " + std::string(id));
}

// A failure that passes (answered 503 with Retry-After): the sandbox is still busy serving.
storage::storage_error still_busy() {
    return storage::storage_error(0, "the sandbox still serves requests after 10 s", true);
}

}  // namespace

struct sandbox_registry::open_world {
    std::unique_ptr<storage::store> store;
    std::unique_ptr<sandbox_site> site;
    ~open_world() {
        site.reset();   // the site's services use the store
        store.reset();  // commits and acknowledges what is queued, then stops its threads
    }
};

struct sandbox_registry::entry {
    storage::sandbox_record record;
    std::vector<std::string> snapshots;
    std::shared_ptr<open_world> world;                   // null while closed
    bool busy = false;                                   // a restore or removal holds it
    std::optional<auto_approve::target> auto_approval;   // kept while closed
    std::atomic<std::int64_t> last_used{0};              // server seconds
    std::atomic<std::int64_t> last_lease_ns{0};          // steady clock
    std::int64_t persisted_last_used = 0;                // maintenance thread only
};

sandbox_registry::sandbox_registry(storage::store& root, storage::sandbox_storage& worlds,
                                   const crypto::secret_hasher& hasher, site_factory make_site,
                                   std::function<std::int64_t()> now, sandbox_limits limits,
                                   std::function<void(const std::string&)> forgotten)
    : root_(root),
      worlds_(worlds),
      hasher_(hasher),
      make_site_(std::move(make_site)),
      now_(std::move(now)),
      limits_(limits),
      forgotten_(std::move(forgotten)) {
    auto sandboxes = storage::read_value(root_, [](storage::repository& repo) { return repo.list_sandboxes(); });
    auto snapshots = storage::read_value(root_, [](storage::repository& repo) { return repo.list_snapshots(); });
    std::set<std::string> kept_sandboxes;
    std::set<std::string> kept_snapshots;
    for (auto& record : sandboxes) {
        auto e = std::make_unique<entry>();
        e->last_used = record.last_used_at;
        e->persisted_last_used = record.last_used_at;
        e->record = std::move(record);
        kept_sandboxes.insert(e->record.sandbox_id);
        entries_.emplace(e->record.sandbox_id, std::move(e));
    }
    for (auto& snap : snapshots) {
        const auto owner = entries_.find(snap.sandbox_id);
        if (owner == entries_.end()) continue;  // its sandbox was removed: a stray
        owner->second->snapshots.push_back(snap.snapshot_id);
        snapshot_owner_.emplace(snap.snapshot_id, snap.sandbox_id);
        kept_snapshots.insert(snap.snapshot_id);
    }
    worlds_.remove_strays(kept_sandboxes, kept_snapshots);
    maintenance_ = std::thread([this] {
        util::name_this_thread("hs-sandboxes");
        loop();
    });
}

sandbox_registry::~sandbox_registry() {
    {
        std::lock_guard lock(tasks_mutex_);
        stopping_ = true;
    }
    tasks_cv_.notify_all();
    if (maintenance_.joinable()) maintenance_.join();
    try {
        sweep();  // writes the last-use times; closes what is idle
    } catch (...) {
    }
    for (auto& [id, e] : entries_) e->world.reset();
}

void sandbox_registry::post(std::function<void()> task) {
    {
        std::lock_guard lock(tasks_mutex_);
        tasks_.push_back(std::move(task));
    }
    tasks_cv_.notify_one();
}

void sandbox_registry::loop() {
    auto next_sweep = steady::now() + std::chrono::seconds(1);
    auto next_cleanup = steady::now() + std::chrono::seconds(limits_.cleanup_interval_seconds);
    for (;;) {
        std::function<void()> task;
        {
            std::unique_lock lock(tasks_mutex_);
            tasks_cv_.wait_until(lock, next_sweep, [this] { return stopping_ || !tasks_.empty(); });
            if (stopping_) return;
            if (!tasks_.empty()) {
                task = std::move(tasks_.front());
                tasks_.pop_front();
            }
        }
        if (task) task();
        if (steady::now() >= next_sweep) {
            try {
                sweep();
            } catch (...) {
                // The catalogue could not be written: the next sweep tries again.
            }
            next_sweep = steady::now() + std::chrono::seconds(1);
        }
        if (limits_.cleanup_interval_seconds > 0 && steady::now() >= next_cleanup) {
            std::lock_guard lock(mutex_);
            for (auto& [id, e] : entries_) {
                if (e->world) e->world->site->world().remove_expired();  // queued, not waited for
            }
            next_cleanup = steady::now() + std::chrono::seconds(limits_.cleanup_interval_seconds);
        }
    }
}

sandbox_registry::lease sandbox_registry::find(std::string_view sandbox_id) {
    lease out;
    bool crowded = false;
    {
        std::lock_guard lock(mutex_);
        const auto it = entries_.find(sandbox_id);
        if (it == entries_.end()) return out;
        entry& e = *it->second;
        if (e.busy) {
            out.status = lookup::busy;
            return out;
        }
        const std::int64_t now = now_();
        if (expired(e, now)) {
            // Gone from the moment its TTL ran out; the maintenance thread removes its files.
            const std::string id = e.record.sandbox_id;
            post([this, id] {
                try {
                    remove_now(id);
                } catch (...) {
                }
            });
            return out;
        }
        e.last_used.store(now, std::memory_order_relaxed);
        e.last_lease_ns.store(steady_ns(), std::memory_order_relaxed);
        if (!e.world) {
            e.world = open(e);
            std::size_t open_now = 0;
            for (const auto& [id, other] : entries_) open_now += other->world ? 1 : 0;
            crowded = open_now > limits_.max_open;
        }
        out.status = lookup::found;
        out.site = std::shared_ptr<sandbox_site>(e.world, e.world->site.get());
    }
    if (crowded) post([this] { sweep(); });
    return out;
}

bool sandbox_registry::expired(const entry& e, std::int64_t now) {
    const std::int64_t ttl = e.record.ttl_seconds;
    return ttl > 0 && now - e.last_used.load(std::memory_order_relaxed) > ttl;
}

std::shared_ptr<sandbox_registry::open_world> sandbox_registry::open(entry& e) {
    auto world = std::make_shared<open_world>();
    world->store = worlds_.open(e.record.sandbox_id);
    world->site = make_site_(e.record.sandbox_id, *world->store, e.record.admin_key_digest);
    if (e.auto_approval) world->site->world().admin().set_auto_approval(e.auto_approval);
    return world;
}

bool sandbox_registry::close(entry& e, std::chrono::milliseconds patience) {
    const auto give_up = steady::now() + patience;
    for (;;) {
        std::shared_ptr<open_world> closing;
        {
            std::lock_guard lock(mutex_);
            if (!e.world) return true;
            if (e.world.use_count() == 1) {
                closing = std::move(e.world);
                e.world = nullptr;
                e.auto_approval = closing->site->world().admin().auto_approval();
            }
        }
        if (closing) {
            closing.reset();  // here, on the maintenance thread, outside the lock
            return true;
        }
        if (steady::now() >= give_up) return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
}

void sandbox_registry::sweep() {
    const std::int64_t now = now_();
    const std::int64_t now_ns = steady_ns();
    std::vector<std::string> doomed;
    std::vector<std::pair<std::int64_t, entry*>> open_ones;
    {
        std::lock_guard lock(mutex_);
        for (auto& [id, e] : entries_) {
            if (e->busy) continue;
            if (expired(*e, now)) {
                doomed.push_back(id);
            } else if (e->world) {
                open_ones.emplace_back(e->last_lease_ns.load(std::memory_order_relaxed), e.get());
            }
        }
    }
    for (const auto& id : doomed) {
        try {
            remove_now(id);
        } catch (...) {
            // Busy or the catalogue unwritable: the next sweep tries again.
        }
    }
    std::sort(open_ones.begin(), open_ones.end(),
              [](const auto& a, const auto& b) { return a.first < b.first; });
    std::size_t still_open = open_ones.size();
    const std::int64_t idle_ns = limits_.idle_close_seconds * 1'000'000'000LL;
    for (const auto& [leased_ns, e] : open_ones) {
        const bool idle = now_ns - leased_ns >= idle_ns;
        if ((idle || still_open > limits_.max_open) && close(*e, std::chrono::milliseconds(0))) --still_open;
    }
    std::vector<std::pair<std::string, std::int64_t>> touched;
    {
        std::lock_guard lock(mutex_);
        for (auto& [id, e] : entries_) {
            const std::int64_t used = e->last_used.load(std::memory_order_relaxed);
            if (used != e->persisted_last_used) touched.emplace_back(id, used);
        }
    }
    if (touched.empty()) return;
    storage::write_and_wait(root_, [&](storage::repository& repo) {
        for (const auto& [id, used] : touched) repo.touch_sandbox(id, used);
    });
    std::lock_guard lock(mutex_);
    for (const auto& [id, used] : touched) {
        const auto it = entries_.find(id);
        if (it != entries_.end()) it->second->persisted_last_used = used;
    }
}

void sandbox_registry::sweep_now() {
    std::promise<void> swept;
    auto done = swept.get_future();
    post([this, &swept] {
        try {
            sweep();
            swept.set_value();
        } catch (...) {
            swept.set_exception(std::current_exception());
        }
    });
    done.get();
}

std::size_t sandbox_registry::open_count() const {
    std::lock_guard lock(mutex_);
    std::size_t n = 0;
    for (const auto& [id, e] : entries_) n += e->world ? 1 : 0;
    return n;
}

sandbox_info sandbox_registry::info_of(const entry& e) const {
    sandbox_info info;
    info.sandbox_id = e.record.sandbox_id;
    info.name = e.record.name;
    info.created_at = e.record.created_at;
    info.last_used_at = e.last_used.load(std::memory_order_relaxed);
    info.ttl_seconds = e.record.ttl_seconds;
    info.snapshots = e.snapshots;
    info.open = e.world != nullptr;
    return info;
}

bool sandbox_registry::remove_now(const std::string& id) {
    entry* e = nullptr;
    {
        std::lock_guard lock(mutex_);
        const auto it = entries_.find(id);
        if (it == entries_.end()) return false;
        e = it->second.get();
        e->busy = true;
    }
    const auto release = [&] {
        std::lock_guard lock(mutex_);
        e->busy = false;
    };
    if (!close(*e, std::chrono::seconds(10))) {
        release();
        throw still_busy();
    }
    try {
        // The catalogue first: a crash after it leaves files that the next start removes.
        storage::write_and_wait(root_, [&](storage::repository& repo) { repo.delete_sandbox(id); });
    } catch (...) {
        release();
        throw;
    }
    std::vector<std::string> snapshots;
    {
        std::lock_guard lock(mutex_);
        snapshots = e->snapshots;
        for (const auto& snap : snapshots) snapshot_owner_.erase(snap);
        entries_.erase(id);
    }
    try {
        worlds_.remove(id);
        for (const auto& snap : snapshots) worlds_.remove_snapshot(snap);
    } catch (...) {
        // Uncatalogued files are removed at the next start.
    }
    if (forgotten_) forgotten_(id);
    return true;
}

void sandbox_registry::create(const call&, sandbox_request request, reply<created_sandbox> done) {
    post([this, request = std::move(request), done = std::move(done)]() mutable {
        const auto refuse = [&](oauth::error e) { done(std::move(e)); };
        std::string from_snapshot;
        std::string from_sandbox;
        {
            std::lock_guard lock(mutex_);
            if (static_cast<std::int64_t>(entries_.size()) >= limits_.max_sandboxes) {
                return refuse(too_many("this server holds its maximum of " + std::to_string(limits_.max_sandboxes) +
                                       " sandboxes (max_sandboxes): delete one first"));
            }
            if (!request.from.empty()) {
                if (snapshot_owner_.count(request.from) != 0) {
                    from_snapshot = request.from;
                } else if (entries_.count(request.from) != 0) {
                    from_sandbox = request.from;
                } else {
                    return refuse(make_error(errc::invalid_field, "from names no sandbox or snapshot", "from"));
                }
            }
        }
        const std::string id = crypto::hex(crypto::random_bytes(8));
        const std::string key = crypto::base64url(crypto::random_bytes(32));
        const std::int64_t now = now_();
        auto e = std::make_unique<entry>();
        e->record = {id, request.name, hasher_.hash(key), now, now,
                     request.ttl_seconds.value_or(limits_.default_ttl_seconds)};
        e->last_used = now;
        e->persisted_last_used = now;
        e->last_lease_ns = steady_ns();
        std::optional<admin::seed_outcome> seeded;
        try {
            if (!from_snapshot.empty()) {
                worlds_.create_from_snapshot(id, from_snapshot);
            } else if (!from_sandbox.empty()) {
                worlds_.create_copy(id, from_sandbox);
            } else {
                worlds_.create_empty(id);
            }
        } catch (...) {
            return done(failure{std::current_exception()});
        }
        const auto discard = [&] {
            e->world.reset();
            try {
                worlds_.remove(id);
            } catch (...) {
            }
        };
        try {
            if (request.seed) {
                e->world = open(*e);
                std::promise<outcome<admin::seed_outcome>> applied;
                auto result = applied.get_future();
                e->world->site->world().admin().apply_seed(
                    call{}, std::move(*request.seed),
                    [&applied](outcome<admin::seed_outcome> out) { applied.set_value(std::move(out)); });
                auto out = result.get();
                if (!out.ok()) {
                    discard();
                    if (const auto* err = out.error()) return done(*err);
                    return done(*out.failed());
                }
                seeded = std::move(out.value());
            }
            storage::write_and_wait(root_, [&](storage::repository& repo) { repo.put_sandbox(e->record); });
        } catch (...) {
            discard();
            return done(failure{std::current_exception()});
        }
        created_sandbox created{info_of(*e), key, std::move(seeded)};
        {
            std::lock_guard lock(mutex_);
            entries_.emplace(id, std::move(e));
        }
        done(std::move(created));
    });
}

void sandbox_registry::list(const call&, reply<std::vector<sandbox_info>> done) {
    std::vector<sandbox_info> out;
    {
        std::lock_guard lock(mutex_);
        const std::int64_t now = now_();
        for (const auto& [id, e] : entries_) {
            if (!expired(*e, now)) out.push_back(info_of(*e));
        }
    }
    std::sort(out.begin(), out.end(), [](const sandbox_info& a, const sandbox_info& b) {
        return a.created_at != b.created_at ? a.created_at < b.created_at : a.sandbox_id < b.sandbox_id;
    });
    done(std::move(out));
}

void sandbox_registry::describe(const call&, std::string_view sandbox_id, reply<sandbox_info> done) {
    std::optional<sandbox_info> info;
    {
        std::lock_guard lock(mutex_);
        const auto it = entries_.find(sandbox_id);
        if (it != entries_.end() && !expired(*it->second, now_())) info = info_of(*it->second);
    }
    if (!info) return done(unknown_sandbox(sandbox_id));
    done(std::move(*info));
}

void sandbox_registry::remove(const call&, std::string_view sandbox_id, reply<oauth::done> done) {
    post([this, id = std::string(sandbox_id), done = std::move(done)] {
        try {
            if (!remove_now(id)) return done(unknown_sandbox(id));
            done(oauth::done{});
        } catch (...) {
            done(failure{std::current_exception()});
        }
    });
}

void sandbox_registry::snapshot(const call&, std::string_view sandbox_id, reply<storage::snapshot_record> done) {
    post([this, id = std::string(sandbox_id), done = std::move(done)] {
        entry* e = nullptr;
        {
            std::lock_guard lock(mutex_);
            const auto it = entries_.find(id);
            if (it == entries_.end()) return done(unknown_sandbox(id));
            e = it->second.get();
            if (e->snapshots.size() >= limits_.max_snapshots) {
                return done(too_many("sandbox " + id + " holds its maximum of " +
                                     std::to_string(limits_.max_snapshots) + " snapshots"));
            }
        }
        storage::snapshot_record record{"snap-" + crypto::hex(crypto::random_bytes(8)), id, now_()};
        try {
            worlds_.snapshot(id, record.snapshot_id);
            try {
                storage::write_and_wait(root_, [&](storage::repository& repo) { repo.put_snapshot(record); });
            } catch (...) {
                worlds_.remove_snapshot(record.snapshot_id);
                throw;
            }
        } catch (...) {
            return done(failure{std::current_exception()});
        }
        {
            std::lock_guard lock(mutex_);
            e->snapshots.push_back(record.snapshot_id);
            snapshot_owner_.emplace(record.snapshot_id, id);
        }
        done(std::move(record));
    });
}

void sandbox_registry::restore(const call&, std::string_view sandbox_id, std::string_view snapshot_id,
                               reply<sandbox_info> done) {
    post([this, id = std::string(sandbox_id), snap = std::string(snapshot_id), done = std::move(done)] {
        entry* e = nullptr;
        {
            std::lock_guard lock(mutex_);
            const auto it = entries_.find(id);
            if (it == entries_.end()) return done(unknown_sandbox(id));
            const auto owner = snapshot_owner_.find(snap);
            if (owner == snapshot_owner_.end() || owner->second != id) {
                return done(make_error(errc::not_found, "sandbox " + id + " has no snapshot " + snap));
            }
            e = it->second.get();
            e->busy = true;
        }
        std::optional<sandbox_info> info;
        try {
            if (!close(*e, std::chrono::seconds(10))) throw still_busy();
            worlds_.restore(id, snap);
        } catch (...) {
            std::lock_guard lock(mutex_);
            e->busy = false;
            return done(failure{std::current_exception()});
        }
        if (forgotten_) forgotten_(id);  // still busy: no site of the old world opens meanwhile
        {
            std::lock_guard lock(mutex_);
            e->busy = false;
            e->auto_approval.reset();
            e->last_used.store(now_(), std::memory_order_relaxed);
            info = info_of(*e);
        }
        done(std::move(*info));
    });
}

bool sandbox_registry::owns_key(std::string_view sandbox_id, std::string_view presented) {
    const crypto::digest presented_digest = hasher_.hash(presented);
    std::lock_guard lock(mutex_);
    const auto it = entries_.find(sandbox_id);
    if (it == entries_.end() || expired(*it->second, now_())) return false;
    return crypto::constant_time_equal(presented_digest, it->second->record.admin_key_digest);
}

}  // namespace hsoauth::service
