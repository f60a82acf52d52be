#include "hsoauth/app/assembly.hpp"

#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>
#include <thread>

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
    out.gateway = gateway_settings_of(s);
    return out;
}

service::gateway_settings gateway_settings_of(const config::settings& s) {
    service::gateway_settings out;
    out.rate_limit = s.gateway_rate_limit;
    out.allow_unknown_operations = s.gateway_unknown_operations != "404";
    const auto files = config::split_list(s.gateway_spec_files);
    if (files.empty()) return out;  // the service builds HubSpot's table itself
    auto table = service::gateway_operations();
    for (const auto& file : files) {
        std::ifstream in(file);
        if (!in) throw config::config_error("gateway_spec_files: cannot read " + file);
        std::stringstream text;
        text << in.rdbuf();
        const auto document = nlohmann::json::parse(text.str(), nullptr, false);
        if (document.is_discarded()) throw config::config_error("gateway_spec_files: " + file + " is not JSON");
        try {
            table.add_openapi_document(document);
        } catch (const std::invalid_argument& e) {
            throw config::config_error("gateway_spec_files: " + file + ": " + e.what());
        }
    }
    out.operations = std::make_shared<const gateway::operation_table>(std::move(table));
    return out;
}

std::unique_ptr<http::upstream_client> upstream_of(const config::settings& s) {
    if (s.gateway_upstream.empty()) return nullptr;
    const auto [host, port] = config::split_upstream(s.gateway_upstream);
    http::upstream_options options;
    options.host = host;
    options.port = port;
    options.timeout_ms = s.gateway_timeout_ms;
    options.max_response_bytes = static_cast<std::size_t>(s.gateway_max_response_bytes);
    try {
        return std::make_unique<http::upstream_client>(options);
    } catch (const std::runtime_error& e) {
        throw config::config_error(e.what());
    }
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
      upstream_(upstream_of(settings)),
      endpoints_{sandbox_.tokens(), sandbox_.authorization(), sandbox_.admin(), log, &sandbox_.gateway(),
                 upstream_.get()} {}

}  // namespace hsoauth::app
