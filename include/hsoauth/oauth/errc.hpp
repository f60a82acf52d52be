#pragma once
// Every way a client can get a request wrong, as values. One function in http/ maps each to an
// HTTP status and HubSpot's error body; the domain never picks a status code itself.
namespace hsoauth::oauth {

enum class errc {
    bad_client_id,            // client_id names no app (checked first, as HubSpot does)
    bad_client_secret,        // client_secret does not match the app's
    bad_auth_code,            // code unknown, already used, issued to another app, or its install is gone
    expired_auth_code,        // code older than its lifetime
    mismatch_redirect_uri,    // redirect_uri differs from the one the code was issued for
    bad_code_verifier,        // PKCE verifier missing, wrong, or sent for a code without a challenge
    bad_refresh_token,        // refresh token unknown, revoked, rotated away, or another app's
    bad_grant_type,           // grant_type missing or not supported
    missing_field,            // a required request field is absent (VALIDATION_ERROR)
    invalid_field,            // a field is present but malformed (VALIDATION_ERROR)
    bad_redirect_uri,         // redirect_uri not registered for the app
    bad_scopes,               // scopes missing a required one, or naming one the app never configured
    bad_hub,                  // hub unknown, or the user is not a member of it
    bad_user,                 // user unknown
    invalid_token,            // access/refresh token metadata: unknown, expired or revoked (401)
    expired_token,            // access token metadata: expired (401, EXPIRED_AUTHENTICATION)
    unsupported_media_type,   // body not application/x-www-form-urlencoded (or JSON for admin)
    malformed_request,        // undecodable body, bad percent-encoding, invalid UTF-8, repeated field
    not_found,                // no such route or admin resource
    method_not_allowed,       // the route exists but not for this method
    conflict,                 // admin: the object clashes with an existing one
    admin_unauthorized,       // admin API called without the admin key
    payload_too_large,        // body over the configured limit
    headers_too_large,        // header block over the configured limit
    misdirected_request,      // the Host names a host this server does not answer for (DNS rebinding)
    too_many_requests,        // repeated failed client authentication; retry later
    service_unavailable,      // storage cannot take writes right now (disk full, read-only, I/O error)
};

}  // namespace hsoauth::oauth
