#pragma once
// Server-side state of rendered consent forms. Each form carries one CSRF token (256 random
// bits) that names the authorization request it was rendered for; the token is single-use and
// expires. Nothing the browser posts back can change the app, redirect URI, scopes, state or
// PKCE challenge: they live here. Thread-safe. Kept in memory: a restart invalidates open
// forms (the user reloads the authorize URL).
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "hsoauth/crypto/random.hpp"
#include "hsoauth/oauth/authority.hpp"

namespace hsoauth::service {

struct pending_consent {
    oauth::authorization_plan plan;
    std::string state;  // echoed to the redirect URI ("" = none sent)
    bool state_present = false;
    std::optional<oauth::pkce_challenge> pkce;
    std::optional<std::int64_t> fixed_hub_id;  // /oauth/{hubId}/authorize
    std::int64_t expires_at = 0;
};

class consent_forms {
  public:
    // `random` makes the CSRF tokens (OpenSSL's CSPRNG unless a deterministic run injects a
    // seeded source); it must outlive the forms.
    consent_forms(std::int64_t lifetime_seconds, std::size_t capacity,
                  crypto::random_source& random = crypto::system_random())
        : lifetime_(lifetime_seconds), capacity_(capacity), random_(random) {}

    // Stores `consent` (its expires_at is set here) and returns the new CSRF token.
    std::string open(pending_consent consent, std::int64_t now);
    // Removes and returns the form of `token` if it exists and has not expired; nullopt for an
    // unknown, reused or expired token.
    std::optional<pending_consent> take(const std::string& token, std::int64_t now);

  private:
    std::int64_t lifetime_;
    std::size_t capacity_;
    crypto::random_source& random_;
    std::mutex mutex_;
    std::unordered_map<std::string, pending_consent> forms_;  // keyed by the token's digest
};

}  // namespace hsoauth::service
