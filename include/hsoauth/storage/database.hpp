#pragma once
// The database as the rest of hsoauth sees it: reads on pooled connections of the caller's
// thread, writes through one writer thread that commits whatever has queued in one transaction
// (group commit) and reports each write only after its COMMIT returned.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <type_traits>
#include <unordered_map>
#include <vector>

#include "hsoauth/storage/repository.hpp"
#include "hsoauth/storage/wal_syncer.hpp"

struct sqlite3;

namespace hsoauth::storage {

// Thrown by a write job to undo its own changes without failing the batch; the job's complete()
// receives it, so the caller can answer with the error it recorded before throwing.
struct rollback_only : std::exception {
    const char* what() const noexcept override { return "write rolled back"; }
};

// Storage trouble on demand, for integrators testing their 503 handling and for hsoauth's own
// fault tests. Applied by the writer before its next transaction; reads are never affected.
struct storage_faults {
    bool read_only = false;          // writes fail with SQLITE_READONLY (PRAGMA query_only)
    std::int64_t max_page_count = 0; // database size cap in pages (PRAGMA max_page_count); 0 = none
};

struct database_options {
    std::string path;                   // a file path (reads use their own connections to it)
    std::string synchronous = "FULL";   // PRAGMA synchronous: OFF, NORMAL, FULL or EXTRA
    std::size_t max_batch = 1024;       // most writes committed in one transaction
    // How long the writer keeps a transaction open for the rest of a burst (submit_in_burst):
    // while no write arrives, and in all. A thread slow to seal its burst, or network threads
    // whose bursts overlap, delay a commit by at most this.
    std::chrono::microseconds burst_wait{1000};
    std::int64_t max_page_count = 0;    // size cap in pages; 0 = SQLite's own limit
};

class database {
public:
    // Opens (creating if needed) and migrates the database, then starts the writer thread.
    // Throws storage_error or std::runtime_error (schema newer than this binary).
    explicit database(database_options options);
    // Stops the writer after it has committed everything queued.
    ~database();
    database(const database&) = delete;
    database& operator=(const database&) = delete;

    // Runs `work(repository&)` on the calling thread with a read connection from the pool and
    // returns its result. Reads see every write whose completion has been reported.
    template <class Work>
    auto read(Work&& work) {
        auto lease = lease_reader();
        return work(*lease.repo);
    }

    // The app with `client_id` as committed (nullptr: none), from memory while no write has changed any app
    // since it was read (apps change only through this database's writer: an offline
    // `hsoauth seed` into the file of a running server is seen after a restart).
    std::shared_ptr<const app_record> find_app_by_client_id(std::string_view client_id);

    // A queued write. `run` executes on the writer thread inside the batch transaction (in its
    // own savepoint: if it throws, its own changes are rolled back and the others still commit);
    // `complete` then executes once the batch is durable: on the WAL's sync thread after its flush
    // at synchronous FULL and EXTRA, on the writer thread after COMMIT otherwise. It gets nullptr
    // on success or the exception that failed this write (its own, the batch's COMMIT, or the
    // flush). `complete` must not block: it should hand its result to another thread.
    struct write_job {
        std::function<void(repository&)> run;
        std::function<void(std::exception_ptr)> complete;
    };
    void submit(write_job job);

    // For network threads: queues `job` as part of this thread's burst of requests. The writer
    // runs it at once, in the transaction it has open, but commits only once every burst in that
    // transaction is sealed (or once it has been open burst_wait, or at max_batch): the
    // writes of one burst share one commit and one flush, and the writer works while the burst
    // is still being read. The caller arranges for seal_burst() to run on this thread, after the
    // work at hand, when in_burst() was false before its submit_in_burst(), and before this
    // database is destroyed.
    void submit_in_burst(write_job job);
    bool in_burst() const;
    void seal_burst();

    // Runs `work` as a write and waits for its commit. For start-up, the CLI and tests; never on
    // a network thread. Rethrows what the write threw.
    template <class Work>
    auto write_and_wait(Work&& work) {
        using value_type = std::invoke_result_t<Work&, repository&>;
        if constexpr (std::is_void_v<value_type>) {
            write_blocking([&](repository& repo) { work(repo); });
        } else {
            std::optional<value_type> out;
            write_blocking([&](repository& repo) { out.emplace(work(repo)); });
            return std::move(*out);
        }
    }

    // An id for a new access token (repository::allocate_access_id), on any thread.
    std::int64_t allocate_access_id() { return access_ids_->next(); }

    const database_options& options() const { return options_; }

    // Thread-safe. The new faults take effect before the next write transaction.
    void set_faults(storage_faults faults);
    storage_faults faults() const;
    // Number of write transactions committed so far, and of the jobs they carried (for tests
    // and the benchmark: jobs / commits is the mean group-commit batch).
    std::uint64_t commits() const;
    std::uint64_t committed_jobs() const;
    // fdatasyncs of the WAL that acknowledged writes (0 unless synchronous is FULL or EXTRA).
    std::uint64_t flushes() const;

private:
    // A read connection. It keeps one read transaction (a snapshot) open across reads while
    // nothing has been committed since it began, for at most snapshot_reuse_limit: starting a
    // read transaction costs SQLite two fcntl(2) locks and an fstat(2).
    struct reader {
        std::unique_ptr<connection> conn;
        std::unique_ptr<repository> repo;
        std::unique_ptr<statement> begin;
        std::unique_ptr<statement> end;
        bool in_transaction = false;
        std::uint64_t generation = 0;  // commit_generation_ when the snapshot began
        std::chrono::steady_clock::time_point opened{};
    };
    // Returns its reader to the pool when it goes out of scope.
    struct reader_lease {
        reader_lease(database* owner_db, reader* leased)
            : owner(owner_db), r(leased), repo(leased->repo.get()), failing_at_start(std::uncaught_exceptions()) {}
        reader_lease(const reader_lease&) = delete;
        reader_lease& operator=(const reader_lease&) = delete;
        ~reader_lease();
        database* owner;
        reader* r;
        repository* repo;
        int failing_at_start;
    };

