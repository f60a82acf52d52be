#pragma once
// An open non-default sandbox as the router serves it: its world, its controls (fault rules,
// event journal, report: the world's own), its admin key check (its own key or the server's) and
// the endpoints of its path prefix "/sandboxes/{id}". The sandbox
// registry's sites are these (app::assembly gives it the factory); sandbox_front relies on it.
#include <memory>
#include <string>

#include "hsoauth/crypto/digest.hpp"
#include "hsoauth/http/endpoints.hpp"
#include "hsoauth/service/sandbox_admin_auth.hpp"
#include "hsoauth/service/sandbox_site.hpp"
#include "hsoauth/service/world_controls.hpp"

namespace hsoauth::http {

class hosted_sandbox final : public service::sandbox_site {
  public:
    // Every reference must outlive the site; so must `gateway_counts` (null: not counted).
    // `memory` holds the sandbox's fault rules and journal (kept while it is closed).
    hosted_sandbox(const std::string& sandbox_id, storage::store& store, const crypto::secret_hasher& hasher,
                   service::sandbox_settings settings, service::admin_service& root_admin,
                   const std::string& admin_key_digest, log_writer& log,
                   const upstream_client* upstream, service::controls_settings controls,
                   const service::answer_labels& labels, std::shared_ptr<service::controls_memory> memory,
                   gateway_metrics* gateway_counts);

    service::sandbox& world() override { return world_; }
    const endpoints& served() const { return endpoints_; }

  private:
    std::string prefix_;
    service::sandbox world_;
    service::world_controls controls_;
    service::sandbox_admin_auth admin_;
    endpoints endpoints_;
};

}  // namespace hsoauth::http
