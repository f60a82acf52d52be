#include "hsoauth/http/error_body.hpp"

#include <nlohmann/json.hpp>

namespace hsoauth::http {
namespace {

using oauth::errc;

struct error_shape {
    int http_status;
    const char* status;          // HubSpot's status string
    const char* category;        // the seed's category
    const char* rfc_error;       // RFC 6749 error code
    const char* message;         // default human-readable message
    const char* sub_category;    // optional
};

error_shape shape_of(errc code) {
    switch (code) {
        case errc::bad_client_id:
            return {401, "BAD_CLIENT_ID", "INVALID_AUTHENTICATION", "invalid_client",
                    "missing or unknown client id", nullptr};
        case errc::bad_client_secret:
            return {401, "BAD_CLIENT_SECRET", "INVALID_AUTHENTICATION", "invalid_client",
                    "missing or invalid client secret", nullptr};
        case errc::bad_auth_code:
            return {400, "BAD_AUTH_CODE", "VALIDATION_ERROR", "invalid_grant",
                    "missing or unknown auth code", nullptr};
        case errc::expired_auth_code:
            return {400, "EXPIRED_AUTH_CODE", "VALIDATION_ERROR", "invalid_grant",
                    "auth code is expired", nullptr};
        case errc::mismatch_redirect_uri:
            return {400, "MISMATCH_REDIRECT_URI_AUTH_CODE", "VALIDATION_ERROR", "invalid_grant",
                    "redirect_uri does not match the one the auth code was issued for", nullptr};
        case errc::bad_code_verifier:
            return {400, "BAD_CODE_VERIFIER", "VALIDATION_ERROR", "invalid_grant",
                    "code_verifier does not match the code_challenge", nullptr};
        case errc::bad_refresh_token:
            return {400, "BAD_REFRESH_TOKEN", "VALIDATION_ERROR", "invalid_grant",
                    "refresh token is invalid, expired or revoked", nullptr};
        case errc::bad_grant_type:
            return {400, "BAD_GRANT_TYPE", "VALIDATION_ERROR", "unsupported_grant_type",
                    "grant_type must be authorization_code or refresh_token", nullptr};
        case errc::missing_field:
            return {400, "VALIDATION_ERROR", "VALIDATION_ERROR", "invalid_request",
                    "Missing required parameter", "MISSING_PARAMETER"};
        case errc::invalid_field:
            return {400, "VALIDATION_ERROR", "VALIDATION_ERROR", "invalid_request",
                    "Invalid parameter value", "INVALID_PARAMETER"};
        case errc::bad_redirect_uri:
            return {400, "BAD_REDIRECT_URI", "VALIDATION_ERROR", "invalid_request",
                    "redirect_uri is not registered for this app", nullptr};
        case errc::bad_scopes:
            return {400, "BAD_SCOPES", "VALIDATION_ERROR", "invalid_scope",
                    "the requested scopes do not match the app's configured scopes", nullptr};
        case errc::bad_hub:
            return {400, "BAD_HUB", "VALIDATION_ERROR", "invalid_request",
                    "the hub is unknown or the user is not a member of it", nullptr};
        case errc::bad_user:
            return {400, "BAD_USER", "VALIDATION_ERROR", "invalid_request", "the user is unknown",
                    nullptr};
        case errc::invalid_token:
            return {401, "INVALID_TOKEN", "UNAUTHORIZED", "invalid_token",
                    "Invalid or expired token", "INVALID_TOKEN"};
        case errc::expired_token:
            return {401, "EXPIRED_AUTHENTICATION", "EXPIRED_AUTHENTICATION", "invalid_token",
                    "The OAuth token used to make this call expired", "EXPIRED_TOKEN"};
        case errc::unsupported_media_type:
            return {415, "UNSUPPORTED_MEDIA_TYPE", "VALIDATION_ERROR", "invalid_request",
                    "Content-Type must be application/x-www-form-urlencoded", nullptr};
        case errc::malformed_request:
            return {400, "BAD_REQUEST", "VALIDATION_ERROR", "invalid_request",
                    "the request is malformed", nullptr};
        case errc::not_found:
            return {404, "NOT_FOUND", "OBJECT_NOT_FOUND", "invalid_request",
                    "resource not found", nullptr};
        case errc::method_not_allowed:
            return {405, "METHOD_NOT_ALLOWED", "VALIDATION_ERROR", "invalid_request",
                    "method not allowed on this resource", nullptr};
        case errc::conflict:
            return {409, "CONFLICT", "CONFLICT", "invalid_request",
                    "the object conflicts with an existing one", nullptr};
        case errc::admin_unauthorized:
            return {401, "INVALID_AUTHENTICATION", "INVALID_AUTHENTICATION", "invalid_client",
                    "the admin API needs Authorization: Bearer <admin key>", nullptr};
        case errc::payload_too_large:
            return {413, "PAYLOAD_TOO_LARGE", "VALIDATION_ERROR", "invalid_request",
                    "the request body is too large", nullptr};
        case errc::headers_too_large:
            return {431, "HEADERS_TOO_LARGE", "VALIDATION_ERROR", "invalid_request",
                    "the request headers are too large", nullptr};
        case errc::misdirected_request:
            return {421, "MISDIRECTED_REQUEST", "VALIDATION_ERROR", "invalid_request",
                    "this server does not answer for the host named in the request", nullptr};
        case errc::too_many_requests:
            return {429, "TOO_MANY_REQUESTS", "RATE_LIMITS", "slow_down",
                    "too many failed authentication attempts for this client; retry later", nullptr};
        case errc::service_unavailable:
            return {503, "SERVICE_UNAVAILABLE", "SERVICE_UNAVAILABLE", "temporarily_unavailable",
                    "the token store cannot accept writes right now; retry later", nullptr};
    }
    return {500, "SERVER_ERROR", "SERVER_ERROR", "server_error", "An unexpected error occurred",
            nullptr};
}

}  // namespace

int status_of(errc code) { return shape_of(code).http_status; }

response error_response(const oauth::error& e, std::string_view correlation_id) {
    const error_shape shape = shape_of(e.code);
    const std::string message = e.message.empty() ? shape.message : e.message;
    nlohmann::json body = {
        {"status", shape.status},
        {"message", message},
        {"correlationId", correlation_id},
        {"category", shape.category},
        {"error", shape.rfc_error},
        {"error_description", message},
    };
    if (shape.sub_category) body["subCategory"] = shape.sub_category;
    if (e.code == errc::missing_field || e.code == errc::invalid_field) {
        nlohmann::json detail = {
            {"message", message},
            {"code", e.code == errc::missing_field ? "MISSING_REQUIRED_FIELD" : "INVALID_PARAMETER"},
            {"in", "body"}};
        if (!e.field.empty()) {
            detail["context"] = {{e.code == errc::missing_field ? "missingFields" : "invalidFields",
                                  nlohmann::json::array({e.field})}};
        }
        body["errors"] = nlohmann::json::array({detail});
    }
    if (e.code == errc::too_many_requests) body["policyName"] = "FAILED_CLIENT_AUTHENTICATION";
    return json_response(shape.http_status, body.dump());
}

response error_response(errc code, std::string_view correlation_id) {
    return error_response(oauth::error{code, {}, {}}, correlation_id);
}

response internal_error_response(std::string_view correlation_id) {
    nlohmann::json body = {
        {"status", "SERVER_ERROR"},
        {"message", "An unexpected error occurred"},
        {"correlationId", correlation_id},
        {"category", "SERVER_ERROR"},
        {"error", "server_error"},
        {"error_description", "An unexpected error occurred"},
    };
    return json_response(500, body.dump());
}

}  // namespace hsoauth::http
