#pragma once
// Durability off the writer's path. The writer commits without waiting for the disk (SQLite's
// synchronous = NORMAL: frames are written to the WAL, not flushed) and hands each batch's
// acknowledgements here; this thread flushes the WAL with fdatasync(2) and only then runs them.
// One flush covers every batch committed before it began, so the writer executes the next batch
// while the disk flushes the last one: a write is still acknowledged only once it is durable.
// Threads: after_next_flush() and flushes() from any thread; the acknowledgements run on this
// class's own thread, in the order they were handed over. Guarded by mutex_: the waiting
// acknowledgements, the stop flag and the flush count; the WAL's descriptor is the thread's own.
#include <condition_variable>
#include <cstdint>
#include <exception>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "hsoauth/storage/store_observer.hpp"

namespace hsoauth::storage::sqlite {

class wal_syncer {
public:
    // Runs once the WAL is flushed: `sync_error` is null, or the storage_error of a failed flush
    // (the batch is then committed but not known to be durable).
    using on_durable = std::function<void(std::exception_ptr sync_error)>;

    // `wal_path`: the WAL file SQLite writes (sqlite3_filename_wal); it must exist by the first
    // flush. Its directory is flushed once too, so that the file itself survives a power loss.
    // `flush_starting` (optional) runs on this class's thread as each flush begins, after it took
    // the acknowledgements it covers: for tests of the ordering, which may hold it there.
    explicit wal_syncer(std::string wal_path, std::function<void()> flush_starting = {});
    // Flushes once more and runs every acknowledgement still waiting.
    ~wal_syncer();
    wal_syncer(const wal_syncer&) = delete;
    wal_syncer& operator=(const wal_syncer&) = delete;

    // Call only after the commit that `ack` acknowledges has returned: `ack` runs on this
    // thread after a flush that began later.
    void after_next_flush(on_durable ack);

    // Flushes so far (for tests and the benchmark).
    std::uint64_t flushes() const;

    // Tells `observer` of every flush from now on (store_observer::flushed, on this class's
    // thread); null: nobody.
    void observe(store_observer* observer);

private:
    void loop();
    // fdatasync of the WAL (opened at the first call, with its directory flushed then).
    std::exception_ptr flush();

    std::string wal_path_;
    const std::function<void()> flush_starting_;
    int wal_fd_ = -1;  // syncer thread only

    mutable std::mutex mutex_;
    std::condition_variable wanted_;
    std::vector<on_durable> waiting_;  // guarded by mutex_
    bool stopping_ = false;            // guarded by mutex_
    std::uint64_t flushes_ = 0;        // guarded by mutex_
    // Held while the observer is told: observe() returns once no call to the old one runs.
    std::mutex observer_mutex_;
    store_observer* observer_ = nullptr;  // guarded by observer_mutex_
    std::thread thread_;
};

}  // namespace hsoauth::storage::sqlite
