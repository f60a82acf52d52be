#pragma once
// Auto-approve: authorize URLs redirect straight back with a code, signed in as a fixed user on a
// fixed hub, for unattended suites.
#include <cstdint>
#include <mutex>
#include <optional>

namespace hsoauth::service {

// Who auto-approve signs in as, when it is on. Set from configuration at start and by the
// admin API at run time. Thread-safe.
class auto_approve {
  public:
    struct target {
        std::int64_t user_id;
        std::int64_t hub_id;
    };
    std::optional<target> get() const;
    void set(std::optional<target> value);

  private:
    mutable std::mutex mutex_;
    std::optional<target> target_;
};

}  // namespace hsoauth::service
