#include "hsoauth/http/wire/token_bodies.hpp"

#include "hsoauth/http/json_writer.hpp"

namespace hsoauth::http::wire {

std::string access_token_grant_json(const oauth::issued_tokens& t) {
    return json_object_writer()
        .add("access_token", t.access_token)
        .add("expires_in", t.expires_in)
        .add("hub_id", t.hub_id)
        .add("refresh_token", t.refresh_token)
        .add("scopes", t.scopes)
        .add(json_constant{"token_type", "bearer"})
        .add(json_constant{"token_use", "access_token"})
        .add("user_id", t.user_id)
        .finish();
}

void add_signed_access_token(json_object_writer& out, const oauth::signed_access_token& t) {
    out.begin_object("signed_access_token")
        .add("appId", t.app_id)
        .add("appInstallId", t.app_install_id)
        .add("audience", t.audience)
        .add("expiresAt", t.expires_at_ms)
        .add("hubId", t.hub_id)
        .add("hublet", t.hublet)
        .add("installingUserId", t.installing_user_id)
        .add_bool("isPrivateDistribution", t.is_private_distribution)
        .add_bool("isServiceAccount", t.is_service_account)
        .add_bool("isUserLevel", t.is_user_level)
        .add("newSignature", t.new_signature)
        .add("scopeToScopeGroupPks", t.scope_to_scope_group_pks)
        .add("scopes", t.scopes)
        .add("signature", t.signature)
        .add("trialScopeToScopeGroupPks", t.trial_scope_to_scope_group_pks)
        .add("trialScopes", t.trial_scopes)
        .add("userId", t.user_id)
        .end_object();
}

}  // namespace hsoauth::http::wire
