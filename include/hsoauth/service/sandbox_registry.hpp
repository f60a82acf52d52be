#pragma once
// The server's non-default sandboxes: their catalogue (kept in the root store), their worlds
// (kept by storage::sandbox_storage) and the ones open now. Implements sandbox_service.
//
// - find() hands a network thread the open site of a sandbox, opening its store when closed; the
//   lease keeps the site and its store alive. A sandbox is closed only by the maintenance thread
//   and only while nobody holds a lease, so stores are never destroyed on their own threads.
// - Closed: a sandbox whose last lease is older than idle_close_seconds, and the least recently
//   used ones beyond max_open. A closed sandbox costs its catalogue entry; its auto-approve
//   setting is kept for its next opening (its consent forms and throttle are not).
// - Removed: a sandbox idle (no request under its prefix) longer than its TTL, on the root
//   sandbox's clock, so that moving the server's clock ages every sandbox.
// - create, remove, snapshot and restore run one at a time on the maintenance thread, which also
//   sweeps every second (TTL, idle close, last-use times written to the catalogue) and, every
//   cleanup_interval_seconds, queues the removal of long-expired tokens and codes in each open
//   sandbox (service::sandbox::remove_expired; a closed sandbox gets it once it is open again).
// - Restore closes the sandbox (waiting up to 10 s for the requests in flight), puts its world
//   back and lets the next request open it: its app cache, throttle and consent forms start
//   empty and its clock offset is the restored file's.
// Threads: find() and the service operations from any thread; the site factory runs on the
// thread that opens (a network thread or the maintenance thread).
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>

#include "hsoauth/crypto/digest.hpp"
#include "hsoauth/service/sandbox_service.hpp"
#include "hsoauth/service/sandbox_site.hpp"
#include "hsoauth/storage/sandbox_storage.hpp"
#include "hsoauth/storage/store.hpp"

namespace hsoauth::service {

struct sandbox_limits {
    std::int64_t max_sandboxes = 1000;         // create answers client_throttled beyond it
    std::int64_t default_ttl_seconds = 86400;  // 0: sandboxes live until removed
    std::int64_t idle_close_seconds = 600;     // real seconds without a request before closing
    std::size_t max_open = 64;                 // open stores at once, least recently used closed
    std::size_t max_snapshots = 64;            // per sandbox
    std::int64_t cleanup_interval_seconds = 60;  // expired tokens and codes of open sandboxes; 0: never
};

class sandbox_registry final : public sandbox_service {
  public:
    // Makes the site of an open sandbox over `store` (which outlives the site).
    using site_factory = std::function<std::unique_ptr<sandbox_site>(
        const std::string& sandbox_id, storage::store& store, const std::string& admin_key_digest)>;

    // Reads the catalogue from `root` and removes the worlds and snapshots it does not list;
    // `now` is the server's clock (seconds). `forgotten`, when given, is told the id of each
    // sandbox whose world ends: removed (deleted, or idle past its TTL; once it is closed and out
    // of the catalogue) or restored (once closed and put back, before it opens again). It runs on
    // the maintenance thread; what the site factory keeps beyond a site's life (across idle
    // closes) goes then. Every reference must outlive the registry. Throws what the storage throws.
    sandbox_registry(storage::store& root, storage::sandbox_storage& worlds, const crypto::secret_hasher& hasher,
                     site_factory make_site, std::function<std::int64_t()> now, sandbox_limits limits,
                     std::function<void(const std::string&)> forgotten = {});
    // Stops the maintenance thread (after the task at hand), writes the last-use times and closes
    // every sandbox. No lease may be held any more.
    ~sandbox_registry() override;
    sandbox_registry(const sandbox_registry&) = delete;
    sandbox_registry& operator=(const sandbox_registry&) = delete;

    enum class lookup { found, unknown, busy };
    struct lease {
        lookup status = lookup::unknown;
        std::shared_ptr<sandbox_site> site;  // set when found
    };
    // The sandbox `sandbox_id`, opened when closed (on this thread). busy while a restore or a
    // removal holds it; unknown for an id never created or removed. Throws what opening throws.
    lease find(std::string_view sandbox_id);

    void create(const call& c, sandbox_request request, reply<created_sandbox> done) override;
    void list(const call& c, reply<std::vector<sandbox_info>> done) override;
    void describe(const call& c, std::string_view sandbox_id, reply<sandbox_info> done) override;
    void remove(const call& c, std::string_view sandbox_id, reply<oauth::done> done) override;
    void snapshot(const call& c, std::string_view sandbox_id, reply<storage::snapshot_record> done) override;
    void restore(const call& c, std::string_view sandbox_id, std::string_view snapshot_id,
                 reply<sandbox_info> done) override;
    bool owns_key(std::string_view sandbox_id, std::string_view presented) override;

    // The TTL sweep and the idle closing, at once, waiting for it (tests; the maintenance thread
    // runs it every second).
    void sweep_now();
    // Sandboxes with an open store now.
    std::size_t open_count() const;

  private:
    struct open_world;
    struct entry;

    void post(std::function<void()> task);
    void loop();
    void sweep();
    // Takes `e`'s world out once no lease holds it (waiting up to `patience`); false on timeout.
    bool close(entry& e, std::chrono::milliseconds patience);
    std::shared_ptr<open_world> open(entry& e);
    sandbox_info info_of(const entry& e) const;
    // Idle past its TTL at server time `now`: unknown to every operation from then on.
    static bool expired(const entry& e, std::int64_t now);
    // Removes `id` from the catalogue, the open set and the storage; false when unknown.
    bool remove_now(const std::string& id);

    storage::store& root_;
    storage::sandbox_storage& worlds_;
    const crypto::secret_hasher& hasher_;
    site_factory make_site_;
    std::function<std::int64_t()> now_;
    sandbox_limits limits_;
    std::function<void(const std::string&)> forgotten_;

    // Ids are looked up by std::string_view, without a copy.
    struct id_hash {
        using is_transparent = void;
        std::size_t operator()(std::string_view id) const noexcept { return std::hash<std::string_view>{}(id); }
    };

    mutable std::mutex mutex_;
    std::unordered_map<std::string, std::unique_ptr<entry>, id_hash, std::equal_to<>> entries_;  // guarded by mutex_
    std::unordered_map<std::string, std::string> snapshot_owner_;         // guarded by mutex_

    std::mutex tasks_mutex_;
    std::condition_variable tasks_cv_;
    std::deque<std::function<void()>> tasks_;  // guarded by tasks_mutex_
    bool stopping_ = false;                    // guarded by tasks_mutex_
    std::thread maintenance_;
};

}  // namespace hsoauth::service
