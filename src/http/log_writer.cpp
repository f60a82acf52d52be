#include "hsoauth/http/log_writer.hpp"

#include <unistd.h>

#include <chrono>

namespace hsoauth::http {
namespace {

// How long the writer lets lines gather after the first one arrives: bounds the delay before a
// line is visible, and turns a busy second's lines into about a thousand writes.
constexpr auto gather_window = std::chrono::milliseconds(1);

void write_all(int fd, const std::string& text) {
    const char* p = text.data();
    std::size_t left = text.size();
    while (left > 0) {
        const ssize_t n = ::write(fd, p, left);
        if (n <= 0) return;  // the log is closed or full: it is best effort
        p += n;
        left -= static_cast<std::size_t>(n);
    }
}

}  // namespace

log_writer::log_writer(int fd) : fd_(fd), thread_([this] { run(); }) {}

log_writer::~log_writer() {
    {
        std::lock_guard lock(buffer_mutex_);
        stopping_ = true;
    }
    wake_.notify_one();
    thread_.join();
    flush();
}

void log_writer::line(std::string_view text) {
    bool was_empty = false;
    {
        std::lock_guard lock(buffer_mutex_);
        was_empty = pending_.empty();
        pending_.append(text);
        pending_ += '\n';
    }
    if (was_empty) wake_.notify_one();
}

void log_writer::flush() {
    std::lock_guard output(output_mutex_);
    std::string batch;
    {
        std::lock_guard lock(buffer_mutex_);
        batch.swap(pending_);
    }
    write_all(fd_, batch);
}

void log_writer::run() {
    std::string batch;
    for (;;) {
        {
            std::unique_lock lock(buffer_mutex_);
            wake_.wait(lock, [this] { return !pending_.empty() || stopping_; });
            if (stopping_) return;
        }
        std::this_thread::sleep_for(gather_window);
        std::lock_guard output(output_mutex_);
        {
            std::lock_guard lock(buffer_mutex_);
            batch.swap(pending_);
        }
        write_all(fd_, batch);
        batch.clear();
    }
}

}  // namespace hsoauth::http
