#pragma once
// The one source of time for every expiry in hsoauth. Tests and the admin API move it; nothing
// else reads the system clock to decide whether a code or token is still alive.
#include <atomic>
#include <cstdint>

namespace hsoauth {

class clock {
public:
    virtual ~clock() = default;
    // Seconds since the Unix epoch, as the sandbox sees them. Thread-safe.
    virtual std::int64_t now() const = 0;
    // Milliseconds since the Unix epoch on the same clock (rolling rate-limit windows). Thread-safe.
    virtual std::int64_t now_ms() const { return now() * 1000; }
};

// Real time plus a forward offset that the admin API can grow ("advance the clock"). A clock
// with a fixed epoch (reproducible runs) does not follow real time: it reads the epoch plus the
// offset, and moves only when advanced.
class sandbox_clock final : public clock {
public:
    explicit sandbox_clock(std::int64_t offset_seconds = 0, std::int64_t fixed_epoch = 0)
        : offset_(offset_seconds), fixed_epoch_(fixed_epoch) {}
    std::int64_t now() const override;
    // The epoch the clock stands on (seconds), or 0 when it follows real time.
    std::int64_t fixed_epoch() const { return fixed_epoch_; }
    std::int64_t now_ms() const override;
    std::int64_t offset() const { return offset_.load(); }
    // Raises the offset to `seconds` unless it is already further: the clock never goes back,
    // whatever order concurrent advances are applied in.
    void raise_offset_to(std::int64_t seconds) {
        std::int64_t current = offset_.load();
        while (current < seconds && !offset_.compare_exchange_weak(current, seconds)) {
        }
    }
    // Back to real time: the one way the offset goes down, for starting a sandbox over once its
    // stored offset is gone (POST /admin/v1/reset).
    void reset_offset() { offset_.store(0); }

private:
    std::atomic<std::int64_t> offset_;
    const std::int64_t fixed_epoch_;
};

// A clock that only moves when told: for unit tests.
class manual_clock final : public clock {
public:
    explicit manual_clock(std::int64_t start) : now_(start) {}
    std::int64_t now() const override { return now_.load(); }
    void advance(std::int64_t seconds) { now_ += seconds; }

private:
    std::atomic<std::int64_t> now_;
};

}  // namespace hsoauth
