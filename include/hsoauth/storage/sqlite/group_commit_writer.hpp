#pragma once
// The single writer: one thread that runs every write job on the writer connection, committing
// whatever has queued in one transaction (group commit), each job in its own savepoint.
//
// What it guarantees (the store contract's atomicity, durability and order):
// - Jobs run in the order they were queued, each between SAVEPOINT and RELEASE: a job that throws
//   is rolled back alone and its `complete` gets its exception; the others of the batch commit.
//   A job without a savepoint (write_job::own_savepoint) fails alone when it throws before
//   changing a row. When it throws after one, when SQLite rolls back the whole transaction (disk
//   full, an I/O error), or when BEGIN or COMMIT fails, every job of the batch fails with that error.
// - A batch holds at most max_batch jobs. It commits as soon as nothing is queued and no burst is
//   open, once burst_wait has passed since its oldest job was queued, or once it holds max_batch
//   jobs.
// - After COMMIT: hooks.committed(), then the batch's acknowledgements go to the wal_syncer (run
//   after its next flush) or, without one, run at once on this thread, in queue order. When no
//   write waits (nothing queued, no burst open) and the syncer is idle, this thread flushes and
//   runs them itself (wal_syncer::flush_here_if_idle): the next write then waits for that flush
//   to end before its batch begins, as its own acknowledgement would wait for it anyway.
// - Storage faults set with set_faults() are applied before the next BEGIN.
// - The destructor returns once everything queued has been committed and handed over.
//
// Bursts: a network thread calls submit_in_burst() for the requests of one pass of its event
// loop and seal_burst() at the end of the pass. While a burst is open the writer waits: it runs
// the queued jobs, in one transaction, and commits once every open burst is sealed, or once the
// oldest of them has waited burst_wait. Only a job that finds the queue empty wakes it (to start
// that clock), and the seal does: the writes of one pass share one commit and one flush, and the
// writer is not woken in the middle of the pass. A thread has at most one burst open, in one
// writer.
//
// Threads: submit(), submit_in_burst(), set_faults(), faults() and statistics from any thread;
// in_burst() and seal_burst() from the thread that submitted in the burst; the hooks run on the
// writer thread. Guarded by mutex_: the queue, the number of open bursts, the stop flag, the
// faults and the statistics. The connection, the repository and the open batch belong to the
// writer thread.
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <memory>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

#include "hsoauth/storage/repository.hpp"
#include "hsoauth/storage/store.hpp"
#include "hsoauth/storage/store_observer.hpp"
#include "hsoauth/storage/write_job.hpp"
#include "hsoauth/storage/sqlite/connection.hpp"
#include "hsoauth/storage/sqlite/wal_syncer.hpp"

namespace hsoauth::storage::sqlite {

// What the rest of the engine does on the writer thread, between and after transactions.
class writer_hooks {
public:
    virtual ~writer_hooks() = default;
    // Right after each COMMIT, before its acknowledgements are handed over.
    virtual void committed() = 0;
    // Before waiting for work with nothing queued: true when idle_work() should run first.
    virtual bool idle_work_due() = 0;
    // With no transaction open.
    virtual void idle_work() = 0;
    // Before each BEGIN, after the faults are applied.
    virtual void before_transaction() = 0;
};

struct writer_settings {
    std::size_t max_batch = 1024;                // most jobs committed in one transaction
    std::chrono::microseconds burst_wait{1000};  // longest a transaction stays open for bursts
    storage_faults faults;                       // applied before the first transaction
    std::int64_t page_cap = 0;                   // a size cap (pages) that no storage fault lifts; 0: none
};

class group_commit_writer {
public:
    // Starts the writer thread over `conn` (configured and migrated), running jobs on `repo`.
    // `syncer`: flushes the WAL before acknowledgements run; null when nothing waits for a flush.
    // Every argument must outlive this object.
    group_commit_writer(connection& conn, repository& repo, wal_syncer* syncer, writer_hooks& hooks,
                        writer_settings settings);
    ~group_commit_writer();
    group_commit_writer(const group_commit_writer&) = delete;
    group_commit_writer& operator=(const group_commit_writer&) = delete;

    void submit(write_job job);
    void submit_in_burst(write_job job);
    bool in_burst() const;
    void seal_burst();

