#include "hsoauth/app/assembly.hpp"

#include <algorithm>
#include <thread>

#include "hsoauth/app/process_metrics.hpp"
#include "hsoauth/http/router.hpp"
#include "hsoauth/http/wire/ops/ops_views.hpp"

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

http::log_style log_style_of(const config::settings& s) {
    http::log_style style;
    style.format = http::parse_log_format(s.log_format).value_or(http::log_format::text);
    style.min_level = http::parse_log_level(s.log_level).value_or(http::log_level::info);
    style.requests = s.log_requests;
    return style;
}

http::metrics_access metrics_access_of(const config::settings& s) {
    if (s.metrics_access == "open") return http::metrics_access::open;
    if (s.metrics_access == "admin_key") return http::metrics_access::admin_key;
    if (s.metrics_access == "off") return http::metrics_access::off;
    return config::serves_loopback_only(s) ? http::metrics_access::open : http::metrics_access::admin_key;
}

assembly::assembly(const config::settings& settings, std::string admin_key, storage::store& store,
                   const crypto::secret_hasher& hasher, http::log_writer& log)
    : store_(store),
      sandbox_(store, hasher, sandbox_settings_of(settings, std::move(admin_key))),
      noting_tokens_(sandbox_.tokens()),
      token_metrics_(noting_tokens_, sandbox_.clock()),
      noting_admin_(sandbox_.admin()),
      request_metrics_(http::all_routes()),
      recorder_(log, &request_metrics_),
      operations_(registry_, metrics_access_of(settings), http::wire::ops::openapi_document()),
      endpoints_{token_metrics_, sandbox_.authorization(), noting_admin_, log, &recorder_, &operations_} {
    note_process_start();
    store_.observe(&store_metrics_);
    registry_.add(collect_process_metrics);
    registry_.add([this](metrics::exposition& out) { request_metrics_.collect(out); });
    registry_.add([this](metrics::exposition& out) { token_metrics_.collect(out); });
    registry_.add([this](metrics::exposition& out) { store_metrics_.collect(out, store_); });
    registry_.add([this](metrics::exposition& out) {
        const storage::live_counts live = sandbox_.live_objects();
        out.family("hsoauth_live_objects", "gauge",
                   "What is alive on the sandbox clock: access and refresh tokens, authorization codes, installs.");
        out.sample("hsoauth_live_objects", {{"kind", "access_token"}}, static_cast<std::uint64_t>(live.access_tokens));
        out.sample("hsoauth_live_objects", {{"kind", "refresh_token"}}, static_cast<std::uint64_t>(live.refresh_tokens));
        out.sample("hsoauth_live_objects", {{"kind", "authorization_code"}},
                   static_cast<std::uint64_t>(live.authorization_codes));
        out.sample("hsoauth_live_objects", {{"kind", "install"}}, static_cast<std::uint64_t>(live.installs));
    });
}

assembly::~assembly() { store_.observe(nullptr); }

void assembly::watch(const http::server& server) {
    registry_.add([&server](metrics::exposition& out) {
        out.family("hsoauth_http_open_connections", "gauge", "Connections open now, plain and TLS.");
        out.sample("hsoauth_http_open_connections", {}, static_cast<std::uint64_t>(server.open_connections()));
    });
}

}  // namespace hsoauth::app
