#pragma once
// The admin key check of a non-default sandbox: its own key (compared by digest, in constant
// time, first: it is 256 random bits, and a match is not counted as a wrong server key) or the
// server's key (the root sandbox's admin service decides and throttles). Every other admin use
// case goes to the sandbox's own service unchanged.
#include <string>

#include "hsoauth/crypto/digest.hpp"
#include "hsoauth/service/admin_service.hpp"

namespace hsoauth::service {

class sandbox_admin_auth final : public admin_service_wrapper {
  public:
    // `root`, `hasher` and `wrapped` must outlive this object.
    sandbox_admin_auth(admin_service& wrapped, admin_service& root, const crypto::secret_hasher& hasher,
                       std::string key_digest)
        : admin_service_wrapper(wrapped), root_(root), hasher_(hasher), key_digest_(std::move(key_digest)) {}

    std::optional<oauth::error> authenticate(const call& c, std::string_view presented) override;

  private:
    admin_service& root_;
    const crypto::secret_hasher& hasher_;
    const std::string key_digest_;
};

}  // namespace hsoauth::service
