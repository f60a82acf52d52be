#pragma once
// The v3 and dated versions' answer to each domain error: v1's table (v1_errors.hpp), with the
// differences of each version. Every body validates against the version's published Error.
#include <string>
#include <string_view>
#include <vector>

#include "hsoauth/http/message.hpp"
#include "hsoauth/http/wire/dated/version_profile.hpp"
#include "hsoauth/oauth/result.hpp"

namespace hsoauth::http::wire::dated {

response error_response(const version_profile& version, const oauth::error& e,
                        std::string_view correlation_id);

// 400 VALIDATION_ERROR naming every field in `fields` in errors[].
response missing_fields_response(const std::vector<std::string>& fields,
                                 std::string_view correlation_id);

}  // namespace hsoauth::http::wire::dated
