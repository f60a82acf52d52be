#pragma once
// The read connections of store::read: one per thread reading at the same moment, opened on
// first need and kept, each with its own repository.
//
// The snapshot-reuse rule: a reader keeps one read transaction (a snapshot) open across the reads
// it serves while nothing has been committed since the snapshot began, for at most 10 ms, because
// beginning a read transaction costs SQLite two fcntl(2) locks and an fstat(2). The writer calls
// note_commit() after each COMMIT and before acknowledging it; a lease taken after that opens a
// fresh snapshot, so a read sees every write acknowledged before it began. The 10 ms bound is how
// late a reader sees a change made by another process (an offline seed into the file, say).
//
// Threads: acquire() from any thread (the lease is used on that thread only and returned when it
// goes out of scope); note_commit() from the writer thread; end_idle_snapshots() from any thread.
// Guarded by mutex_: the list of readers and which of them are idle. A reader's connection and
// snapshot state belong to the thread that holds its lease, or to whoever holds mutex_ while it
// is idle.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "hsoauth/storage/sqlite/connection.hpp"
#include "hsoauth/storage/sqlite/id_sequence.hpp"
#include "hsoauth/storage/sqlite/sqlite_repository.hpp"

namespace hsoauth::storage::sqlite {

class reader_pool {
    struct reader;

public:
    // Readers open `path` (which must exist and be migrated) and share `access_ids`.
    reader_pool(std::string path, std::shared_ptr<id_sequence> access_ids);
    ~reader_pool();
    reader_pool(const reader_pool&) = delete;
    reader_pool& operator=(const reader_pool&) = delete;

    // A reader held by one thread; back in the pool when it goes out of scope. When it goes out
    // of scope by an exception, its snapshot is ended (the failed read may have left it in any
    // state).
    class lease {
    public:
        lease(const lease&) = delete;
        lease& operator=(const lease&) = delete;
        ~lease();
        repository& repo();

    private:
        friend class reader_pool;
        lease(reader_pool& pool, reader& leased);
        reader_pool& pool_;
        reader& reader_;
        int failing_at_start_;
    };

    // An idle reader (a new one when none is idle) with its snapshot open under the rule above.
    // Throws storage_error when a connection cannot be opened or a snapshot cannot begin.
    lease acquire();

    // Writer thread, after each COMMIT and before acknowledging it.
    void note_commit() { generation_.fetch_add(1, std::memory_order_release); }
    // The number of commits noted so far (store::commit_generation).
    std::uint64_t generation() const { return generation_.load(std::memory_order_acquire); }

    // Ends the snapshots of the idle readers, so that a checkpoint can copy every frame.
    void end_idle_snapshots();

private:
    struct reader {
        std::unique_ptr<connection> conn;
        std::unique_ptr<sqlite_repository> repo;
        std::unique_ptr<statement> begin;
        std::unique_ptr<statement> end;
        bool in_transaction = false;
        std::uint64_t generation = 0;  // generation_ when the snapshot began
        std::chrono::steady_clock::time_point opened{};
    };

    void open_snapshot(reader& r);
    static void end_snapshot(reader& r);
    void release(reader& r);

    const std::string path_;
    const std::shared_ptr<id_sequence> access_ids_;
    std::atomic<std::uint64_t> generation_{0};  // commits so far

    std::mutex mutex_;
    std::vector<std::unique_ptr<reader>> readers_;  // guarded by mutex_; every reader, owned
    std::vector<reader*> idle_;                     // guarded by mutex_
};

}  // namespace hsoauth::storage::sqlite
