#include "hsoauth/oauth/signed_access_token.hpp"

#include <charconv>

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
    char digits[24];  // "-9223372036854775808" has 20
    const auto end = std::to_chars(digits, digits + sizeof digits, value).ptr;
    line(out, name, std::string_view(digits, static_cast<std::size_t>(end - digits)));
}

void flag(std::string& out, std::string_view name, bool value) {
    line(out, name, value ? std::string_view("true") : std::string_view("false"));
}

// Appends signed_text(t) to `out`.
void append_signed_text(std::string& out, const signed_access_token& t) {
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
}

}  // namespace

std::string signed_text(const signed_access_token& t) {
    std::string out;
    out.reserve(256 + t.scopes.size());
    append_signed_text(out, t);
    return out;
}

access_token_signer::access_token_signer(const crypto::secret_hasher& pepper_hasher)
    : key_(pepper_hasher.hash("signed_access_token")),
      new_key_(pepper_hasher.hash("signed_access_token/new")) {}

void access_token_signer::sign(signed_access_token& token) const {
    // The text is only hashed: it is written into this thread's buffer, whose capacity stays
    // for the next token (no allocation once it has grown to the longest text).
    thread_local std::string text;
    text.clear();
    append_signed_text(text, token);
    const crypto::inline_digest signature = key_.hash_inline(text);
    crypto::base64url_write(new_key_.hash_inline(signature), token.new_signature.chars.data());
    crypto::base64url_write(signature, token.signature.chars.data());
}

}  // namespace hsoauth::oauth
