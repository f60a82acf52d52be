#pragma once
// storage::store over one SQLite database file in WAL mode: the engine's parts composed.
//   reader_pool          read() on the caller's thread, with snapshots reused while nothing commits
//   group_commit_writer  every write on one thread, batched into transactions, bursts
//   wal_syncer           at synchronous FULL and EXTRA, the WAL flush before acknowledgements
//   checkpointer         checkpoints on their own thread, and the WAL starting over
//   sqlite_repository    the SQL, one per connection
//   id_sequence          access ids on any thread
// It keeps the contract of store.hpp; docs/storage.md tells how a write travels through them.
//
// Durability: at synchronous FULL (the default) and EXTRA the writer's connection runs at
// SQLite's NORMAL, where COMMIT writes the WAL without flushing it, and the wal_syncer flushes it
// before the batch's acknowledgements run, on its own thread; a read can then see a write up to
// one flush before the write is acknowledged. At OFF and NORMAL nothing waits for a flush, as
// SQLite itself would do, and acknowledgements run on the writer thread after COMMIT.
//
// This header names no SQLite type, so wiring code and tests can open a store without sqlite3.h.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "hsoauth/storage/sqlite/migrations.hpp"
#include "hsoauth/storage/store.hpp"

namespace hsoauth::storage::sqlite {

class connection;
class id_sequence;
class sqlite_repository;
class reader_pool;
class checkpointer;
class wal_syncer;
class group_commit_writer;

struct store_options {
    std::string path;                  // a file path (each reader and the checkpointer open their own connection)
    std::string synchronous = "FULL";  // OFF, NORMAL, FULL or EXTRA, as SQLite's PRAGMA synchronous
    std::size_t max_batch = 1024;      // most writes committed in one transaction
    // How long a burst's writes (submit_in_burst) wait for the seal, from the first one queued. A
    // thread slow to seal its burst, or network threads whose bursts overlap, delay a commit by
    // at most this.
    std::chrono::microseconds burst_wait{1000};
    std::int64_t max_page_count = 0;   // size cap in pages of 4 KiB; 0 = SQLite's own limit
    std::int64_t page_cap = 0;         // a size cap (pages) that storage faults cannot lift; 0 = none
};

class sqlite_store final : public store {
public:
    // Opens (creating if needed) and migrates the database, then starts the writer, checkpoint and
    // (at FULL and EXTRA) sync threads. Throws std::invalid_argument for an unknown synchronous
    // mode, std::runtime_error for a schema newer than this binary, storage_error when SQLite fails.
    explicit sqlite_store(store_options options);
    // Stops the writer once it has committed everything queued, acknowledges the last batches
    // (after a final flush at FULL and EXTRA), then stops the checkpoint thread.
    ~sqlite_store() override;
    sqlite_store(const sqlite_store&) = delete;
    sqlite_store& operator=(const sqlite_store&) = delete;

    void read(function_ref<void(repository&)> work) override;
    void submit(write_job job) override;
    void submit_in_burst(write_job job) override;
    bool in_burst() const override;
    void seal_burst() override;
    // Counts this store's commits (the writer's, noted before their acknowledgements). Another
    // process's commits into the same file do not count: the server sees those within 10 ms in its
    // reads, but a view that trusts this number sees them after a restart (docs/storage.md).
    std::uint64_t commit_generation() const override;
    std::int64_t allocate_access_id() override;
    void set_faults(storage_faults faults) override;
    storage_faults faults() const override;
    store_statistics statistics() const override;
    void observe(store_observer* observer) override;

    const store_options& options() const { return options_; }
    // The migrations this store applied when it opened its database (empty when up to date).
    const std::vector<applied_migration>& applied_migrations() const { return applied_migrations_; }

private:
    class hooks;

    const store_options options_;
    std::vector<applied_migration> applied_migrations_;
    std::shared_ptr<id_sequence> access_ids_;
    std::unique_ptr<connection> writer_conn_;
    std::unique_ptr<sqlite_repository> writer_repo_;
    std::unique_ptr<reader_pool> readers_;
    std::unique_ptr<checkpointer> checkpointer_;
    std::unique_ptr<wal_syncer> syncer_;  // null at OFF and NORMAL, and for an in-memory database
    std::unique_ptr<hooks> hooks_;
    std::unique_ptr<group_commit_writer> writer_;
};

}  // namespace hsoauth::storage::sqlite
