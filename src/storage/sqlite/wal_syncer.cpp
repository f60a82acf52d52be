#include "hsoauth/storage/sqlite/wal_syncer.hpp"

#include <fcntl.h>
#include <sqlite3.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>

#include "hsoauth/storage/sqlite/connection.hpp"
#include "hsoauth/util/held_wakeups.hpp"
#include "hsoauth/util/thread_name.hpp"

namespace hsoauth::storage::sqlite {
namespace {

std::exception_ptr io_failure(const std::string& what, int error_number) {
    constexpr int code = SQLITE_IOERR_FSYNC;
    return std::make_exception_ptr(
        storage_error(code, what + ": " + std::strerror(error_number), is_unavailable(code)));
}

std::string directory_of(const std::string& path) {
    const auto slash = path.rfind('/');
    if (slash == std::string::npos) return ".";
    if (slash == 0) return "/";
    return path.substr(0, slash);
}

}  // namespace

wal_syncer::wal_syncer(std::string wal_path, std::function<void()> flush_starting)
    : wal_path_(std::move(wal_path)), flush_starting_(std::move(flush_starting)) {
    thread_ = std::thread([this] {
        util::name_this_thread("hs-wal-sync");
        loop();
    });
}

wal_syncer::~wal_syncer() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wanted_.notify_one();
    thread_.join();
    if (wal_fd_ >= 0) ::close(wal_fd_);
}

void wal_syncer::after_next_flush(on_durable ack) {
    {
        std::lock_guard lock(mutex_);
        waiting_.push_back(std::move(ack));
    }
    wanted_.notify_one();
}

std::uint64_t wal_syncer::flushes() const {
    std::lock_guard lock(mutex_);
    return flushes_;
}

void wal_syncer::observe(store_observer* observer) {
    std::lock_guard lock(observer_mutex_);
    observer_ = observer;
}

bool wal_syncer::flush_here_if_idle(on_durable& ack) {
    {
        std::lock_guard lock(mutex_);
        if (flushing_ || !waiting_.empty() || stopping_) return false;
        flushing_ = true;
    }
    here_.push_back(std::move(ack));
    flush_and_acknowledge(here_);
    here_.clear();
    {
        std::lock_guard lock(mutex_);
        flushing_ = false;
        // Only when there is something for it: a needless wake-up of the thread is what this saves.
        if (waiting_.empty() && !stopping_) return true;
    }
    wanted_.notify_one();
    return true;
}

void wal_syncer::loop() {
    std::vector<on_durable> acks;
    for (;;) {
        {
            std::unique_lock lock(mutex_);
            wanted_.wait(lock, [this] { return !flushing_ && (stopping_ || !waiting_.empty()); });
            if (waiting_.empty()) return;  // stopping, and everything handed over is acknowledged
            acks.swap(waiting_);
            flushing_ = true;
        }
        flush_and_acknowledge(acks);
        acks.clear();
        std::lock_guard lock(mutex_);
        flushing_ = false;
    }
}

void wal_syncer::flush_and_acknowledge(std::vector<on_durable>& acks) {
    // Every commit acknowledged by `acks` returned before it was handed over, so this flush,
    // which begins after, covers all of them.
    if (flush_starting_) flush_starting_();
    const auto flush_began = std::chrono::steady_clock::now();
    const std::exception_ptr error = flush();
    {
        std::lock_guard lock(observer_mutex_);
        if (observer_ != nullptr) {
            observer_->flushed(std::chrono::duration_cast<std::chrono::microseconds>(
                                   std::chrono::steady_clock::now() - flush_began),
                               error == nullptr);
        }
    }
    {
        std::lock_guard lock(mutex_);
        ++flushes_;
    }
    // The batches' acknowledgements wake each network thread once for the whole flush.
    const util::held_wakeups one_wakeup_per_thread;
    for (auto& ack : acks) ack(error);
}

std::exception_ptr wal_syncer::flush() {
    if (wal_fd_ < 0) {
        wal_fd_ = ::open(wal_path_.c_str(), O_RDWR | O_CLOEXEC);
        if (wal_fd_ < 0) return io_failure("cannot open " + wal_path_ + " to flush it", errno);
        // SQLite flushes the directory of a WAL it created at its own first flush of the file,
        // which at synchronous = NORMAL may come long after the first acknowledged write: until
        // the directory is flushed a power loss can lose the file's name, and every write in it.
        const int dir = ::open(directory_of(wal_path_).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        const int rc = dir < 0 ? -1 : ::fsync(dir);
        const int error_number = errno;
        if (dir >= 0) ::close(dir);
        if (rc != 0) {
            const auto error = io_failure("cannot flush the directory of " + wal_path_, error_number);
            ::close(wal_fd_);
            wal_fd_ = -1;  // the next flush tries the directory again
            return error;
        }
    }
    // fdatasync flushes the file, whichever descriptor names it: SQLite's writes included.
    if (::fdatasync(wal_fd_) != 0) return io_failure("fdatasync of " + wal_path_ + " failed", errno);
    return nullptr;
}

}  // namespace hsoauth::storage::sqlite
