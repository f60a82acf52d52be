#pragma once
// Durability off the writer's path. The writer commits without waiting for the disk (SQLite's
// synchronous = NORMAL: frames are written to the WAL, not flushed) and hands each batch's
// acknowledgements here; this thread flushes the WAL with fdatasync(2) and only then runs them.
// One flush covers every batch committed before it began, so the writer executes the next batch
// while the disk flushes the last one: a write is still acknowledged only once it is durable.
// When there is no next batch and this thread is idle, the writer may flush itself instead
// (flush_here_if_idle), which spares the hand-off: a wake-up of this thread and a switch to it.
// Threads: after_next_flush(), flush_here_if_idle() and flushes() from any thread; the
// acknowledgements run in the order they were handed over, on this class's own thread or, for
// flush_here_if_idle's, on its caller's. Guarded by mutex_: the waiting acknowledgements, the
// stop flag, whether a flush is under way and the flush count. The WAL's descriptor and the
// flush itself belong to whoever marked a flush under way (flushing_): never two at once.
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
    // `flush_starting` (optional) runs on the flushing thread as each flush begins, after it took
    // the acknowledgements it covers: for tests of the ordering, which may hold it there.
    explicit wal_syncer(std::string wal_path, std::function<void()> flush_starting = {});
    // Flushes once more and runs every acknowledgement still waiting.
    ~wal_syncer();
    wal_syncer(const wal_syncer&) = delete;
    wal_syncer& operator=(const wal_syncer&) = delete;

    // Call only after the commit that `ack` acknowledges has returned: `ack` runs on this
    // thread after a flush that began later.
    void after_next_flush(on_durable ack);

    // The same promise as after_next_flush, kept on the calling thread when this class's thread is
    // idle (no flush under way, nothing waiting): the flush and `ack` run here before this returns.
    // Returns false, and leaves `ack` as it was, when that thread is not idle (or is stopping):
    // then hand it over with after_next_flush, so that the acknowledgements keep their order.
    bool flush_here_if_idle(on_durable& ack);

    // Flushes so far (for tests and the benchmark).
    std::uint64_t flushes() const;

    // Tells `observer` of every flush from now on (store_observer::flushed, on the flushing
    // thread); null: nobody.
    void observe(store_observer* observer);

private:
    void loop();
    // fdatasync of the WAL (opened at the first call, with its directory flushed then).
    std::exception_ptr flush();
    // flush(), then the observer, the count and `acks`, in order. By whoever set flushing_.
    void flush_and_acknowledge(std::vector<on_durable>& acks);

    std::string wal_path_;
    const std::function<void()> flush_starting_;
    int wal_fd_ = -1;  // whoever set flushing_

    mutable std::mutex mutex_;
    std::condition_variable wanted_;
    std::vector<on_durable> waiting_;  // guarded by mutex_
    std::vector<on_durable> here_;     // flush_here_if_idle's, while it holds flushing_
    bool stopping_ = false;            // guarded by mutex_
    bool flushing_ = false;            // guarded by mutex_: a flush and its acks are under way
    std::uint64_t flushes_ = 0;        // guarded by mutex_
    // Held while the observer is told: observe() returns once no call to the old one runs.
    std::mutex observer_mutex_;
    store_observer* observer_ = nullptr;  // guarded by observer_mutex_
    std::thread thread_;
};

}  // namespace hsoauth::storage::sqlite
