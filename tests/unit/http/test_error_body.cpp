// Errors into HTTP statuses and HubSpot bodies: v1's table (http/wire/v1/v1_errors.hpp), the
// transport table (http/transport_error.hpp) and the body itself (http/error_body.hpp).
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include <string>

#include "hsoauth/http/error_body.hpp"
#include "hsoauth/http/transport_error.hpp"
#include "hsoauth/http/wire/v1/v1_errors.hpp"

using namespace hsoauth;
using oauth::errc;
using nlohmann::json;

namespace {

constexpr std::string_view corr = "0b8e6f6e-4f3a-4c1e-9d3b-2a1f5e6d7c8b";

json body_of(const http::response& r) {
    auto parsed = json::parse(r.body, nullptr, false);
    REQUIRE_FALSE(parsed.is_discarded());
    REQUIRE(parsed.is_object());
    return parsed;
}

std::string content_type(const http::response& r) {
    if (!r.content_type.empty()) return std::string(r.content_type);
    for (const auto& [name, value] : r.headers) {
        if (name == "Content-Type") return value;
    }
    return {};
}

}  // namespace

TEST_CASE("http: v1 maps each domain error to its HTTP status") {
    const auto status_of = [](errc code) { return http::wire::v1::shape_of(code).http_status; };
    CHECK(status_of(errc::unknown_client) == 401);
    CHECK(status_of(errc::wrong_client_secret) == 401);
    CHECK(status_of(errc::client_throttled) == 429);
    CHECK(status_of(errc::unknown_code) == 400);
    CHECK(status_of(errc::expired_code) == 400);
    CHECK(status_of(errc::redirect_uri_mismatch) == 400);
    CHECK(status_of(errc::code_verifier_mismatch) == 400);
    CHECK(status_of(errc::invalid_refresh_token) == 400);
    CHECK(status_of(errc::uninstalled_refresh_token) == 400);
    CHECK(status_of(errc::unsupported_grant_type) == 400);
    CHECK(status_of(errc::missing_field) == 400);
    CHECK(status_of(errc::invalid_field) == 400);
    CHECK(status_of(errc::malformed_request) == 400);
    CHECK(status_of(errc::unregistered_redirect_uri) == 400);
    CHECK(status_of(errc::scope_mismatch) == 400);
    CHECK(status_of(errc::hub_unavailable) == 400);
    CHECK(status_of(errc::unknown_user) == 400);
    CHECK(status_of(errc::consent_form_unknown) == 400);
    CHECK(status_of(errc::unknown_token) == 401);
    CHECK(status_of(errc::expired_token) == 401);
    CHECK(status_of(errc::not_found) == 404);
    CHECK(status_of(errc::conflict) == 409);
    CHECK(status_of(errc::admin_unauthorized) == 401);
}

TEST_CASE("http: transport errors have their own statuses") {
    const auto status_of = [](http::transport_errc code) { return http::transport_error_response(code, corr).status; };
    CHECK(status_of(http::transport_errc::bad_request) == 400);
    CHECK(status_of(http::transport_errc::route_not_found) == 404);
    CHECK(status_of(http::transport_errc::method_not_allowed) == 405);
    CHECK(status_of(http::transport_errc::payload_too_large) == 413);
    CHECK(status_of(http::transport_errc::unsupported_media_type) == 415);
    CHECK(status_of(http::transport_errc::headers_too_large) == 431);
    CHECK(status_of(http::transport_errc::misdirected_request) == 421);
    const json b = body_of(http::transport_error_response(http::transport_errc::unsupported_media_type, corr));
    CHECK(b.at("status") == "UNSUPPORTED_MEDIA_TYPE");
    CHECK(b.at("category") == "VALIDATION_ERROR");
    CHECK(b.at("error") == "invalid_request");
    CHECK(b.at("correlationId") == corr);
}

