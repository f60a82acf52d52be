#include "hsoauth/storage/sqlite/group_commit_writer.hpp"

#include <iterator>
#include <string>
#include <utility>

#include "hsoauth/util/held_wakeups.hpp"
#include "hsoauth/util/thread_name.hpp"

namespace hsoauth::storage::sqlite {
namespace {

// The writer in which this thread has a burst open (submit_in_burst), if any.
thread_local group_commit_writer* burst_owner = nullptr;

// Runs a statement without results (the transaction control), reset after.
void run_statement(statement& s) {
    statement_scope scope(s);
    s.run();
}

}  // namespace

group_commit_writer::group_commit_writer(connection& conn, repository& repo, wal_syncer* syncer,
                                         writer_hooks& hooks, writer_settings settings)
    : conn_(conn),
      repo_(repo),
      syncer_(syncer),
      hooks_(hooks),
      max_batch_(settings.max_batch),
      burst_wait_(settings.burst_wait),
      page_cap_(settings.page_cap),
      faults_(settings.faults),
      faults_changed_(settings.faults.read_only || settings.faults.max_page_count != 0 || settings.page_cap != 0) {
    thread_ = std::thread([this] {
        util::name_this_thread("hs-writer");
        loop();
    });
}

group_commit_writer::~group_commit_writer() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    queue_cv_.notify_all();
    if (thread_.joinable()) thread_.join();
}

void group_commit_writer::submit(write_job job) {
    {
        std::lock_guard lock(mutex_);
        if (queue_.empty()) queued_since_ = std::chrono::steady_clock::now();
        queue_.push_back(std::move(job));
    }
    queue_cv_.notify_one();
}

void group_commit_writer::submit_in_burst(write_job job) {
    bool first_queued = false;
    {
        std::lock_guard lock(mutex_);
        if (burst_owner != this) ++open_bursts_;
        first_queued = queue_.empty();
        if (first_queued) queued_since_ = std::chrono::steady_clock::now();
        queue_.push_back(std::move(job));
    }
    if (burst_owner != this) {
        if (burst_owner != nullptr) burst_owner->seal_burst();
        burst_owner = this;
    }
    // Only the write that finds the queue empty wakes the writer, to start burst_wait's clock; the
    // others wait for the seal. A wake-up per write took the network thread's core mid-pass.
    if (first_queued) queue_cv_.notify_one();
}

bool group_commit_writer::in_burst() const { return burst_owner == this; }

void group_commit_writer::seal_burst() {
    if (burst_owner != this) return;
    burst_owner = nullptr;
    {
        std::lock_guard lock(mutex_);
        --open_bursts_;
    }
    queue_cv_.notify_one();
}

void group_commit_writer::set_faults(storage_faults faults) {
    std::lock_guard lock(mutex_);
    faults_ = faults;
    faults_changed_ = true;
}

storage_faults group_commit_writer::faults() const {
    std::lock_guard lock(mutex_);
    return faults_;
}

std::uint64_t group_commit_writer::commits() const {
    std::lock_guard lock(mutex_);
    return commits_;
}

std::uint64_t group_commit_writer::committed_jobs() const {
    std::lock_guard lock(mutex_);
    return committed_jobs_;
}

std::uint64_t group_commit_writer::failed_batches() const {
    std::lock_guard lock(mutex_);
    return failed_batches_;
}

void group_commit_writer::observe(store_observer* observer) {
    std::lock_guard lock(observer_mutex_);
    observer_ = observer;
}

void group_commit_writer::apply_faults() {
    storage_faults wanted;
    {
        std::lock_guard lock(mutex_);
        if (!faults_changed_) return;
        faults_changed_ = false;
        wanted = faults_;
    }
    conn_.exec(wanted.read_only ? "PRAGMA query_only = 1" : "PRAGMA query_only = 0");
    // 4294967294 is SQLite's largest page count: "no cap". The page cap bounds whatever is asked.
    std::int64_t pages = wanted.max_page_count > 0 ? wanted.max_page_count : 4294967294LL;
    if (page_cap_ > 0 && pages > page_cap_) pages = page_cap_;
    conn_.exec("PRAGMA max_page_count = " + std::to_string(pages));
}

