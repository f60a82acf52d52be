#pragma once
// The storage interface under the service layer: one sandbox's apps, hubs, users, installs,
// codes and tokens, with reads on the caller's thread and writes through one writer. SQLite is
// the first engine (storage/sqlite/); a second engine implements this class and repository.hpp
// without any change above storage/.
//
// The contract every engine keeps:
// - Atomicity: each write job runs in its own savepoint inside a batch transaction. A job that
//   throws leaves nothing behind; the other jobs of its batch still commit. A job without a
//   savepoint (write_job::own_savepoint) that throws after a change fails its whole batch
//   instead. A batch commits as a whole or not at all.
// - Durability: a job's `complete` runs only once its batch is durable (see write_job.hpp).
// - Visibility: a read sees every write whose `complete` has run. It may also see a write whose
//   batch has committed but is not yet durable (at most one flush early); a power loss in that
//   window loses a write that no client was told had happened.
// - Order: jobs run in the order they were submitted; `complete`s run in that order too.
// - Threads: read() from any thread, concurrently; submit() and allocate_access_id() from any
//   thread; the burst calls from the network threads (each thread has its own burst).
#include <cstdint>
#include <exception>
#include <future>
#include <optional>
#include <type_traits>
#include <utility>

#include "hsoauth/storage/errors.hpp"
#include "hsoauth/storage/store_observer.hpp"
#include "hsoauth/storage/write_job.hpp"
#include "hsoauth/util/function_ref.hpp"

namespace hsoauth::storage {

class repository;

// Storage trouble on demand, for integrators testing their 503 handling and for hsoauth's own
// fault tests. Applied before the next write transaction; reads are never affected.
struct storage_faults {
    bool read_only = false;           // writes fail as on a read-only database
    std::int64_t max_page_count = 0;  // size cap in pages of 4 KiB; 0 = none
};

// Counters since start, for tests, the benchmark, the shutdown line and GET /metrics.
struct store_statistics {
    std::uint64_t commits = 0;         // write transactions committed
    std::uint64_t committed_jobs = 0;  // write jobs they carried (jobs / commits = mean batch)
    std::uint64_t flushes = 0;         // WAL flushes that acknowledged writes (0 unless FULL or EXTRA)
    std::uint64_t failed_batches = 0;  // batches the engine rolled back whole (disk full, I/O error, …)
    std::uint64_t database_bytes = 0;  // the database's size on disk, now
    std::uint64_t wal_bytes = 0;       // its write-ahead log's (or journal's) size on disk, now; 0 if none
};

class store {
public:
    virtual ~store() = default;

    // Runs `work` on the calling thread against a consistent snapshot (see the contract above).
    // Exceptions from `work` or from the engine (storage_error) propagate.
    virtual void read(function_ref<void(repository&)> work) = 0;

    // Queues a write (any thread).
    virtual void submit(write_job job) = 0;

    // For network threads: queues `job` as part of this thread's burst of requests. The engine
    // runs and commits the burst's writes together once every open burst is sealed (or after a
    // short bound): the writes of one burst share one transaction, one commit and one flush.
    // When in_burst() was false before the call, the caller arranges for seal_burst() to run on
    // this thread after the work at hand, and before this store is destroyed.
    virtual void submit_in_burst(write_job job) = 0;
    virtual bool in_burst() const = 0;
    virtual void seal_burst() = 0;

    // A number that changes with every commit (any thread). When it reads the same before a read
    // began and at some later moment, nothing was committed in between: what that read found is
    // still what a read would find, except for changes made by another process (see the engine).
    // In-memory views of the store (service::access_token_cache) rest on this.
    virtual std::uint64_t commit_generation() const = 0;

    // An id for a new access token, on any thread, so that a token can be made ahead of its
    // write. Ids are never handed out twice by one store (ids of rolled-back writes are lost).
    virtual std::int64_t allocate_access_id() = 0;

    // Thread-safe. New faults take effect before the next write transaction.
    virtual void set_faults(storage_faults faults) = 0;
    virtual storage_faults faults() const = 0;

    virtual store_statistics statistics() const = 0;

    // Tells `observer` (not owned; null: nobody) of every batch and flush from now on; returns
    // once no call to the previous observer runs any more, so that it may be destroyed.
    virtual void observe(store_observer* observer) = 0;
};

// read() returning what `work(repository&)` returns.
template <class Work>
auto read_value(store& s, Work&& work) {
    using value_type = std::invoke_result_t<Work&, repository&>;
    if constexpr (std::is_void_v<value_type>) {
        s.read(work);
    } else {
        std::optional<value_type> out;
        s.read([&](repository& repo) { out.emplace(work(repo)); });
        return std::move(*out);
    }
}

// Runs `work(repository&)` as a write and blocks until it is durable; returns what it returned
// and rethrows what it threw. For start-up, the command line and tests; never on a network thread.
template <class Work>
auto write_and_wait(store& s, Work&& work) {
    using value_type = std::invoke_result_t<Work&, repository&>;
    std::promise<void> durable;
    auto done = durable.get_future();
    std::optional<std::conditional_t<std::is_void_v<value_type>, bool, value_type>> out;
    s.submit(write_job{[&](repository& repo) {
                           if constexpr (std::is_void_v<value_type>) {
                               work(repo);
                               out.emplace(true);
                           } else {
                               out.emplace(work(repo));
                           }
                       },
                       [&](std::exception_ptr error) {
                           if (error) {
                               durable.set_exception(error);
                           } else {
                               durable.set_value();
                           }
                       }});
    done.get();
    if constexpr (!std::is_void_v<value_type>) return std::move(*out);
}

}  // namespace hsoauth::storage