TEST_CASE("http: the v1 error response carries HubSpot's status, the RFC 6749 error and the correlation id") {
    struct expectation {
        errc code;
        int http_status;
        const char* status;
        const char* category;
        const char* error;
    };
    const expectation cases[] = {
        {errc::unknown_client, 401, "BAD_CLIENT_ID", "INVALID_AUTHENTICATION", "invalid_client"},
        {errc::wrong_client_secret, 401, "BAD_CLIENT_SECRET", "INVALID_AUTHENTICATION", "invalid_client"},
        {errc::unknown_code, 400, "BAD_AUTH_CODE", "VALIDATION_ERROR", "invalid_grant"},
        {errc::expired_code, 400, "EXPIRED_AUTH_CODE", "VALIDATION_ERROR", "invalid_grant"},
        {errc::redirect_uri_mismatch, 400, "MISMATCH_REDIRECT_URI_AUTH_CODE", "VALIDATION_ERROR", "invalid_grant"},
        {errc::code_verifier_mismatch, 400, "BAD_CODE_VERIFIER", "VALIDATION_ERROR", "invalid_grant"},
        {errc::invalid_refresh_token, 400, "BAD_REFRESH_TOKEN", "VALIDATION_ERROR", "invalid_grant"},
        {errc::uninstalled_refresh_token, 400, "BAD_REFRESH_TOKEN", "VALIDATION_ERROR", "invalid_grant"},
        {errc::unsupported_grant_type, 400, "BAD_GRANT_TYPE", "VALIDATION_ERROR", "unsupported_grant_type"},
        {errc::scope_mismatch, 400, "BAD_SCOPES", "VALIDATION_ERROR", "invalid_scope"},
        {errc::unknown_token, 401, "INVALID_TOKEN", "UNAUTHORIZED", "invalid_token"},
        {errc::expired_token, 401, "EXPIRED_AUTHENTICATION", "EXPIRED_AUTHENTICATION", "invalid_token"},
        {errc::malformed_request, 400, "BAD_REQUEST", "VALIDATION_ERROR", "invalid_request"},
        {errc::admin_unauthorized, 401, "INVALID_AUTHENTICATION", "INVALID_AUTHENTICATION", "invalid_client"},
        {errc::client_throttled, 429, "TOO_MANY_REQUESTS", "RATE_LIMITS", "slow_down"},
    };
    for (const auto& c : cases) {
        CAPTURE(c.status);
        const auto r = http::wire::v1::error_response(oauth::make_error(c.code), corr);
        CHECK(r.status == c.http_status);
        CHECK(content_type(r) == "application/json;charset=utf-8");
        const json b = body_of(r);
        CHECK(b.at("status") == c.status);
        CHECK(b.at("category") == c.category);
        CHECK(b.at("error") == c.error);
        CHECK(b.at("correlationId") == corr);
        REQUIRE(b.at("message").is_string());
        CHECK_FALSE(b.at("message").get<std::string>().empty());
        CHECK(b.at("error_description") == b.at("message"));
        CHECK_FALSE(b.contains("errors"));
    }
}

TEST_CASE("http: v1 tells how long ago an access token expired, and a throttled client when to retry") {
    oauth::error expired = oauth::make_error(errc::expired_token);
    expired.seconds = 75;
    const json b = body_of(http::wire::v1::error_response(expired, corr));
    CHECK(b.at("message") == "The OAuth token used to make this call expired 75 second(s) ago.");

    oauth::error throttled = oauth::make_error(errc::client_throttled);
    throttled.seconds = 42;
    const auto r = http::wire::v1::error_response(throttled, corr);
    CHECK(r.status == 429);
    bool retry_after = false;
    for (const auto& [name, value] : r.headers) retry_after = retry_after || (name == "Retry-After" && value == "42");
    CHECK(retry_after);
    CHECK(body_of(r).at("policyName") == "FAILED_CLIENT_AUTHENTICATION");
}

TEST_CASE("http: the v1 error response uses the error's own message when it has one") {
    const auto r = http::wire::v1::error_response(
        oauth::make_error(errc::invalid_refresh_token, "missing or unknown refresh token"), corr);
    const json b = body_of(r);
    CHECK(b.at("message") == "missing or unknown refresh token");
    CHECK(b.at("error_description") == "missing or unknown refresh token");
    CHECK(b.at("status") == "BAD_REFRESH_TOKEN");
}

TEST_CASE("http: a missing field gives VALIDATION_ERROR with MISSING_REQUIRED_FIELD and the field") {
    const auto r = http::wire::v1::error_response(oauth::make_error(errc::missing_field, "", "client_secret"), corr);
    CHECK(r.status == 400);
    const json b = body_of(r);
    CHECK(b.at("status") == "VALIDATION_ERROR");
    CHECK(b.at("category") == "VALIDATION_ERROR");
    CHECK(b.at("subCategory") == "MISSING_PARAMETER");
    CHECK(b.at("error") == "invalid_request");
    REQUIRE(b.at("errors").is_array());
    REQUIRE(b.at("errors").size() == 1);
    const json& e = b.at("errors")[0];
    CHECK(e.at("code") == "MISSING_REQUIRED_FIELD");
    CHECK(e.at("in") == "body");
    CHECK(e.at("context").at("missingFields") == json::array({"client_secret"}));
    CHECK(e.at("message").is_string());
}

TEST_CASE("http: an invalid field gives INVALID_PARAMETER naming the field") {
    const auto r = http::wire::v1::error_response(
        oauth::make_error(errc::invalid_field, "code_challenge_method must be S256", "code_challenge_method"),
        corr);
    CHECK(r.status == 400);
    const json b = body_of(r);
    CHECK(b.at("status") == "VALIDATION_ERROR");
    CHECK(b.at("subCategory") == "INVALID_PARAMETER");
    CHECK(b.at("message") == "code_challenge_method must be S256");
    CHECK(b.at("errors")[0].at("code") == "INVALID_PARAMETER");
    CHECK(b.at("errors")[0].at("context").at("invalidFields") == json::array({"code_challenge_method"}));
}

TEST_CASE("http: internal_error_response reveals nothing but a 500 and the correlation id") {
    const auto r = http::internal_error_response(corr);
    CHECK(r.status == 500);
    CHECK(content_type(r) == "application/json;charset=utf-8");
    const json b = body_of(r);
    CHECK(b.at("status") == "SERVER_ERROR");
    CHECK(b.at("error") == "server_error");
    CHECK(b.at("correlationId") == corr);
}
