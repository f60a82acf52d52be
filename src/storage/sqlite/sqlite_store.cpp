#include "hsoauth/storage/sqlite/sqlite_store.hpp"

#include <sys/stat.h>

#include <stdexcept>
#include <utility>

#include "hsoauth/storage/sqlite/checkpointer.hpp"
#include "hsoauth/storage/sqlite/connection.hpp"
#include "hsoauth/storage/sqlite/group_commit_writer.hpp"
#include "hsoauth/storage/sqlite/id_sequence.hpp"
#include "hsoauth/storage/sqlite/migrations.hpp"
#include "hsoauth/storage/sqlite/reader_pool.hpp"
#include "hsoauth/storage/sqlite/sqlite_repository.hpp"
#include "hsoauth/storage/sqlite/wal_syncer.hpp"

namespace hsoauth::storage::sqlite {
namespace {

bool valid_synchronous(const std::string& mode) {
    return mode == "OFF" || mode == "NORMAL" || mode == "FULL" || mode == "EXTRA";
}

// FULL and EXTRA promise that a write is durable when it is acknowledged; the store keeps that
// promise itself (wal_syncer), so the writer need not wait for the disk inside COMMIT.
bool acknowledges_after_flush(const std::string& mode) { return mode == "FULL" || mode == "EXTRA"; }

}  // namespace

// The writer's hooks: readers learn of each commit, the checkpointer restarts the WAL.
class sqlite_store::hooks final : public writer_hooks {
public:
    hooks(reader_pool& readers, checkpointer& checkpoints) : readers_(readers), checkpoints_(checkpoints) {}
    void committed() override { readers_.note_commit(); }
    bool idle_work_due() override { return checkpoints_.restart_due(); }
    void idle_work() override { checkpoints_.restart_wal(); }
    void before_transaction() override { checkpoints_.before_transaction(); }

private:
    reader_pool& readers_;
    checkpointer& checkpoints_;
};

sqlite_store::sqlite_store(store_options options) : options_(std::move(options)) {
    if (!valid_synchronous(options_.synchronous)) {
        throw std::invalid_argument("synchronous must be OFF, NORMAL, FULL or EXTRA");
    }
    const bool flush_before_ack = acknowledges_after_flush(options_.synchronous);
    access_ids_ = std::make_shared<id_sequence>();
    writer_conn_ = std::make_unique<connection>(options_.path, /*create=*/true);
    // NORMAL in WAL mode: COMMIT writes the WAL without flushing it, and checkpoints still flush
    // the WAL before copying it and the database file after.
    configure_writer(*writer_conn_, flush_before_ack ? "NORMAL" : options_.synchronous);
    applied_migrations_ = migrate(*writer_conn_);
    writer_repo_ = std::make_unique<sqlite_repository>(*writer_conn_, access_ids_);
    writer_repo_->start_access_ids();
    // A token refreshed again skips its lookup. 16,384 states: about 5 MB at most for two scopes
    // (a 176-byte node, the digest and the scopes on the heap; estimated from sizeof, not measured).
    writer_repo_->keep_refresh_states(16384);
    readers_ = std::make_unique<reader_pool>(options_.path, access_ids_);
    checkpointer_ = std::make_unique<checkpointer>(options_.path, *writer_conn_, *readers_);
    if (flush_before_ack) {
        // An in-memory database has no file name, and nothing to flush.
        std::string wal = writer_conn_->wal_file_name();
        if (!wal.empty()) syncer_ = std::make_unique<wal_syncer>(std::move(wal));
    }
    hooks_ = std::make_unique<hooks>(*readers_, *checkpointer_);
    writer_settings settings;
    settings.max_batch = options_.max_batch;
    settings.burst_wait = options_.burst_wait;
    settings.faults.max_page_count = options_.max_page_count;
    settings.page_cap = options_.page_cap;
    writer_ = std::make_unique<group_commit_writer>(*writer_conn_, *writer_repo_, syncer_.get(), *hooks_, settings);
}

sqlite_store::~sqlite_store() {
    writer_.reset();        // commits everything queued
    syncer_.reset();        // acknowledges the writer's last batches
    checkpointer_.reset();  // the writer commits no more
}

void sqlite_store::read(function_ref<void(repository&)> work) {
    auto lease = readers_->acquire();
    work(lease.repo());
}

void sqlite_store::submit(write_job job) { writer_->submit(std::move(job)); }

void sqlite_store::submit_in_burst(write_job job) { writer_->submit_in_burst(std::move(job)); }

bool sqlite_store::in_burst() const { return writer_->in_burst(); }

void sqlite_store::seal_burst() { writer_->seal_burst(); }

std::uint64_t sqlite_store::commit_generation() const { return readers_->generation(); }

std::int64_t sqlite_store::allocate_access_id() { return access_ids_->next(); }

void sqlite_store::set_faults(storage_faults faults) { writer_->set_faults(faults); }

storage_faults sqlite_store::faults() const { return writer_->faults(); }

store_statistics sqlite_store::statistics() const {
    store_statistics out;
    out.commits = writer_->commits();
    out.committed_jobs = writer_->committed_jobs();
    out.flushes = syncer_ ? syncer_->flushes() : 0;
    out.failed_batches = writer_->failed_batches();
    const auto size_of = [](const std::string& path) -> std::uint64_t {
        struct stat info {};
        return ::stat(path.c_str(), &info) == 0 ? static_cast<std::uint64_t>(info.st_size) : 0;
    };
    out.database_bytes = size_of(options_.path);
    out.wal_bytes = size_of(options_.path + "-wal");
    return out;
}

void sqlite_store::observe(store_observer* observer) {
    writer_->observe(observer);
    if (syncer_) syncer_->observe(observer);
}

}  // namespace hsoauth::storage::sqlite
