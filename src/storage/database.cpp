#include "hsoauth/storage/database.hpp"

#include <sqlite3.h>

#include <chrono>
#include <future>
#include <stdexcept>

#include "hsoauth/storage/migrations.hpp"

namespace hsoauth::storage {
namespace {

// The database in which this thread has a burst open (database::submit_in_burst), if any.
thread_local database* burst_owner = nullptr;

bool valid_synchronous(const std::string& mode) {
    return mode == "OFF" || mode == "NORMAL" || mode == "FULL" || mode == "EXTRA";
}

// FULL and EXTRA promise that a write is durable when it is acknowledged; hsoauth keeps that
// promise itself (wal_syncer), so the writer need not wait for the disk inside COMMIT.
bool acknowledges_after_flush(const std::string& mode) { return mode == "FULL" || mode == "EXTRA"; }

}  // namespace

database::database(database_options options) : options_(std::move(options)) {
    if (!valid_synchronous(options_.synchronous)) {
        throw std::invalid_argument("synchronous must be OFF, NORMAL, FULL or EXTRA");
    }
    writer_conn_ = std::make_unique<connection>(options_.path, /*create=*/true);
    configure(*writer_conn_, /*writer=*/true);
    migrate(*writer_conn_);
    writer_repo_ = std::make_unique<repository>(*writer_conn_, access_ids_);
    writer_repo_->start_access_ids();
    faults_.max_page_count = options_.max_page_count;
    faults_changed_ = faults_.max_page_count != 0;
    checkpoint_conn_ = std::make_unique<connection>(options_.path, /*create=*/false);
    configure(*checkpoint_conn_, /*writer=*/false);
    writer_conn_->exec("PRAGMA wal_autocheckpoint = 0");
    sqlite3_wal_hook(writer_conn_->handle(), &database::on_wal_commit, this);
    if (acknowledges_after_flush(options_.synchronous)) {
        // An in-memory database has no file name, and nothing to flush.
        const char* file = sqlite3_db_filename(writer_conn_->handle(), "main");
        if (file != nullptr && *file != '\0') {
            syncer_ = std::make_unique<wal_syncer>(sqlite3_filename_wal(file));
        }
    }
    checkpointer_ = std::thread([this] { checkpointer_loop(); });
    writer_ = std::thread([this] { writer_loop(); });
}

database::~database() {
    {
        std::lock_guard lock(queue_mutex_);
        stopping_ = true;
    }
    queue_cv_.notify_all();
    if (writer_.joinable()) writer_.join();
    syncer_.reset();  // acknowledges the writer's last batches
    {
        std::lock_guard lock(checkpoint_mutex_);
        checkpoint_stopping_ = true;
    }
    checkpoint_cv_.notify_all();
    if (checkpointer_.joinable()) checkpointer_.join();
}

// The WAL size (in pages) at which the checkpointer is woken: SQLite's own default.
constexpr int checkpoint_wal_pages = 1000;

// The WAL size at which the writer checkpoints itself before its next batch: the background
// checkpoint has fallen behind (or readers kept it from finishing), and the WAL only starts over
// when a checkpoint finished before a write transaction began.
constexpr int writer_checkpoint_wal_pages = 8 * checkpoint_wal_pages;

int database::on_wal_commit(void* self, sqlite3*, const char*, int wal_pages) {
    auto* db = static_cast<database*>(self);
    db->wal_pages_ = wal_pages;  // the writer thread's own bookkeeping: the hook runs on it
    // Not while the writer has yet to finish the last pass: the checkpointer would hold the
    // checkpoint lock when the writer tries, and the two would chase each other for ever.
    if (wal_pages >= checkpoint_wal_pages && !db->wal_restart_due_.load(std::memory_order_acquire)) {
        {
            std::lock_guard lock(db->checkpoint_mutex_);
            db->checkpoint_wanted_ = true;
        }
        db->checkpoint_cv_.notify_one();
    }
    return SQLITE_OK;
}

void database::checkpointer_loop() {
    for (;;) {
        {
            std::unique_lock lock(checkpoint_mutex_);
            checkpoint_cv_.wait(lock, [this] { return checkpoint_wanted_ || checkpoint_stopping_; });
            if (checkpoint_stopping_) return;
            checkpoint_wanted_ = false;
        }
        // Idle readers holding a snapshot would keep the checkpoint from finishing.
        end_idle_snapshots();
        // PASSIVE: copies what no reader still needs, never blocks the writer or a reader. A
        // failure (disk full, say) leaves the WAL as it is; the next commit asks again.
        sqlite3_wal_checkpoint_v2(checkpoint_conn_->handle(), "main", SQLITE_CHECKPOINT_PASSIVE, nullptr,
                                  nullptr);
        // The writer kept committing meanwhile, so this pass cannot have emptied the WAL; the
        // writer copies the last few frames itself the next time it waits for work.
        wal_restart_due_.store(true, std::memory_order_release);
    }
}

void database::restart_wal() {
    // SQLite starts the WAL over, writing from its beginning again, only at the start of a write
    // transaction that finds every frame already copied into the database and no reader using
    // them. A WAL that grows instead makes every commit's fdatasync write the file's inode too,
    // and keeps the checkpointer running after every commit.
    wal_restart_due_.store(false, std::memory_order_release);  // done here, whoever asked
    end_idle_snapshots();
    sqlite3_wal_checkpoint_v2(writer_conn_->handle(), "main", SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
    wal_pages_ = 0;
}

void database::configure(connection& conn, bool writer) {
    // A busy timeout covers the short moments a checkpoint or another process holds a lock.
    sqlite3_busy_timeout(conn.handle(), 5000);
    conn.exec("PRAGMA foreign_keys = OFF");
    // An 8 MiB page cache per connection bounds the server's memory. Only the writer maps the
    // file (64 MiB of it): a reader would have to drop and rebuild its map at its first read
    // after every commit, a TLB shootdown on every core, where re-reading its few pages is cheaper.
    conn.exec(writer ? "PRAGMA mmap_size = 67108864" : "PRAGMA mmap_size = 0");
    conn.exec("PRAGMA cache_size = -8192");
    if (writer) {
        conn.exec("PRAGMA journal_mode = WAL");
        // NORMAL in WAL mode: COMMIT writes the WAL without flushing it, and checkpoints still
        // flush the WAL before copying it and the database file after.
        conn.exec("PRAGMA synchronous = " +
                  (acknowledges_after_flush(options_.synchronous) ? std::string("NORMAL") : options_.synchronous));
        conn.exec("PRAGMA temp_store = MEMORY");
    }
}

database::reader_lease database::lease_reader() {
    reader* r = nullptr;
    {
        std::lock_guard lock(readers_mutex_);
        if (!idle_readers_.empty()) {
            r = idle_readers_.back();
            idle_readers_.pop_back();
        }
    }
    if (r == nullptr) {
        auto fresh = std::make_unique<reader>();
        fresh->conn = std::make_unique<connection>(options_.path, /*create=*/false);
        configure(*fresh->conn, /*writer=*/false);
        fresh->repo = std::make_unique<repository>(*fresh->conn, access_ids_);
        fresh->begin = std::make_unique<statement>(fresh->conn->prepare("BEGIN"));
        fresh->end = std::make_unique<statement>(fresh->conn->prepare("COMMIT"));
        r = fresh.get();
        std::lock_guard lock(readers_mutex_);
        readers_.push_back(std::move(fresh));
    }
    try {
        open_snapshot(*r);
    } catch (...) {
        std::lock_guard lock(readers_mutex_);
        idle_readers_.push_back(r);
        throw;
    }
    return reader_lease(this, r);
}

// How long a reader may keep one snapshot while nothing is committed here: the bound on how late
// it sees a change made by another process (an offline seed into the file, say).
constexpr auto snapshot_reuse_limit = std::chrono::milliseconds(10);

void database::open_snapshot(reader& r) {
    // A commit since the snapshot was opened: the snapshot may miss a write already reported.
    const std::uint64_t generation = commit_generation_.load(std::memory_order_acquire);
    const auto now = std::chrono::steady_clock::now();
    if (r.in_transaction && (r.generation != generation || now - r.opened > snapshot_reuse_limit)) {
        end_snapshot(r);
    }
    if (r.in_transaction) return;
    // BEGIN takes the snapshot at the first read, after `generation` was loaded: the snapshot is
    // at least as new as that generation.
    statement_scope begin(*r.begin);
    begin->run();
    r.in_transaction = true;
    r.generation = generation;
    r.opened = now;
}

void database::end_snapshot(reader& r) {
    if (!r.in_transaction) return;
    r.in_transaction = false;
    try {
        statement_scope end(*r.end);
        end->run();
    } catch (...) {
        if (!sqlite3_get_autocommit(r.conn->handle())) sqlite3_exec(r.conn->handle(), "ROLLBACK", nullptr, nullptr, nullptr);
    }
}

void database::end_idle_snapshots() {
    std::lock_guard lock(readers_mutex_);
    for (reader* r : idle_readers_) end_snapshot(*r);
}

database::reader_lease::~reader_lease() {
    // A read that failed may have left its transaction in any state: start afresh next time.
    if (std::uncaught_exceptions() > failing_at_start) owner->end_snapshot(*r);
    std::lock_guard lock(owner->readers_mutex_);
    owner->idle_readers_.push_back(r);
}

std::shared_ptr<const app_record> database::find_app_by_client_id(std::string_view client_id) {
    const std::uint64_t version = apps_version_.load(std::memory_order_acquire);
    {
        std::lock_guard lock(apps_mutex_);
        if (apps_cached_version_ != version) {
            apps_by_client_.clear();
            apps_cached_version_ = version;
        }
        if (const auto it = apps_by_client_.find(client_id); it != apps_by_client_.end()) {
            return it->second;
        }
    }
    auto found = read([&](repository& repo) { return repo.find_app_by_client_id(client_id); });
    // Unknown client_ids are not remembered: they must not grow the cache.
    if (!found) return nullptr;
    auto app = std::make_shared<const app_record>(std::move(*found));
    std::lock_guard lock(apps_mutex_);
    // Read at `version` or later; kept only while that is still the current version.
    if (apps_cached_version_ == version && apps_version_.load(std::memory_order_acquire) == version) {
        apps_by_client_.emplace(app->client_id, app);
    }
    return app;
}

void database::submit(write_job job) {
    {
        std::lock_guard lock(queue_mutex_);
        queue_.push_back(std::move(job));
    }
    queue_cv_.notify_one();
}

void database::submit_in_burst(write_job job) {
    {
        std::lock_guard lock(queue_mutex_);
        if (burst_owner != this) ++open_bursts_;
        queue_.push_back(std::move(job));
    }
    if (burst_owner != this) {
        if (burst_owner != nullptr) burst_owner->seal_burst();
        burst_owner = this;
    }
    queue_cv_.notify_one();
}

bool database::in_burst() const { return burst_owner == this; }

void database::seal_burst() {
    if (burst_owner != this) return;
    burst_owner = nullptr;
    {
        std::lock_guard lock(queue_mutex_);
        --open_bursts_;
    }
    queue_cv_.notify_one();
}

void database::write_blocking(const std::function<void(repository&)>& work) {
    std::promise<void> committed;
    auto future = committed.get_future();
    submit(write_job{
        [&work](repository& repo) { work(repo); },
        [&committed](std::exception_ptr error) {
            if (error) {
                committed.set_exception(error);
            } else {
                committed.set_value();
            }
        }});
    future.get();
}

void database::set_faults(storage_faults faults) {
    std::lock_guard lock(queue_mutex_);
    faults_ = faults;
    faults_changed_ = true;
}

storage_faults database::faults() const {
    std::lock_guard lock(queue_mutex_);
    return faults_;
}

void database::apply_faults() {
    storage_faults wanted;
    {
        std::lock_guard lock(queue_mutex_);
        if (!faults_changed_) return;
        faults_changed_ = false;
        wanted = faults_;
    }
    connection& conn = *writer_conn_;
    conn.exec(wanted.read_only ? "PRAGMA query_only = 1" : "PRAGMA query_only = 0");
    // 4294967294 is SQLite's largest page count: "no cap".
    conn.exec("PRAGMA max_page_count = " +
              std::to_string(wanted.max_page_count > 0 ? wanted.max_page_count : 4294967294LL));
}

std::uint64_t database::commits() const {
    std::lock_guard lock(queue_mutex_);
    return commits_;
}

std::uint64_t database::committed_jobs() const {
    std::lock_guard lock(queue_mutex_);
    return committed_jobs_;
}

std::uint64_t database::flushes() const { return syncer_ ? syncer_->flushes() : 0; }

void database::writer_loop() {
    open_batch batch;
    std::vector<write_job> arrived;
    std::chrono::steady_clock::time_point batch_began;
    for (;;) {
        bool commit_now = false;
        {
            std::unique_lock lock(queue_mutex_);
            if (batch.jobs.empty()) {
                // Nothing to write: a good moment to start the WAL over (it costs a database fsync).
                if (queue_.empty() && !stopping_ && wal_restart_due_.load(std::memory_order_acquire)) {
                    lock.unlock();
                    restart_wal();
                    lock.lock();
                }
                queue_cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
                if (queue_.empty()) return;  // stopping, and everything queued is committed
            } else if (queue_.empty() && open_bursts_ > 0 && !stopping_) {
                // The rest of a burst is on its way: it joins this transaction if it comes in time.
                queue_cv_.wait_until(lock, batch_began + options_.burst_wait,
                                     [this] { return stopping_ || !queue_.empty() || open_bursts_ == 0; });
            }
            while (!queue_.empty() && batch.jobs.size() + arrived.size() < options_.max_batch) {
                arrived.push_back(std::move(queue_.front()));
                queue_.pop_front();
            }
            // A transaction stays open burst_wait at most: for a thread slow to seal its burst, and
            // for network threads whose bursts keep overlapping.
            const auto now = std::chrono::steady_clock::now();
            if (batch.jobs.empty()) batch_began = now;
            commit_now = (queue_.empty() && open_bursts_ == 0) || stopping_ ||
                         now - batch_began >= options_.burst_wait ||
                         batch.jobs.size() + arrived.size() >= options_.max_batch;
        }
        if (!batch.begun && !batch.failed) {
            apply_faults();
            if (wal_pages_ >= writer_checkpoint_wal_pages) restart_wal();
        }
        run_jobs(batch, arrived);
        arrived.clear();
        if (commit_now) finish_batch(batch);
    }
}

void database::run_jobs(open_batch& batch, std::vector<write_job>& arrived) {
    connection& conn = *writer_conn_;
    if (!transaction_) {
        transaction_ = std::make_unique<transaction_statements>(transaction_statements{
            conn.prepare("BEGIN IMMEDIATE"), conn.prepare("SAVEPOINT job"), conn.prepare("RELEASE job"),
            conn.prepare("ROLLBACK TO job"), conn.prepare("COMMIT")});
    }
    const auto run = [](statement& s) {
        statement_scope scope(s);
        s.run();
    };
    if (!batch.begun && !batch.failed) {
        try {
            run(transaction_->begin);
            batch.begun = true;
        } catch (...) {
            batch.failed = std::current_exception();
        }
    }
    for (auto& job : arrived) {
        batch.jobs.push_back(std::move(job));
        batch.outcome.emplace_back();
        if (batch.failed) continue;  // it fails with the batch
        try {
            run(transaction_->savepoint);
            try {
                batch.jobs.back().run(*writer_repo_);
                run(transaction_->release);
            } catch (...) {
                // Disk full or an I/O error can make SQLite roll back the whole transaction:
                // then no savepoint is left and the whole batch fails with this job's error.
                if (sqlite3_get_autocommit(conn.handle())) throw;
                batch.outcome.back() = std::current_exception();
                run(transaction_->rollback_to);
                run(transaction_->release);
            }
        } catch (...) {
            batch.failed = std::current_exception();
        }
    }
}

void database::finish_batch(open_batch& batch) {
    connection& conn = *writer_conn_;
    bool committed = false;
    if (!batch.failed) {
        try {
            statement_scope scope(transaction_->commit);
            transaction_->commit.run();
            committed = true;
            commit_generation_.fetch_add(1, std::memory_order_release);
            std::lock_guard lock(queue_mutex_);
            ++commits_;
            committed_jobs_ += batch.jobs.size();
        } catch (...) {
            batch.failed = std::current_exception();
        }
    }
    if (!committed) {
        // BEGIN, a savepoint or COMMIT failed: nothing of this batch is durable.
        if (!sqlite3_get_autocommit(conn.handle())) {
            try {
                conn.exec("ROLLBACK");
            } catch (...) {
            }
        }
        for (auto& e : batch.outcome) e = batch.failed;
    }
    // After COMMIT (or the rollback): reads from now on see the apps as they are.
    if (writer_repo_->take_apps_changed()) apps_version_.fetch_add(1, std::memory_order_release);
    if (syncer_ && committed) {
        // Acknowledged once durable, while this thread goes on with the next batch.
        syncer_->after_next_flush([jobs = std::move(batch.jobs), outcome = std::move(batch.outcome)](
                                      std::exception_ptr sync_error) mutable {
            complete_batch(jobs, outcome, sync_error);
        });
    } else {
        complete_batch(batch.jobs, batch.outcome, nullptr);
    }
    batch.jobs.clear();
    batch.outcome.clear();
    batch.failed = nullptr;
    batch.begun = false;
}

void database::complete_batch(std::vector<write_job>& jobs, const std::vector<std::exception_ptr>& outcome,
                              const std::exception_ptr& sync_error) {
    for (std::size_t i = 0; i < jobs.size(); ++i) {
        if (jobs[i].complete) jobs[i].complete(outcome[i] ? outcome[i] : sync_error);
    }
}

}  // namespace hsoauth::storage
