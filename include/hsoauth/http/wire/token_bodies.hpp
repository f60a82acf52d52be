#pragma once
// The JSON bodies that every OAuth wire version shapes the same way: the answer to an
// authorization_code or refresh_token grant, and HubSpot's `signed_access_token` object. What
// differs between versions (metadata, introspection, error tables) stays in each version's views.
#include <string>

#include "hsoauth/http/json_writer.hpp"
#include "hsoauth/oauth/authority.hpp"

namespace hsoauth::http::wire {

// AccessTokenResponse, the answer to an authorization_code or refresh_token grant on v1, v3 and
// the dated versions: access_token, expires_in, hub_id, refresh_token, scopes, token_type
// "bearer", token_use "access_token", user_id (members in alphabetical order).
std::string access_token_grant_json(const oauth::issued_tokens& t);

// Adds the member `signed_access_token` to `out`: the object of an access token's v1 metadata and
// of its introspection on v3 and the dated versions, its 17 members in alphabetical order.
void add_signed_access_token(json_object_writer& out, const oauth::signed_access_token& t);

}  // namespace hsoauth::http::wire
