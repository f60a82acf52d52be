#pragma once
// The server's log, written off the request path: line() appends to a buffer and a background
// thread writes what has gathered, at most about 10 ms later, in one write(2). Lines stay
// whole and in order. Thread-safe; never blocks on the disk. One per process, made by main (or a
// test) and handed to whoever logs.
#include <condition_variable>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>

namespace hsoauth::http {

enum class log_level { debug, info, warn, error };
enum class log_format { text, json };

// How lines are written and which are kept: the format every line takes (log_event.hpp), the
// least level written, and whether each request gets a line (at info; 5xx answers at error).
struct log_style {
    log_format format = log_format::text;
    log_level min_level = log_level::info;
    bool requests = true;
};

// "debug", "info", "warn" or "error"; "text" or "json". nullopt for anything else.
std::optional<log_level> parse_log_level(std::string_view text);
std::optional<log_format> parse_log_format(std::string_view text);
const char* name_of(log_level level);

class log_writer {
  public:
    // Writes to `fd` (not owned; stderr by default) in `style`, fixed for the writer's life.
    explicit log_writer(int fd = 2, log_style style = {});
    // Writes everything buffered, then stops the thread.
    ~log_writer();
    log_writer(const log_writer&) = delete;
    log_writer& operator=(const log_writer&) = delete;

    // Appends `text` and a newline.
    void line(std::string_view text);
    // Whether a line of `level` is written.
    bool enabled(log_level level) const { return level >= style_.min_level; }
    const log_style& style() const { return style_; }
    // Writes everything buffered now, on the calling thread.
    void flush();

  private:
    void run();

    const int fd_;
    const log_style style_;
    std::mutex output_mutex_;  // held while writing: one writer at a time, in order
    std::mutex buffer_mutex_;  // guards pending_ and stopping_
    std::condition_variable wake_;
    std::string pending_;
    bool stopping_ = false;
    std::thread thread_;  // last: starts once the rest is built
};

}  // namespace hsoauth::http
