#include "hsoauth/http/hosted_sandbox.hpp"

#include "hsoauth/http/sandbox_front.hpp"

namespace hsoauth::http {

hosted_sandbox::hosted_sandbox(const std::string& sandbox_id, storage::store& store,
                               const crypto::secret_hasher& hasher, service::sandbox_settings settings,
                               service::admin_service& root_admin, const std::string& admin_key_digest,
                               log_writer& log, const upstream_client* upstream)
    : prefix_(std::string(sandbox_front::path_prefix) + sandbox_id),
      world_(store, hasher, std::move(settings)),
      admin_(world_.admin(), root_admin, hasher, admin_key_digest),
      endpoints_{world_.tokens(), world_.authorization(), admin_, log, &world_.gateway(), upstream, prefix_} {}

}  // namespace hsoauth::http
