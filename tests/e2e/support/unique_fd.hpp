#pragma once

// Owning wrapper for a POSIX file descriptor: closes it on destruction, movable, not copyable.

#include <utility>

namespace hsoauth::e2e {

class unique_fd {
  public:
    unique_fd() = default;
    explicit unique_fd(int fd) : fd_(fd) {}
    unique_fd(unique_fd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
    unique_fd& operator=(unique_fd&& other) noexcept {
        if (this != &other) {
            reset(std::exchange(other.fd_, -1));
        }
        return *this;
    }
    unique_fd(const unique_fd&) = delete;
    unique_fd& operator=(const unique_fd&) = delete;
    ~unique_fd() { reset(); }

    int get() const { return fd_; }
    bool valid() const { return fd_ >= 0; }
    explicit operator bool() const { return valid(); }

    // Gives up ownership without closing; the caller must close the result.
    int release() { return std::exchange(fd_, -1); }

    // Closes the held descriptor (if any) and takes ownership of `fd`.
    void reset(int fd = -1);

  private:
    int fd_ = -1;
};

}  // namespace hsoauth::e2e
