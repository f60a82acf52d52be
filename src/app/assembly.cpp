#include "hsoauth/app/assembly.hpp"

#include <algorithm>
#include <thread>

#include "hsoauth/crypto/digest.hpp"
#include "hsoauth/crypto/random.hpp"

namespace hsoauth::app {

service::sandbox_settings sandbox_settings_of(const config::settings& s, std::string admin_key) {
    service::sandbox_settings out;
    out.admin_key = std::move(admin_key);
    out.code_ttl = s.code_ttl;
    out.revoke_cascades = s.revoke_cascades;
    out.access_token_ttl = s.access_token_ttl;
    out.auth_failure_limit = s.auth_failure_limit;
    out.auth_failure_window_s = s.auth_failure_window_s;
    out.decline_redirects = s.decline_redirects;
    if (s.auto_approve_user_id != 0) {
        out.auto_approval =
            service::auto_approve::target{s.auto_approve_user_id, s.auto_approve_hub_id};
    }
    if (!s.deterministic_seed.empty()) {
        out.random = std::shared_ptr<crypto::random_source>(
            crypto::seeded_random("secrets:" + s.deterministic_seed));
        out.fixed_epoch = config::deterministic_epoch;
    }
    return out;
}

std::uint64_t seed_number(const std::string& deterministic_seed, std::string_view purpose) {
    const std::string digest = crypto::sha256(std::string(purpose) + ":" + deterministic_seed);
    std::uint64_t out = 0;
    for (std::size_t i = 0; i < 8; ++i) out = (out << 8) | static_cast<unsigned char>(digest[i]);
    return out;
}

service::controls_settings controls_settings_of(const config::settings& s) {
    service::controls_settings out;
    out.journal.enabled = s.journal;
    out.journal.max_events = static_cast<std::size_t>(s.journal_max_events);
    out.journal.max_age_s = s.journal_max_age_s;
    out.journal.max_followers = static_cast<std::size_t>(s.journal_max_followers);
    if (!s.deterministic_seed.empty()) {
        out.rule_seeds = seed_number(s.deterministic_seed, "fault rules");
    } else {
        const std::string bytes = crypto::random_bytes(8);
        for (const char c : bytes) out.rule_seeds = (out.rule_seeds << 8) | static_cast<unsigned char>(c);
    }
    return out;
}

http::server_limits server_limits_of(const config::settings& s) {
    http::server_limits limits;
    limits.max_body_bytes = static_cast<std::size_t>(s.max_body_bytes);
    limits.max_header_bytes = static_cast<std::size_t>(s.max_header_bytes);
    limits.max_connections = static_cast<std::size_t>(s.max_connections);
    limits.max_requests_per_connection = static_cast<std::size_t>(s.max_requests_per_connection);
    limits.header_timeout_ms = s.header_timeout_ms;
    limits.body_timeout_ms = s.body_timeout_ms;
    limits.idle_timeout_ms = s.idle_timeout_ms;
    limits.write_timeout_ms = s.write_timeout_ms;
    limits.tls_handshake_timeout_ms = s.tls_handshake_timeout_ms;
    limits.drain_timeout_ms = s.drain_timeout_ms;
    limits.log_requests = s.log_requests;
    return limits;
}

std::size_t network_threads_of(const config::settings& s) {
    // The writer thread needs a core of its own under write load, and on two cores a second
    // network thread costs more in switches than it gains (docs/performance.md).
    if (s.threads > 0) return static_cast<std::size_t>(s.threads);
    return std::max(1u, std::thread::hardware_concurrency() - 1);
}

assembly::assembly(const config::settings& settings, std::string admin_key, storage::store& store,
                   const crypto::secret_hasher& hasher, http::log_writer& log)
    : sandbox_(store, hasher, sandbox_settings_of(settings, std::move(admin_key))),
      controls_(sandbox_, controls_settings_of(settings), labels_),
      endpoints_{controls_.tokens(), controls_.authorization(), controls_.admin(), log,
                 &controls_.controls()} {}

}  // namespace hsoauth::app
