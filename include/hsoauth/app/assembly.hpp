#pragma once
// The wiring of `hsoauth serve` over an open store, shared by main.cpp and the fuzzers: the
// sandbox's services and the endpoints the router serves them through, built from configuration.
#include <cstddef>
#include <string>

#include "hsoauth/config/config.hpp"
#include "hsoauth/crypto/digest.hpp"
#include "hsoauth/http/endpoints.hpp"
#include "hsoauth/http/log_writer.hpp"
#include "hsoauth/http/operations.hpp"
#include "hsoauth/http/request_metrics.hpp"
#include "hsoauth/http/request_recorder.hpp"
#include "hsoauth/http/server.hpp"
#include "hsoauth/metrics/registry.hpp"
#include "hsoauth/service/noting_admin_service.hpp"
#include "hsoauth/service/noting_token_service.hpp"
#include "hsoauth/service/sandbox.hpp"
#include "hsoauth/service/token_metrics.hpp"
#include "hsoauth/storage/store.hpp"
#include "hsoauth/storage/store_metrics.hpp"

namespace hsoauth::app {

service::sandbox_settings sandbox_settings_of(const config::settings& s, std::string admin_key);
http::server_limits server_limits_of(const config::settings& s);
// Network threads: the configured number, else one per core less one for the writer (at least one).
std::size_t network_threads_of(const config::settings& s);
// The log's format, least level and request lines (log_format, log_level, log_requests).
http::log_style log_style_of(const config::settings& s);
// Who may read GET /metrics: metrics_access, with `auto` open when every address served is a
// loopback address and behind the admin key otherwise.
http::metrics_access metrics_access_of(const config::settings& s);

// Everything a request reaches, over `store`: the sandbox's services with their decorators
// (notes for the request log, token metrics), the request log and metrics, and the operations
// routes (GET /metrics, GET /openapi.json). The references must outlive the assembly; the store
// is observed (store_metrics) until the assembly is destroyed.
class assembly {
  public:
    assembly(const config::settings& settings, std::string admin_key, storage::store& store,
             const crypto::secret_hasher& hasher, http::log_writer& log);
    ~assembly();
    assembly(const assembly&) = delete;
    assembly& operator=(const assembly&) = delete;

    service::sandbox& sandbox() { return sandbox_; }
    const http::endpoints& endpoints() const { return endpoints_; }
    // Where controls add their metric families (metrics/registry.hpp).
    metrics::registry& metrics() { return registry_; }
    // Adds the server's own gauges (open connections) to the metrics; `server` must outlive the
    // assembly.
    void watch(const http::server& server);

  private:
    storage::store& store_;
    service::sandbox sandbox_;
    service::noting_token_service noting_tokens_;
    service::token_metrics token_metrics_;
    service::noting_admin_service noting_admin_;
    http::request_metrics request_metrics_;
    http::request_recorder recorder_;
    storage::store_metrics store_metrics_;
    metrics::registry registry_;
    http::operations operations_;
    http::endpoints endpoints_;
};

}  // namespace hsoauth::app
