#include "hsoauth/service/consent_forms.hpp"

#include "hsoauth/crypto/digest.hpp"
#include "hsoauth/crypto/random.hpp"

namespace hsoauth::service {
namespace {

// Tokens are looked up by their SHA-256, so the map's hashing never touches the secret itself.
std::string key_of(const std::string& token) {
    return crypto::sha256(token);
}

}  // namespace

std::string consent_forms::open(pending_consent consent, std::int64_t now) {
    const std::string token = crypto::base64url(random_.bytes(32));
    consent.expires_at = now + lifetime_;
    std::lock_guard lock(mutex_);
    if (forms_.size() >= capacity_) {
        for (auto it = forms_.begin(); it != forms_.end();) {
            it = it->second.expires_at <= now ? forms_.erase(it) : std::next(it);
        }
        // Still full: drop an arbitrary form rather than grow without bound.
        if (forms_.size() >= capacity_) forms_.erase(forms_.begin());
    }
    forms_.emplace(key_of(token), std::move(consent));
    return token;
}

std::optional<pending_consent> consent_forms::take(const std::string& token, std::int64_t now) {
    std::lock_guard lock(mutex_);
    const auto it = forms_.find(key_of(token));
    if (it == forms_.end()) return std::nullopt;
    pending_consent consent = std::move(it->second);
    forms_.erase(it);
    if (consent.expires_at <= now) return std::nullopt;
    return consent;
}

}  // namespace hsoauth::service
