#pragma once
// Consent forms, kept in the page rather than in memory. Opening a form (an anonymous GET of an
// authorize URL) stores nothing: the form's CSRF token is the authorization request itself (app
// id and client_id, redirect URI, scopes, state, PKCE challenge, preselected hub, expiry and a
// serial number) sealed with HMAC-SHA256 under a key drawn at start-up. Nothing the browser posts
// back can change what it names, and a token this process did not seal is refused. A restart
// draws a new key: forms opened before it are refused (the user reloads the authorize URL).
//
// Single use: the serial numbers of used forms are remembered until those forms expire, at most
// `used_capacity` of them. Remembering one more forgets the oldest used one, and every form
// issued up to its serial is refused from then on (it could be a reuse): only a flood of consent
// POSTs, never of GETs, can make an open form stale before it expires.
//
// Deletes: forget_app() and forget_hub() refuse the forms already issued for that app, or
// preselecting that hub, so that an app or hub created again under the same id inherits none;
// forget_all() refuses every form issued so far (a reset).
//
// Memory: the used serials (about 60 bytes each, at most used_capacity) and the deleted ids of the
// last form lifetime; nothing per open form. Threads: any. open() takes no lock; take() and the
// forget calls one mutex, for a few hash operations.
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

#include "hsoauth/crypto/digest.hpp"
#include "hsoauth/crypto/random.hpp"
#include "hsoauth/oauth/authority.hpp"

namespace hsoauth::service {

// What a consent form names. After take(), plan.app holds the app's id and client_id only: the
// approval reads the app as it is then (oauth::authority::approve).
struct pending_consent {
    oauth::authorization_plan plan;
    std::string state;  // echoed to the redirect URI ("" = none sent)
    bool state_present = false;
    std::optional<oauth::pkce_challenge> pkce;
    std::optional<std::int64_t> fixed_hub_id;  // /oauth/{hubId}/authorize
    std::int64_t expires_at = 0;               // sandbox seconds
};

class consent_forms {
  public:
    // Forms live `lifetime_seconds` on the sandbox clock; see above for `used_capacity` (>= 1).
    // The MAC key is 32 bytes drawn from `random` here (OpenSSL's CSPRNG unless a reproducible
    // run injects a seeded source, which makes the CSRF tokens reproducible too).
    explicit consent_forms(std::int64_t lifetime_seconds, std::size_t used_capacity = 100000,
                           crypto::random_source& random = crypto::system_random());
    consent_forms(const consent_forms&) = delete;
    consent_forms& operator=(const consent_forms&) = delete;

    // The CSRF token of a new form for `consent` (its expires_at is set from `now`): base64url,
    // the sealed request and its MAC. Stores nothing.
    std::string open(const pending_consent& consent, std::int64_t now) const;
    // The form of `token`, used up by this call; nullopt for a token not sealed here (forged,
    // altered, from before a restart), expired at `now`, already used, or refused since (above).
    std::optional<pending_consent> take(std::string_view token, std::int64_t now);

    // Refuses every form issued so far for app `app_id`, or preselecting hub `hub_id`.
    void forget_app(std::int64_t app_id, std::int64_t now);
    void forget_hub(std::int64_t hub_id, std::int64_t now);
    // Refuses every form issued so far (a sandbox reset deleted everything they name).
    void forget_all();

    // Used forms remembered now (at most used_capacity).
    std::size_t used_remembered() const;

  private:
    struct used_form {
        std::uint64_t serial;
        std::int64_t expires_at;
    };
    struct forgotten {
        std::uint64_t last_serial;  // forms up to this serial are refused
        std::int64_t at;            // when, on the sandbox clock
    };

    // Records `serial` as used; false when it was used, or may have been. Holds mutex_.
    bool use(std::uint64_t serial, std::int64_t expires_at, std::int64_t now);
    // Records that forms of `id` up to the current serial are refused. Holds mutex_.
    void forget(std::unordered_map<std::int64_t, forgotten>& ids, std::int64_t id, std::int64_t now);
    // Whether `ids` refuses form `serial` of `id`. Holds mutex_.
    static bool forgotten_in(const std::unordered_map<std::int64_t, forgotten>& ids, std::int64_t id,
                             std::uint64_t serial);

    const std::int64_t lifetime_;
    const std::size_t used_capacity_;
    const crypto::secret_hasher mac_;  // keyed with 256 bits drawn at construction
    mutable std::atomic<std::uint64_t> last_serial_{0};

    mutable std::mutex mutex_;
    std::unordered_set<std::uint64_t> used_;  // guarded by mutex_
    std::deque<used_form> used_order_;        // guarded by mutex_: in the order they were used
    std::uint64_t refused_up_to_ = 0;         // guarded by mutex_: forms up to this serial are refused
    std::unordered_map<std::int64_t, forgotten> forgotten_apps_;  // guarded by mutex_
    std::unordered_map<std::int64_t, forgotten> forgotten_hubs_;  // guarded by mutex_
};

}  // namespace hsoauth::service
