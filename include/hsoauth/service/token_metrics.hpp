#pragma once
// A decorator that counts the token endpoint's grants for GET /metrics, whatever wire version
// asked: each grant by type and outcome (issued, or the RFC 6749 error it was refused with;
// client_throttled on its own), and the clients throttled right now (refused for too many failed
// authentications, until the Retry-After they were given has passed on the sandbox clock).
// Thread-safe: counters are relaxed atomics; the throttled clients are a map under a mutex,
// touched only when a grant is refused as throttled and at a scrape, and bounded (10,000).
#include <array>
#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>

#include "hsoauth/clock/clock.hpp"
#include "hsoauth/metrics/exposition.hpp"
#include "hsoauth/service/token_service.hpp"

namespace hsoauth::service {

class token_metrics final : public token_service_wrapper {
  public:
    // `time` (the sandbox clock) must outlive this object.
    token_metrics(token_service& wrapped, const clock& time);

    void grant(const call& c, grant_request request, reply<oauth::issued_tokens>&& done) override;

    // hsoauth_token_grants_total, hsoauth_throttled_clients.
    void collect(metrics::exposition& out);

  private:
    static constexpr std::size_t outcome_count = 7;
    static constexpr std::size_t max_tracked = 10000;

    // Counts one grant's outcome; `client_id` is the client that asked (for a throttled one).
    void count(std::size_t type, const outcome<oauth::issued_tokens>& out, const std::string& client_id);
    void note_throttled(const std::string& client_id, std::int64_t retry_after);

    const clock& time_;
    // [grant type][outcome]: issued, invalid_client, client_throttled, invalid_grant,
    // invalid_request, another error, failure (storage).
    std::array<std::array<std::atomic<std::uint64_t>, outcome_count>, 2> grants_{};
    std::mutex throttled_mutex_;
    std::unordered_map<std::string, std::int64_t> throttled_until_;  // guarded by throttled_mutex_
};

}  // namespace hsoauth::service
