#pragma once
// Checkpoints off the writer's path, and the WAL starting over.
//
// The writer's automatic checkpoint is off: a COMMIT that leaves the WAL at 1,000 pages or more
// wakes this class's thread, which copies the WAL back into the database file on its own
// connection (PASSIVE: it never blocks the writer or a reader), after ending the snapshots of idle
// readers that would keep it from finishing. So a commit never waits for a checkpoint.
//
// SQLite starts the WAL over, writing from its beginning again, only at the start of a write
// transaction that finds every frame copied back and no reader using them: never while this
// thread chases a busy writer. After each pass, the writer therefore copies the last few frames
// itself the next time it waits for work (restart_due(), restart_wal()), or before its next
// transaction once the WAL has passed 8,000 pages (before_transaction()). A WAL that keeps
// growing instead costs every commit's fdatasync a second write, of the file's inode.
//
// Threads: the constructor and destructor on the thread that owns the store; the hook runs on the
// writer thread, inside its COMMIT; restart_due() may be called from any thread; restart_wal()
// and before_transaction() on the writer thread with no transaction open. Guarded by mutex_: the
// wake-up request and the stop flag. wal_pages_ belongs to the writer thread; restart_due_ is an
// atomic set by this thread and cleared by the writer.
#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "hsoauth/storage/sqlite/connection.hpp"
#include "hsoauth/storage/sqlite/reader_pool.hpp"

namespace hsoauth::storage::sqlite {

class checkpointer {
public:
    // Opens its own connection to `path`, hooks the commits of `writer` (sqlite3_wal_hook) and
    // starts the checkpoint thread. `writer` and `readers` must outlive this object, and the
    // writer must not commit once it is destroyed. Throws storage_error.
    checkpointer(const std::string& path, connection& writer, reader_pool& readers);
    // Unhooks the writer's connection and stops the thread after its current pass.
    ~checkpointer();
    checkpointer(const checkpointer&) = delete;
    checkpointer& operator=(const checkpointer&) = delete;

    // Whether a checkpoint pass ended since the WAL last started over.
    bool restart_due() const { return restart_due_.load(std::memory_order_acquire); }
    // Writer thread, no transaction open: copies the frames left and ends the snapshots of idle
    // readers, so that the next write transaction starts the WAL over. A failure (disk full, say)
    // leaves the WAL as it is.
    void restart_wal();
    // Writer thread, before BEGIN: restart_wal() when the WAL has passed the 8,000-page backstop.
    void before_transaction();

private:
    static int on_wal_commit(void* self, sqlite3* db, const char* name, int wal_pages);
    void loop();

    connection& writer_;
    reader_pool& readers_;
    std::unique_ptr<connection> conn_;  // the checkpoint thread's own

    std::mutex mutex_;
    std::condition_variable wanted_;
    bool pass_wanted_ = false;  // guarded by mutex_
    bool stopping_ = false;     // guarded by mutex_
    int wal_pages_ = 0;         // WAL size after the writer's last commit; writer thread only
    std::atomic<bool> restart_due_{false};
    std::thread thread_;
};

}  // namespace hsoauth::storage::sqlite
