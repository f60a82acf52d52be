#include "hsoauth/storage/sqlite/checkpointer.hpp"

#include <sqlite3.h>

#include "hsoauth/util/thread_name.hpp"

namespace hsoauth::storage::sqlite {
namespace {

// The WAL size (in pages) at which the checkpoint thread is woken: SQLite's own default.
constexpr int checkpoint_wal_pages = 1000;

// The WAL size at which the writer checkpoints itself before its next transaction: the background
// checkpoint has fallen behind (or readers kept it from finishing), and the WAL only starts over
// when a checkpoint finished before a write transaction began.
constexpr int writer_checkpoint_wal_pages = 8 * checkpoint_wal_pages;

}  // namespace

checkpointer::checkpointer(const std::string& path, connection& writer, reader_pool& readers)
    : writer_(writer), readers_(readers) {
    conn_ = std::make_unique<connection>(path, /*create=*/false);
    configure_reader(*conn_);
    writer_.exec("PRAGMA wal_autocheckpoint = 0");
    sqlite3_wal_hook(writer_.handle(), &checkpointer::on_wal_commit, this);
    thread_ = std::thread([this] {
        util::name_this_thread("hs-checkpoint");
        loop();
    });
}

checkpointer::~checkpointer() {
    sqlite3_wal_hook(writer_.handle(), nullptr, nullptr);
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wanted_.notify_all();
    if (thread_.joinable()) thread_.join();
}

int checkpointer::on_wal_commit(void* self, sqlite3*, const char*, int wal_pages) {
    auto* c = static_cast<checkpointer*>(self);
    c->wal_pages_ = wal_pages;  // the writer thread's own bookkeeping: the hook runs on it
    // Not while the writer has yet to finish the last pass: this thread would hold the checkpoint
    // lock when the writer tries, and the two would chase each other for ever.
    if (wal_pages >= checkpoint_wal_pages && !c->restart_due()) {
        {
            std::lock_guard lock(c->mutex_);
            c->pass_wanted_ = true;
        }
        c->wanted_.notify_one();
    }
    return SQLITE_OK;
}

void checkpointer::loop() {
    for (;;) {
        {
            std::unique_lock lock(mutex_);
            wanted_.wait(lock, [this] { return pass_wanted_ || stopping_; });
            if (stopping_) return;
            pass_wanted_ = false;
        }
        // Idle readers holding a snapshot would keep the checkpoint from finishing.
        readers_.end_idle_snapshots();
        // PASSIVE: copies what no reader still needs, never blocks the writer or a reader. A
        // failure (disk full, say) leaves the WAL as it is; the next commit asks again.
        sqlite3_wal_checkpoint_v2(conn_->handle(), "main", SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
        // The writer kept committing meanwhile, so this pass cannot have emptied the WAL; the
        // writer copies the last few frames itself the next time it waits for work.
        restart_due_.store(true, std::memory_order_release);
    }
}

void checkpointer::restart_wal() {
    restart_due_.store(false, std::memory_order_release);  // done here, whoever asked
    readers_.end_idle_snapshots();
    sqlite3_wal_checkpoint_v2(writer_.handle(), "main", SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
    wal_pages_ = 0;
}

void checkpointer::before_transaction() {
    if (wal_pages_ >= writer_checkpoint_wal_pages) restart_wal();
}

}  // namespace hsoauth::storage::sqlite
