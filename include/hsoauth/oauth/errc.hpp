#pragma once
// Every way a request can go wrong in the domain, as values: reasons in the terms of RFC 6749,
// 7009 and 7662, each with the detail a client needs. No HTTP status or wire text lives here:
// each wire version (http/wire/...) maps these to its status, category, HubSpot status, RFC
// error code and message. Transport errors (413, 415, 431, 405, an unknown route) are http's.
namespace hsoauth::oauth {

enum class errc {
    // Client authentication (RFC 6749 §5.2 invalid_client)
    unknown_client,             // client_id names no app (checked first, as HubSpot does)
    wrong_client_secret,        // client_secret does not match the app's
    client_throttled,           // too many failed authentications; error::seconds until it lifts
    bad_client_assertion,       // a client assertion (RFC 7523) refused: no keys, bad signature, wrong
                                // iss/sub/aud, expired, too long-lived, replayed jti, malformed
    unauthorized_client,        // the client may not use this grant (client_credentials without scopes)
    // Grants (RFC 6749 §5.2 invalid_grant, unsupported_grant_type)
    unknown_code,               // code unknown, already used, issued to another app, or its install is gone
    expired_code,               // code older than its lifetime
    redirect_uri_mismatch,      // redirect_uri differs from the one the code was issued for
    code_verifier_mismatch,     // PKCE verifier missing, wrong, or sent for a code without a challenge
    invalid_refresh_token,      // refresh token unknown, revoked, rotated away, or another app's
    uninstalled_refresh_token,  // the refresh token's app was uninstalled from its hub
    unsupported_grant_type,     // grant_type missing or not offered here
    // Requests (RFC 6749 invalid_request)
    missing_field,              // a required field is absent; error::field names it
    invalid_field,              // a field is present but not acceptable; error::field names it
    malformed_request,          // the request cannot be read: bad encoding, invalid UTF-8, repeated field
    // The authorize step (RFC 6749 §4.1.2.1)
    unregistered_redirect_uri,  // redirect_uri is not registered for the app
    scope_mismatch,             // scopes miss a required one or name one the app never configured (invalid_scope)
    hub_unavailable,            // hub unknown, the user is not a member, or it cannot grant a required scope
    unknown_user,               // user unknown
    consent_form_unknown,       // the consent form was used, has expired, or was never issued
    // Tokens presented for inspection or revocation (RFC 6750 invalid_token)
    unknown_token,              // token unknown, revoked, rotated away, or its install is gone
    expired_token,              // access token past its lifetime; error::seconds since it expired
    // Administration
    admin_unauthorized,         // the admin API was called without the admin key
    not_found,                  // no such app, hub, user or install
    conflict,                   // the object clashes with an existing one
};

// The RFC 6749 §5.2 / RFC 6750 §3.1 error code of `code` ("invalid_client", "invalid_grant", …):
// what every wire version puts in `error`.
const char* rfc_error(errc code);

}  // namespace hsoauth::oauth