void group_commit_writer::loop() {
    open_batch batch;
    std::vector<write_job> arrived;
    std::chrono::steady_clock::time_point batch_began;
    for (;;) {
        bool commit_now = false;
        {
            std::unique_lock lock(mutex_);
            if (batch.jobs.empty()) {
                // Nothing to write: a good moment for the engine's own work (a WAL restart costs a
                // database fsync).
                if (queue_.empty() && !stopping_ && hooks_.idle_work_due()) {
                    lock.unlock();
                    hooks_.idle_work();
                    lock.lock();
                }
                queue_cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
                if (queue_.empty()) return;  // stopping, and everything queued is committed
                // A transaction stays open burst_wait at most, counted from its oldest write's
                // arrival: for a thread slow to seal its burst, and for network threads whose
                // bursts keep overlapping. queued_since_ stays put while the queue is not empty:
                // after a batch cut at max_batch it is an earlier write's, so the rest's deadline
                // comes sooner, never later.
                batch_began = queued_since_;
            }
            // A burst's writes are run once it is sealed, or once the transaction's oldest write
            // has waited burst_wait: not one by one as they arrive, which woke this thread several
            // times a pass. With a transaction open, the rest of a burst joins it if the burst is
            // sealed in time.
            if (open_bursts_ > 0 && !stopping_) {
                queue_cv_.wait_until(lock, batch_began + burst_wait_,
                                     [this] { return stopping_ || open_bursts_ == 0; });
            }
            take_queued(arrived, max_batch_ - batch.jobs.size());
            const auto now = std::chrono::steady_clock::now();
            commit_now = (queue_.empty() && open_bursts_ == 0) || stopping_ || now - batch_began >= burst_wait_ ||
                         batch.jobs.size() + arrived.size() >= max_batch_;
        }
        if (!batch.begun && !batch.failed) {
            apply_faults();
            hooks_.before_transaction();
        }
        run_jobs(batch, arrived);
        arrived.clear();
        if (commit_now) finish_batch(batch);
    }
}

void group_commit_writer::take_queued(std::vector<write_job>& arrived, std::size_t room) {
    if (queue_.size() <= room) {
        // The usual case: the whole queue, by swapping buffers. The submitters go on in
        // `arrived`'s old buffer (emptied, its capacity kept), so neither side allocates.
        arrived.swap(queue_);
        return;
    }
    const auto taken = queue_.begin() + static_cast<std::ptrdiff_t>(room);
    arrived.insert(arrived.end(), std::make_move_iterator(queue_.begin()),
                   std::make_move_iterator(taken));
    queue_.erase(queue_.begin(), taken);
}

void group_commit_writer::run_jobs(open_batch& batch, std::vector<write_job>& arrived) {
    if (!transaction_) {
        transaction_ = std::make_unique<transaction_statements>(transaction_statements{
            conn_.prepare("BEGIN IMMEDIATE"), conn_.prepare("SAVEPOINT job"), conn_.prepare("RELEASE job"),
            conn_.prepare("ROLLBACK TO job"), conn_.prepare("COMMIT")});
    }
    if (!batch.begun && !batch.failed) {
        try {
            run_statement(transaction_->begin);
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
            if (batch.jobs.back().own_savepoint) {
                run_in_savepoint(batch.jobs.back(), batch.outcome.back());
            } else {
                run_without_savepoint(batch.jobs.back(), batch.outcome.back());
            }
        } catch (...) {
            batch.failed = std::current_exception();
        }
    }
}

void group_commit_writer::run_in_savepoint(write_job& job, std::exception_ptr& outcome) {
    run_statement(transaction_->savepoint);
    try {
        job.run(repo_);
        run_statement(transaction_->release);
    } catch (...) {
        // Disk full or an I/O error can make SQLite roll back the whole transaction:
        // then no savepoint is left and the whole batch fails with this job's error.
        if (!conn_.in_transaction()) throw;
        outcome = std::current_exception();
        run_statement(transaction_->rollback_to);
        run_statement(transaction_->release);
    }
}