    void write_blocking(const std::function<void(repository&)>& work);
    void configure(connection& conn, bool writer);
    reader_lease lease_reader();
    void open_snapshot(reader& r);
    void end_snapshot(reader& r);
    // Ends the snapshots of readers not in use (so that a checkpoint can finish).
    void end_idle_snapshots();
    // The writer's open transaction: the jobs it has run since BEGIN, and how each ended.
    struct open_batch {
        std::vector<write_job> jobs;
        std::vector<std::exception_ptr> outcome;  // per job: its own error, or nullptr
        std::exception_ptr failed;  // BEGIN or the transaction itself failed: every job fails with it
        bool begun = false;
    };
    void writer_loop();
    // Runs `arrived` in `batch`'s transaction (BEGIN first, when not yet), each in its own savepoint.
    void run_jobs(open_batch& batch, std::vector<write_job>& arrived);
    // COMMIT (or roll back a failed batch), then acknowledges the jobs: after the WAL flush at
    // synchronous FULL and EXTRA, at once otherwise. Leaves `batch` empty.
    void finish_batch(open_batch& batch);
    // Runs each job's `complete` with its own error, else `sync_error`.
    static void complete_batch(std::vector<write_job>& jobs, const std::vector<std::exception_ptr>& outcome,
                               const std::exception_ptr& sync_error);
    void apply_faults();
    void checkpointer_loop();
    // Writer thread, between batches: copies what the checkpointer left, so that the next
    // transaction starts the WAL over.
    void restart_wal();
    static int on_wal_commit(void* self, sqlite3* db, const char* name, int wal_pages);

    // The writer's transaction control, prepared once.
    struct transaction_statements {
        statement begin;
        statement savepoint;
        statement release;
        statement rollback_to;
        statement commit;
    };

    database_options options_;
    std::unique_ptr<connection> writer_conn_;
    std::unique_ptr<transaction_statements> transaction_;  // writer thread only
    std::unique_ptr<repository> writer_repo_;
    // One id sequence for every repository, and for network threads making tokens ahead of a write.
    std::shared_ptr<id_sequence> access_ids_ = std::make_shared<id_sequence>();

    // Apps by client_id, valid for apps_version_ == apps_cached_version_. The writer bumps
    // apps_version_ after committing (or failing) a batch that touched apps.
    std::atomic<std::uint64_t> apps_version_{0};
    std::atomic<std::uint64_t> commit_generation_{0};  // bumped by the writer after each COMMIT
    std::mutex apps_mutex_;
    std::uint64_t apps_cached_version_ = 0;                    // guarded by apps_mutex_
    // Looked up by string_view without building a std::string.
    struct string_hash {
        using is_transparent = void;
        std::size_t operator()(std::string_view text) const { return std::hash<std::string_view>{}(text); }
    };
    std::unordered_map<std::string, std::shared_ptr<const app_record>, string_hash, std::equal_to<>>
        apps_by_client_;  // guarded by apps_mutex_

    std::mutex readers_mutex_;
    std::vector<std::unique_ptr<reader>> readers_;  // owned
    std::vector<reader*> idle_readers_;

    mutable std::mutex queue_mutex_;
    std::condition_variable queue_cv_;
    std::deque<write_job> queue_;
    int open_bursts_ = 0;  // threads with jobs submitted in a burst they have not sealed yet
    bool stopping_ = false;
    storage_faults faults_;       // guarded by queue_mutex_
    bool faults_changed_ = false; // guarded by queue_mutex_
    std::uint64_t commits_ = 0;
    std::uint64_t committed_jobs_ = 0;
    // At synchronous FULL or EXTRA the writer's connection runs at NORMAL and this flushes the
    // WAL before each batch is acknowledged; null at OFF and NORMAL (nothing to wait for).
    std::unique_ptr<wal_syncer> syncer_;
    std::thread writer_;

    // Checkpoints run on their own connection and thread, so a commit never waits for the WAL
    // to be copied back into the database file (the writer's automatic checkpoint is off).
    std::unique_ptr<connection> checkpoint_conn_;
    std::mutex checkpoint_mutex_;
    std::condition_variable checkpoint_cv_;
    bool checkpoint_wanted_ = false;   // guarded by checkpoint_mutex_
    bool checkpoint_stopping_ = false; // guarded by checkpoint_mutex_
    int wal_pages_ = 0;                // WAL size after the last commit; writer thread only
    std::atomic<bool> wal_restart_due_{false};  // set by the checkpointer after each pass
    std::thread checkpointer_;
};

}  // namespace hsoauth::storage