    void set_faults(storage_faults faults);
    storage_faults faults() const;

    std::uint64_t commits() const;
    std::uint64_t committed_jobs() const;
    std::uint64_t failed_batches() const;

    // Tells `observer` of every batch from now on (store_observer::batch_finished, on the writer
    // thread); null: nobody.
    void observe(store_observer* observer);

private:
    // The open transaction: the jobs run since BEGIN, and how each ended.
    struct open_batch {
        std::vector<write_job> jobs;
        std::vector<std::exception_ptr> outcome;  // per job: its own error, or nullptr
        std::exception_ptr failed;  // BEGIN or the transaction itself failed: every job fails with it
        bool begun = false;
    };
    // The emptied buffers of acknowledged batches, for the next batches to reuse: a batch then
    // allocates nothing for its jobs and outcomes (a batch's job buffer, about 4 KB at 47 jobs,
    // made glibc consolidate its free lists at each allocation). Acknowledgements may run on the
    // syncer's thread after this writer is gone: the writer and each acknowledgement share it.
    struct spare_buffers {
        static constexpr std::size_t most_kept = 4;
        std::mutex mutex;
        // Guarded by mutex.
        std::vector<std::pair<std::vector<write_job>, std::vector<std::exception_ptr>>> kept;
        // Empties both and keeps them, unless most_kept are kept already. Any thread.
        void give_back(std::vector<write_job>& jobs, std::vector<std::exception_ptr>& outcome);
        // Moves a kept pair into `batch` (empty), or reserves `size` in its own buffers.
        void lend(open_batch& batch, std::size_t size);
    };
    // The transaction control, prepared once.
    struct transaction_statements {
        statement begin;
        statement savepoint;
        statement release;
        statement rollback_to;
        statement commit;
    };

    void loop();
    // Moves the oldest queued jobs, at most `room`, into `arrived` (empty). Under mutex_.
    void take_queued(std::vector<write_job>& arrived, std::size_t room);
    // Runs `arrived` in `batch`'s transaction (BEGIN first, when not yet), each in its own
    // savepoint unless the job goes without (write_job::own_savepoint).
    void run_jobs(open_batch& batch, std::vector<write_job>& arrived);
    // Run `job`, setting `outcome` to its error when it failed alone; throw what must fail the
    // whole batch (the transaction rolled back by SQLite, or changes that cannot be undone alone).
    void run_in_savepoint(write_job& job, std::exception_ptr& outcome);
    void run_without_savepoint(write_job& job, std::exception_ptr& outcome);
    // COMMIT (or roll back a failed batch), then hands the acknowledgements over. Leaves `batch` empty.
    void finish_batch(open_batch& batch);
    // Runs each job's `complete` with its own error, else `sync_error`.
    static void complete_batch(std::vector<write_job>& jobs, const std::vector<std::exception_ptr>& outcome,
                               const std::exception_ptr& sync_error);
    void apply_faults();

    connection& conn_;
    repository& repo_;
    wal_syncer* const syncer_;
    writer_hooks& hooks_;
    const std::size_t max_batch_;
    const std::chrono::microseconds burst_wait_;
    const std::int64_t page_cap_;
    std::unique_ptr<transaction_statements> transaction_;  // writer thread only
    const std::shared_ptr<spare_buffers> spares_ = std::make_shared<spare_buffers>();

    mutable std::mutex mutex_;
    std::condition_variable queue_cv_;
    std::vector<write_job> queue_;  // guarded by mutex_
    int open_bursts_ = 0;          // guarded by mutex_: threads with a burst not sealed yet
    std::chrono::steady_clock::time_point queued_since_{};  // guarded by mutex_: the oldest queued job's arrival
    bool stopping_ = false;        // guarded by mutex_
    storage_faults faults_;        // guarded by mutex_
    bool faults_changed_ = false;  // guarded by mutex_
    std::uint64_t commits_ = 0;         // guarded by mutex_
    std::uint64_t committed_jobs_ = 0;  // guarded by mutex_
    std::uint64_t failed_batches_ = 0;  // guarded by mutex_
    // Held while the observer is told: observe() returns once no call to the old one runs.
    std::mutex observer_mutex_;
    store_observer* observer_ = nullptr;  // guarded by observer_mutex_
    std::thread thread_;
};

}  // namespace hsoauth::storage::sqlite