void group_commit_writer::run_without_savepoint(write_job& job, std::exception_ptr& outcome) {
    // SQLite undoes a failed statement by itself, so a job that threw before any row changed
    // left nothing behind; one that threw after can only be undone with its whole batch.
    const std::int64_t changes_before = conn_.total_changes();
    try {
        job.run(repo_);
    } catch (...) {
        if (!conn_.in_transaction() || conn_.total_changes() != changes_before) throw;
        outcome = std::current_exception();
    }
}

void group_commit_writer::finish_batch(open_batch& batch) {
    bool committed = false;
    std::chrono::microseconds commit_time{0};
    if (!batch.failed) {
        const auto commit_began = std::chrono::steady_clock::now();
        try {
            statement_scope scope(transaction_->commit);
            transaction_->commit.run();
            committed = true;
        } catch (...) {
            batch.failed = std::current_exception();
        }
        commit_time =
            std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - commit_began);
    }
    bool writes_waiting = false;  // after this commit: then the syncer flushes while they run
    if (committed) {
        hooks_.committed();
        std::lock_guard lock(mutex_);
        ++commits_;
        committed_jobs_ += batch.jobs.size();
        writes_waiting = !queue_.empty() || open_bursts_ > 0;
    } else {
        std::lock_guard lock(mutex_);
        ++failed_batches_;
    }
    {
        std::lock_guard lock(observer_mutex_);
        if (observer_ != nullptr) observer_->batch_finished(batch.jobs.size(), committed, commit_time);
    }
    if (!committed) {
        // BEGIN, a savepoint or COMMIT failed: nothing of this batch is durable.
        if (conn_.in_transaction()) {
            try {
                conn_.exec("ROLLBACK");
            } catch (...) {
            }
        }
        for (auto& e : batch.outcome) e = batch.failed;
    }
    const std::size_t size = batch.jobs.size();
    if (syncer_ != nullptr && committed) {
        wal_syncer::on_durable ack = [jobs = std::move(batch.jobs),
                                      outcome = std::move(batch.outcome),
                                      spares = spares_](std::exception_ptr sync_error) mutable {
            complete_batch(jobs, outcome, sync_error);
            spares->give_back(jobs, outcome);
        };
        // Acknowledged once durable. With writes waiting, the syncer flushes while this thread
        // goes on with them; with none, this thread flushes, sparing the syncer's wake-up.
        if (writes_waiting || !syncer_->flush_here_if_idle(ack)) syncer_->after_next_flush(std::move(ack));
    } else {
        complete_batch(batch.jobs, batch.outcome, nullptr);
    }
    batch.jobs.clear();
    batch.outcome.clear();
    // Buffers that left with the acknowledgements come back emptied: the next batch takes a pair
    // kept from earlier batches, else reserves this one's size (instead of growing, and moving
    // every job, from nothing).
    if (batch.jobs.capacity() == 0) spares_->lend(batch, size);
    batch.failed = nullptr;
    batch.begun = false;
}

void group_commit_writer::spare_buffers::give_back(std::vector<write_job>& jobs,
                                                   std::vector<std::exception_ptr>& outcome) {
    jobs.clear();
    outcome.clear();
    std::lock_guard lock(mutex);
    if (kept.size() < most_kept) kept.emplace_back(std::move(jobs), std::move(outcome));
}

void group_commit_writer::spare_buffers::lend(open_batch& batch, std::size_t size) {
    {
        std::lock_guard lock(mutex);
        if (!kept.empty()) {
            batch.jobs = std::move(kept.back().first);
            batch.outcome = std::move(kept.back().second);
            kept.pop_back();
            return;
        }
    }
    batch.jobs.reserve(size);
    batch.outcome.reserve(size);
}

void group_commit_writer::complete_batch(std::vector<write_job>& jobs, const std::vector<std::exception_ptr>& outcome,
                                         const std::exception_ptr& sync_error) {
    // Each network thread that submitted some of these writes is woken once, at the end.
    const util::held_wakeups one_wakeup_per_thread;
    for (std::size_t i = 0; i < jobs.size(); ++i) {
        if (jobs[i].complete) jobs[i].complete(outcome[i] ? outcome[i] : sync_error);
    }
}

}  // namespace hsoauth::storage::sqlite
