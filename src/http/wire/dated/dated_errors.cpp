#include "hsoauth/http/wire/dated/dated_errors.hpp"

#include "hsoauth/http/error_body.hpp"
#include "hsoauth/http/wire/v1/v1_errors.hpp"

namespace hsoauth::http::wire::dated {
namespace {

using oauth::errc;

// The grant types a version offers, in BAD_GRANT_TYPE's message.
constexpr error_shape grant_types_with_client_credentials{
    400, "BAD_GRANT_TYPE", "VALIDATION_ERROR",
    "grant_type must be authorization_code, refresh_token or client_credentials", nullptr};
constexpr error_shape grant_types_without_client_credentials{
    400, "BAD_GRANT_TYPE", "VALIDATION_ERROR",
    "grant_type must be authorization_code or refresh_token", nullptr};

}  // namespace

response error_response(const version_profile& version, const oauth::error& e,
                        std::string_view correlation_id) {
    if (e.code == errc::unsupported_grant_type) {
        return render_error(version.client_credentials ? grant_types_with_client_credentials
                                                       : grant_types_without_client_credentials,
                            e, correlation_id);
    }
    return v1::error_response(e, correlation_id);
}

response missing_fields_response(const std::vector<std::string>& fields,
                                 std::string_view correlation_id) {
    return render_missing_fields(v1::shape_of(errc::missing_field), fields, correlation_id);
}

}  // namespace hsoauth::http::wire::dated
