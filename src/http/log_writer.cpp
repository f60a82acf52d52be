#include "hsoauth/http/log_writer.hpp"

#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <mutex>
#include <string>
#include <thread>

namespace hsoauth::http {
namespace {

// How long the writer lets lines gather after the first one arrives: bounds the delay before a
// line is visible, and turns a busy second's lines into about a thousand writes.
constexpr auto gather_window = std::chrono::milliseconds(1);

void write_all(const std::string& text) {
    const char* p = text.data();
    std::size_t left = text.size();
    while (left > 0) {
        const ssize_t n = ::write(STDERR_FILENO, p, left);
        if (n <= 0) return;  // stderr closed or full: the log is best effort
        p += n;
        left -= static_cast<std::size_t>(n);
    }
}

class log_writer {
public:
    static log_writer& instance() {
        // Never destroyed: threads may log until the very end; the atexit hook flushes.
        static log_writer* const writer = [] {
            auto* w = new log_writer();
            std::atexit([] { instance().flush(); });
            return w;
        }();
        return *writer;
    }

    void append(std::string_view line) {
        bool was_empty = false;
        {
            std::lock_guard lock(buffer_mutex_);
            was_empty = pending_.empty();
            pending_.append(line);
            pending_ += '\n';
        }
        if (was_empty) wake_.notify_one();
    }

    // Writes what is pending. Holding output_mutex_ keeps the order against the thread's write.
    void flush() {
        std::lock_guard output(output_mutex_);
        std::string batch;
        {
            std::lock_guard lock(buffer_mutex_);
            batch.swap(pending_);
        }
        write_all(batch);
    }

private:
    log_writer() { std::thread([this] { run(); }).detach(); }

    void run() {
        std::string batch;
        for (;;) {
            {
                std::unique_lock lock(buffer_mutex_);
                wake_.wait(lock, [this] { return !pending_.empty(); });
            }
            std::this_thread::sleep_for(gather_window);
            std::lock_guard output(output_mutex_);
            {
                std::lock_guard lock(buffer_mutex_);
                batch.swap(pending_);
            }
            write_all(batch);
            batch.clear();
        }
    }

    std::mutex output_mutex_;  // held while writing: one writer at a time, in order
    std::mutex buffer_mutex_;  // guards pending_
    std::condition_variable wake_;
    std::string pending_;
};

}  // namespace

void log_line(std::string_view line) { log_writer::instance().append(line); }

void flush_log() { log_writer::instance().flush(); }

}  // namespace hsoauth::http
