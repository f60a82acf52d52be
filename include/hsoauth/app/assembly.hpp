#pragma once
// The wiring of `hsoauth serve` over an open store, shared by main.cpp and the fuzzers: the
// sandbox's services and the endpoints the router serves them through, built from configuration.
#include <cstddef>
#include <memory>
#include <string>

#include "hsoauth/config/config.hpp"
#include "hsoauth/crypto/digest.hpp"
#include "hsoauth/http/endpoints.hpp"
#include "hsoauth/http/gateway_metrics.hpp"
#include "hsoauth/http/log_writer.hpp"
#include "hsoauth/http/operations.hpp"
#include "hsoauth/http/request_metrics.hpp"
#include "hsoauth/http/request_recorder.hpp"
#include "hsoauth/http/server.hpp"
#include "hsoauth/http/sandbox_front.hpp"
#include "hsoauth/http/wire/answer_labels.hpp"
#include "hsoauth/http/upstream_client.hpp"
#include "hsoauth/metrics/registry.hpp"
#include "hsoauth/service/controls_keeper.hpp"
#include "hsoauth/service/noting_admin_service.hpp"
#include "hsoauth/service/noting_token_service.hpp"
#include "hsoauth/service/sandbox.hpp"
#include "hsoauth/service/sandbox_registry.hpp"
#include "hsoauth/service/world_controls.hpp"
#include "hsoauth/service/token_metrics.hpp"
#include "hsoauth/storage/sandbox_storage.hpp"
#include "hsoauth/storage/store.hpp"
#include "hsoauth/storage/store_metrics.hpp"

namespace hsoauth::app {

service::sandbox_settings sandbox_settings_of(const config::settings& s, std::string admin_key);
// The gateway's checks: gateway_rate_limit, gateway_unknown_operations, and HubSpot's operations
// with those of gateway_spec_files added. Throws config::config_error naming a spec file that
// cannot be read or is not an OpenAPI document with paths.
service::gateway_settings gateway_settings_of(const config::settings& s);
// The client of gateway_upstream; nullptr when none is set. Throws config::config_error when
// its host cannot be resolved.
std::unique_ptr<http::upstream_client> upstream_of(const config::settings& s);
http::server_limits server_limits_of(const config::settings& s);
// Network threads: the configured number, else one per core less one for the writer (at least one).
std::size_t network_threads_of(const config::settings& s);
// The controls' settings: the journal's retention, and the seeds of fault rules (from
// deterministic_seed when set, else random).
service::controls_settings controls_settings_of(const config::settings& s);
// 64 bits of a reproducible run's seed, for the parts that take a number (correlation ids).
std::uint64_t seed_number(const std::string& deterministic_seed, std::string_view purpose);
// The log's format, least level and request lines (log_format, log_level, log_requests).
http::log_style log_style_of(const config::settings& s);
// Who may read GET /metrics: metrics_access, with `auto` open when every address served is a
// loopback address and behind the admin key otherwise.
http::metrics_access metrics_access_of(const config::settings& s);

// What the sandbox registry takes from configuration.
service::sandbox_limits sandbox_limits_of(const config::settings& s);

// Everything a request reaches, over `store`: the sandbox's services with their decorators
// (its controls: fault rules, journal and report; notes for the request log; token metrics),
// the request log and metrics, and the operations routes (GET /metrics, GET /openapi.json).
// With `worlds`, the root also serves non-default sandboxes under /sandboxes/{id}/
// (docs/sandboxes.md), each with controls of its own. The references must outlive the
// assembly; the store is observed (store_metrics) until the assembly is destroyed.
class assembly {
  public:
    assembly(const config::settings& settings, std::string admin_key, storage::store& store,
             const crypto::secret_hasher& hasher, http::log_writer& log,
             storage::sandbox_storage* worlds = nullptr);
    ~assembly();
    assembly(const assembly&) = delete;
    assembly& operator=(const assembly&) = delete;

    service::sandbox& sandbox() { return sandbox_; }
    service::world_controls& controls() { return controls_; }
    const http::endpoints& endpoints() const { return endpoints_; }
    // Null without `worlds`.
    service::sandbox_registry* sandboxes() { return sandboxes_.get(); }
    // Where controls add their metric families (metrics/registry.hpp).
    metrics::registry& metrics() { return metrics_; }
    // Adds the server's own gauges (open connections) to the metrics; `server` must outlive the
    // assembly.
    void watch(const http::server& server);

  private:
    storage::store& store_;
    service::sandbox sandbox_;
    http::wire::wire_answer_labels labels_;
    std::shared_ptr<controls::fault_counters> faults_fired_;  // every world's
    service::world_controls controls_;
    std::unique_ptr<http::upstream_client> upstream_;
    service::noting_token_service noting_tokens_;
    service::token_metrics token_metrics_;
    service::noting_admin_service noting_admin_;
    http::request_metrics request_metrics_;
    http::request_recorder recorder_;
    storage::store_metrics store_metrics_;
    metrics::registry metrics_;
    http::operations operations_;
    http::gateway_metrics gateway_metrics_;  // every world's
    http::endpoints endpoints_;
    service::controls_keeper sandbox_controls_;  // the sandboxes' rules and journals, while closed too
    std::unique_ptr<service::sandbox_registry> sandboxes_;  // closed before the root's parts
    std::unique_ptr<http::sandbox_front> front_;
};

}  // namespace hsoauth::app
