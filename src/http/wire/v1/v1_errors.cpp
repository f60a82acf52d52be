#include "hsoauth/http/wire/v1/v1_errors.hpp"

#include <string>

namespace hsoauth::http::wire::v1 {
namespace {

using oauth::errc;

// Statuses and texts as HubSpot's v1 endpoints send them (clients match on `status` and
// `error`, never on the message).
constexpr error_shape unknown_client{401, "BAD_CLIENT_ID", "INVALID_AUTHENTICATION",
                                     "missing or unknown client id", nullptr};
constexpr error_shape wrong_client_secret{401, "BAD_CLIENT_SECRET", "INVALID_AUTHENTICATION",
                                          "missing or invalid client secret", nullptr};
constexpr error_shape client_throttled{
    429, "TOO_MANY_REQUESTS", "RATE_LIMITS",
    "too many failed authentication attempts for this client; retry later", nullptr};
constexpr error_shape bad_client_assertion{401, "BAD_CLIENT_ASSERTION", "INVALID_AUTHENTICATION",
                                           "the client assertion was refused", nullptr};
constexpr error_shape unauthorized_client{400, "UNAUTHORIZED_CLIENT", "VALIDATION_ERROR",
                                          "this app may not use this grant type", nullptr};
constexpr error_shape unknown_code{400, "BAD_AUTH_CODE", "VALIDATION_ERROR",
                                   "missing or unknown auth code", nullptr};
constexpr error_shape expired_code{400, "EXPIRED_AUTH_CODE", "VALIDATION_ERROR",
                                   "auth code is expired", nullptr};
constexpr error_shape redirect_uri_mismatch{
    400, "MISMATCH_REDIRECT_URI_AUTH_CODE", "VALIDATION_ERROR",
    "redirect_uri does not match the one the auth code was issued for", nullptr};
constexpr error_shape code_verifier_mismatch{400, "BAD_CODE_VERIFIER", "VALIDATION_ERROR",
                                             "code_verifier does not match the code_challenge",
                                             nullptr};
constexpr error_shape invalid_refresh_token{400, "BAD_REFRESH_TOKEN", "VALIDATION_ERROR",
                                            "refresh token is invalid, expired or revoked",
                                            nullptr};
constexpr error_shape uninstalled_refresh_token{400, "BAD_REFRESH_TOKEN", "VALIDATION_ERROR",
                                                "missing or unknown refresh token", nullptr};
constexpr error_shape unsupported_grant_type{
    400, "BAD_GRANT_TYPE", "VALIDATION_ERROR",
    "grant_type must be authorization_code or refresh_token", nullptr};
constexpr error_shape missing_field{400, "VALIDATION_ERROR", "VALIDATION_ERROR",
                                    "Missing required parameter", "MISSING_PARAMETER"};
constexpr error_shape invalid_field{400, "VALIDATION_ERROR", "VALIDATION_ERROR",
                                    "Invalid parameter value", "INVALID_PARAMETER"};
constexpr error_shape malformed_request{400, "BAD_REQUEST", "VALIDATION_ERROR",
                                        "the request is malformed", nullptr};
constexpr error_shape unregistered_redirect_uri{400, "BAD_REDIRECT_URI", "VALIDATION_ERROR",
                                                "redirect_uri is not registered for this app",
                                                nullptr};
constexpr error_shape scope_mismatch{
    400, "BAD_SCOPES", "VALIDATION_ERROR",
    "the requested scopes do not match the app's configured scopes", nullptr};
constexpr error_shape hub_unavailable{400, "BAD_HUB", "VALIDATION_ERROR",
                                      "the hub is unknown or the user is not a member of it",
                                      nullptr};
constexpr error_shape unknown_user{400, "BAD_USER", "VALIDATION_ERROR", "the user is unknown",
                                   nullptr};
constexpr error_shape consent_form_unknown{
    400, "BAD_REQUEST", "VALIDATION_ERROR",
    "the consent form was already used, has expired, or was not issued here", nullptr};
constexpr error_shape unknown_token{401, "INVALID_TOKEN", "UNAUTHORIZED",
                                    "Invalid or expired token", "INVALID_TOKEN"};
constexpr error_shape expired_token{401, "EXPIRED_AUTHENTICATION", "EXPIRED_AUTHENTICATION",
                                    "The OAuth token used to make this call expired",
                                    "EXPIRED_TOKEN"};
constexpr error_shape admin_unauthorized{401, "INVALID_AUTHENTICATION", "INVALID_AUTHENTICATION",
                                         "the admin API needs Authorization: Bearer <admin key>",
                                         nullptr};
constexpr error_shape not_found{404, "NOT_FOUND", "OBJECT_NOT_FOUND", "resource not found",
                                nullptr};
constexpr error_shape conflict{409, "CONFLICT", "CONFLICT",
                               "the object conflicts with an existing one", nullptr};

}  // namespace

const error_shape& shape_of(errc code) {
    switch (code) {
        case errc::unknown_client:
            return unknown_client;
        case errc::wrong_client_secret:
            return wrong_client_secret;
        case errc::client_throttled:
            return client_throttled;
        case errc::bad_client_assertion:
            return bad_client_assertion;
        case errc::unauthorized_client:
            return unauthorized_client;
        case errc::unknown_code:
            return unknown_code;
        case errc::expired_code:
            return expired_code;
        case errc::redirect_uri_mismatch:
            return redirect_uri_mismatch;
        case errc::code_verifier_mismatch:
            return code_verifier_mismatch;
        case errc::invalid_refresh_token:
            return invalid_refresh_token;
        case errc::uninstalled_refresh_token:
            return uninstalled_refresh_token;
        case errc::unsupported_grant_type:
            return unsupported_grant_type;
        case errc::missing_field:
            return missing_field;
        case errc::invalid_field:
            return invalid_field;
        case errc::malformed_request:
            return malformed_request;
        case errc::unregistered_redirect_uri:
            return unregistered_redirect_uri;
        case errc::scope_mismatch:
            return scope_mismatch;
        case errc::hub_unavailable:
            return hub_unavailable;
        case errc::unknown_user:
            return unknown_user;
        case errc::consent_form_unknown:
            return consent_form_unknown;
        case errc::unknown_token:
            return unknown_token;
        case errc::expired_token:
            return expired_token;
        case errc::admin_unauthorized:
            return admin_unauthorized;
        case errc::not_found:
            return not_found;
        case errc::conflict:
            return conflict;
    }
    return malformed_request;
}

response error_response(const oauth::error& e, std::string_view correlation_id) {
    if (e.code == errc::expired_token && e.detail.empty()) {
        oauth::error told = e;
        told.detail = std::string(expired_token.message) + " " + std::to_string(e.seconds) +
                      " second(s) ago.";
        return render_error(expired_token, told, correlation_id);
    }
    return render_error(shape_of(e.code), e, correlation_id);
}

}  // namespace hsoauth::http::wire::v1
