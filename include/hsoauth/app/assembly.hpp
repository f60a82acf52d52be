#pragma once
// The wiring of `hsoauth serve` over an open store, shared by main.cpp and the fuzzers: the
// sandbox's services and the endpoints the router serves them through, built from configuration.
#include <cstddef>
#include <memory>
#include <string>

#include "hsoauth/config/config.hpp"
#include "hsoauth/crypto/digest.hpp"
#include "hsoauth/http/endpoints.hpp"
#include "hsoauth/http/log_writer.hpp"
#include "hsoauth/http/server.hpp"
#include "hsoauth/http/sandbox_front.hpp"
#include "hsoauth/http/wire/answer_labels.hpp"
#include "hsoauth/http/upstream_client.hpp"
#include "hsoauth/service/sandbox.hpp"
#include "hsoauth/service/sandbox_registry.hpp"
#include "hsoauth/service/world_controls.hpp"
#include "hsoauth/storage/sandbox_storage.hpp"
#include "hsoauth/storage/store.hpp"

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

// What the sandbox registry takes from configuration.
service::sandbox_limits sandbox_limits_of(const config::settings& s);

// Everything a request reaches, over `store`: the sandbox, its controls (fault rules, journal,
// report) as decorators around its services, and the endpoints. With `worlds`, the root also
// serves non-default sandboxes under /sandboxes/{id}/ (docs/sandboxes.md), each with controls
// of its own. The references must outlive the assembly.
class assembly {
  public:
    assembly(const config::settings& settings, std::string admin_key, storage::store& store,
             const crypto::secret_hasher& hasher, http::log_writer& log,
             storage::sandbox_storage* worlds = nullptr);
    assembly(const assembly&) = delete;
    assembly& operator=(const assembly&) = delete;

    service::sandbox& sandbox() { return sandbox_; }
    service::world_controls& controls() { return controls_; }
    const http::endpoints& endpoints() const { return endpoints_; }
    // Null without `worlds`.
    service::sandbox_registry* sandboxes() { return registry_.get(); }

  private:
    service::sandbox sandbox_;
    http::wire::wire_answer_labels labels_;
    service::world_controls controls_;
    std::unique_ptr<http::upstream_client> upstream_;
    http::endpoints endpoints_;
    std::unique_ptr<service::sandbox_registry> registry_;  // closed before the root's parts
    std::unique_ptr<http::sandbox_front> front_;
};

}  // namespace hsoauth::app
