#include "hsoauth/service/sandbox_admin_auth.hpp"

namespace hsoauth::service {

std::optional<oauth::error> sandbox_admin_auth::authenticate(const call& c, std::string_view presented) {
    if (crypto::constant_time_equal(hasher_.hash(presented), key_digest_)) return std::nullopt;
    return root_.authenticate(c, presented);
}

}  // namespace hsoauth::service
