#include "hsoauth/service/key_set_cache.hpp"

namespace hsoauth::service {

std::shared_ptr<const crypto::key_set> key_set_cache::find(const storage::app_record& app) {
    if (app.jwks.empty()) return nullptr;
    {
        std::lock_guard lock(mutex_);
        const auto it = by_app_.find(app.app_id);
        if (it != by_app_.end() && it->second.jwks == app.jwks) return it->second.keys;
    }
    auto parsed = crypto::parse_jwks(app.jwks);
    if (!parsed) return nullptr;
    auto keys = std::make_shared<const crypto::key_set>(std::move(*parsed.keys));
    std::lock_guard lock(mutex_);
    if (by_app_.size() >= capacity_) by_app_.clear();
    by_app_[app.app_id] = entry{app.jwks, keys};
    return keys;
}

}  // namespace hsoauth::service
