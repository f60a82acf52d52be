#pragma once
// HubSpot's `signed_access_token`: the facts of a live access token as one object, signed, as the
// v1 access-token metadata and the v3 / dated introspection answers carry it. The same token gets
// the same object on every wire version.
//
// Both signatures are HMAC-SHA256, base64url without padding, with server keys derived from the
// pepper: `signature` over the other fields (signed_text) with HMAC(pepper, "signed_access_token");
// `newSignature` over the 32 bytes of `signature` with HMAC(pepper, "signed_access_token/new"), as
// a key being rotated in would be (chained, so the fields are hashed once). No new secret is
// stored anywhere; nobody outside the server can check or make them.
#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "hsoauth/crypto/digest.hpp"
#include "hsoauth/crypto/random.hpp"

namespace hsoauth::oauth {

// A signature as the wire writes it, base64url of its 32 bytes (43 characters), held in place:
// signing allocates nothing for it.
struct signature_text {
    std::array<char, crypto::base64url_length(crypto::hmac_sha256_size)> chars{};

    std::string_view text() const noexcept { return {chars.data(), chars.size()}; }
    operator std::string_view() const noexcept { return text(); }
    bool operator==(const signature_text&) const = default;
};

struct signed_access_token {
    std::int64_t app_id = 0;
    std::string app_install_id;  // the install's id in decimal; "" for an app-level token
    std::string audience;        // the client_id of the app the token was issued to
    std::int64_t expires_at_ms = 0;  // epoch milliseconds
    std::int64_t hub_id = 0;
    std::string hublet;
    std::int64_t installing_user_id = 0;
    bool is_private_distribution = false;  // hsoauth has no privately distributed apps
    bool is_service_account = false;       // true for an app-level (client_credentials) token
    bool is_user_level = false;            // hsoauth's apps are account-level, as HubSpot's public apps
    std::string scope_to_scope_group_pks;  // HubSpot's internal scope groups: none here, ""
    std::string scopes;                    // the granted scopes, space-separated
    std::string trial_scope_to_scope_group_pks;  // "" (no trial scopes)
    std::string trial_scopes;                    // ""
    std::int64_t user_id = 0;
    signature_text signature;
    signature_text new_signature;
};

// The text `signature` covers: every field but the two signatures, one "name=value" line each,
// in the wire's (alphabetical) order, booleans as true/false.
std::string signed_text(const signed_access_token& token);

// Signs access-token facts with the two keys derived from the pepper. Thread-safe.
class access_token_signer {
public:
    explicit access_token_signer(const crypto::secret_hasher& pepper_hasher);
    access_token_signer(const access_token_signer&) = delete;
    access_token_signer& operator=(const access_token_signer&) = delete;

    // Sets token.signature and token.new_signature from the other fields.
    void sign(signed_access_token& token) const;

private:
    crypto::secret_hasher key_;
    crypto::secret_hasher new_key_;
};

}  // namespace hsoauth::oauth
