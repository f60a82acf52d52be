#pragma once
// One sandbox: the domain rules, the services and their state over one store and one clock.
// Built once at start-up (main.cpp wires one; tests and the fuzzer build their own); the
// services it hands out live as long as it does. Decorators wrap the services it returns.
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "hsoauth/admin/registry.hpp"
#include "hsoauth/clock/clock.hpp"
#include "hsoauth/crypto/digest.hpp"
#include "hsoauth/crypto/random.hpp"
#include "hsoauth/oauth/authority.hpp"
#include "hsoauth/service/admin_service_core.hpp"
#include "hsoauth/service/app_cache.hpp"
#include "hsoauth/service/authorization_service_core.hpp"
#include "hsoauth/service/auto_approve.hpp"
#include "hsoauth/service/client_auth_throttle.hpp"
#include "hsoauth/service/consent_forms.hpp"
#include "hsoauth/service/gateway_service_core.hpp"
#include "hsoauth/service/token_service_core.hpp"
#include "hsoauth/storage/store.hpp"

namespace hsoauth::service {

struct sandbox_settings {
    std::string admin_key;                    // bearer key of the admin API
    std::int64_t code_ttl = 600;              // authorization codes and consent forms (s)
    bool revoke_cascades = true;              // revoking a refresh token revokes its access tokens
    std::int64_t access_token_ttl = 1800;     // for apps that set none (s)
    std::int64_t auth_failure_limit = 20;     // failed authentications per client_id (or of the
                                              // admin key) and caller address …
    std::int64_t auth_failure_window_s = 60;  // … within this window before client_throttled
    std::size_t auth_failure_capacity = 10000;  // (client, address) pairs tracked at most
    bool decline_redirects = false;  // a consent decline redirects with error=access_denied
    std::optional<auto_approve::target> auto_approval;  // set: authorize URLs skip the consent page
    std::size_t consent_used_capacity = 100000;         // used consent forms remembered at most
    std::int64_t cleanup_batch = 5000;  // expired rows of each kind removed per write
    // Reproducible runs: where tokens, codes, client ids and secrets and CSRF tokens get their
    // random bytes (null: OpenSSL's CSPRNG), and the epoch the sandbox clock stands on instead
    // of real time (0: real time).
    std::shared_ptr<crypto::random_source> random;
    std::int64_t fixed_epoch = 0;
    gateway_settings gateway;                            // the API gateway's checks
};

class sandbox {
  public:
    // `store` and `hasher` must outlive the sandbox. Reads the clock's offset from the store.
    sandbox(storage::store& store, const crypto::secret_hasher& hasher, sandbox_settings settings);
    sandbox(const sandbox&) = delete;
    sandbox& operator=(const sandbox&) = delete;

    token_service& tokens() { return tokens_; }
    authorization_service& authorization() { return authorization_; }
    admin_service& admin() { return admin_; }
    gateway_service& gateway() { return gateway_; }
    sandbox_clock& clock() { return clock_; }

    // Applies a seed document and waits until it is durable: for start-up and the command line,
    // never on a network thread. Throws std::runtime_error with the refusal's detail, or what
    // the store threw.
    admin::seed_outcome seed_now(const admin::seed_document& seed);

    // Housekeeping: removes access tokens that expired more than a day ago (a day's grace keeps
    // them answering "expired" rather than "unknown"), client assertion ids remembered until more
    // than a day ago, and codes that expired more than code_ttl ago. Each write removes at most cleanup_batch of each; while a write removed a full batch,
    // the next is queued once it completed, so a pass removes everything due however fast codes
    // are minted, and other writes run between its batches. A call while a pass runs starts
    // none. `done` (optional) runs once the pass ends, with the rows it removed, on a storage
    // thread (at once, with 0, when no pass was started). Any thread.
    void remove_expired(std::function<void(std::int64_t removed)> done = {});

    // Stops a cleanup pass that is running: none of its writes is queued after this returns.
    ~sandbox();

    // What is alive on the sandbox clock (storage::live_counts), for GET /metrics: one read of the
    // store (an indexed count of the live rows), kept while nothing has been committed and the
    // sandbox clock shows the same second. Any thread.
    storage::live_counts live_objects();

  private:
    struct cleanup_pass;  // shared with the writes of a running pass
    crypto::random_source& random() { return settings_.random ? *settings_.random : crypto::system_random(); }

    storage::store& store_;
    sandbox_settings settings_;
    sandbox_clock clock_;
    oauth::authority authority_;
    admin::registry registry_;
    app_cache apps_;
    client_auth_throttle throttle_;
    client_auth_throttle admin_throttle_;
    consent_forms forms_;
    auto_approve auto_approval_;
    access_token_cache live_access_;  // for tokens_ and gateway_
    token_service_core tokens_;
    authorization_service_core authorization_;
    admin_service_core admin_;
    gateway_service_core gateway_;
    std::shared_ptr<cleanup_pass> cleanup_;
    std::mutex live_mutex_;
    struct live_reading {
        std::uint64_t commits = 0;
        std::int64_t at = 0;
        storage::live_counts counts;
    };
    std::optional<live_reading> live_;  // guarded by live_mutex_
};

}  // namespace hsoauth::service
