#include "hsoauth/oauth/signed_access_token.hpp"

#include "hsoauth/crypto/random.hpp"

namespace hsoauth::oauth {
namespace {

void line(std::string& out, std::string_view name, std::string_view value) {
    out += name;
    out += '=';
    out += value;
    out += '\n';
}

void line(std::string& out, std::string_view name, std::int64_t value) {
    line(out, name, std::to_string(value));
}

void flag(std::string& out, std::string_view name, bool value) {
    line(out, name, value ? std::string_view("true") : std::string_view("false"));
}

}  // namespace

std::string signed_text(const signed_access_token& t) {
    std::string out;
    out.reserve(256 + t.scopes.size());
    line(out, "appId", t.app_id);
    line(out, "appInstallId", t.app_install_id);
    line(out, "audience", t.audience);
    line(out, "expiresAt", t.expires_at_ms);
    line(out, "hubId", t.hub_id);
    line(out, "hublet", t.hublet);
    line(out, "installingUserId", t.installing_user_id);
    flag(out, "isPrivateDistribution", t.is_private_distribution);
    flag(out, "isServiceAccount", t.is_service_account);
    flag(out, "isUserLevel", t.is_user_level);
    line(out, "scopeToScopeGroupPks", t.scope_to_scope_group_pks);
    line(out, "scopes", t.scopes);
    line(out, "trialScopeToScopeGroupPks", t.trial_scope_to_scope_group_pks);
    line(out, "trialScopes", t.trial_scopes);
    line(out, "userId", t.user_id);
    return out;
}

access_token_signer::access_token_signer(const crypto::secret_hasher& pepper_hasher)
    : key_(pepper_hasher.hash("signed_access_token")),
      new_key_(pepper_hasher.hash("signed_access_token/new")) {}

void access_token_signer::sign(signed_access_token& token) const {
    const crypto::inline_digest signature = key_.hash_inline(signed_text(token));
    token.new_signature = crypto::base64url(new_key_.hash_inline(signature));
    token.signature = crypto::base64url(signature);
}

}  // namespace hsoauth::oauth
