#include "hsoauth/http/log_writer.hpp"

#include <unistd.h>

#include <chrono>

#include "hsoauth/util/thread_name.hpp"

namespace hsoauth::http {
namespace {

// How long the writer lets lines gather after the first one arrives: bounds the delay before a
// line is visible, and turns a busy second's lines into about a hundred writes. Each gathering
// costs the writer two wake-ups and the network thread that hands it the first line a futex
// wake: at 1 ms under S1's load that was 0.86 µs of server CPU per request, at 10 ms 0.40-0.46
// (docs/performance.md, "2026-12-05 (late night)").
constexpr auto gather_window = std::chrono::milliseconds(10);

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

std::optional<log_level> parse_log_level(std::string_view text) {
    if (text == "debug") return log_level::debug;
    if (text == "info") return log_level::info;
    if (text == "warn") return log_level::warn;
    if (text == "error") return log_level::error;
    return std::nullopt;
}

std::optional<log_format> parse_log_format(std::string_view text) {
    if (text == "text") return log_format::text;
    if (text == "json") return log_format::json;
    return std::nullopt;
}

const char* name_of(log_level level) {
    switch (level) {
        case log_level::debug: return "debug";
        case log_level::info: return "info";
        case log_level::warn: return "warn";
        case log_level::error: return "error";
    }
    return "info";
}

log_writer::log_writer(int fd, log_style style) : fd_(fd), style_(style), thread_([this] {
          util::name_this_thread("hs-log");
          run();
      }) {}

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
