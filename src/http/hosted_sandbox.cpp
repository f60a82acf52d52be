#include "hsoauth/http/hosted_sandbox.hpp"

#include "hsoauth/http/sandbox_front.hpp"

namespace hsoauth::http {

hosted_sandbox::hosted_sandbox(const std::string& sandbox_id, storage::store& store,
                               const crypto::secret_hasher& hasher, service::sandbox_settings settings,
                               service::admin_service& root_admin, const std::string& admin_key_digest,
                               log_writer& log, const upstream_client* upstream,
                               service::controls_settings controls, const service::answer_labels& labels,
                               std::shared_ptr<service::controls_memory> memory, gateway_metrics* gateway_counts)
    : prefix_(std::string(sandbox_front::path_prefix) + sandbox_id),
      world_(store, hasher, std::move(settings)),
      controls_(world_, std::move(controls), labels, std::move(memory)),
      admin_(controls_.admin(), root_admin, hasher, admin_key_digest),
      endpoints_{controls_.tokens(), controls_.authorization(), admin_, log, &controls_.gateway(), upstream, prefix_} {
    endpoints_.controls = &controls_.controls();
    endpoints_.gateway_counts = gateway_counts;
}

}  // namespace hsoauth::http
