#pragma once
// The server's log, written off the request path: line() appends to a buffer and a background
// thread writes what has gathered, at most about a millisecond later, in one write(2). Lines stay
// whole and in order. Thread-safe; never blocks on the disk. One per process, made by main (or a
// test) and handed to whoever logs.
#include <condition_variable>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>

namespace hsoauth::http {

class log_writer {
  public:
    // Writes to `fd` (not owned; stderr by default).
    explicit log_writer(int fd = 2);
    // Writes everything buffered, then stops the thread.
    ~log_writer();
    log_writer(const log_writer&) = delete;
    log_writer& operator=(const log_writer&) = delete;

    // Appends `text` and a newline.
    void line(std::string_view text);
    // Writes everything buffered now, on the calling thread.
    void flush();

  private:
    void run();

    const int fd_;
    std::mutex output_mutex_;  // held while writing: one writer at a time, in order
    std::mutex buffer_mutex_;  // guards pending_ and stopping_
    std::condition_variable wake_;
    std::string pending_;
    bool stopping_ = false;
    std::thread thread_;  // last: starts once the rest is built
};

}  // namespace hsoauth::http
