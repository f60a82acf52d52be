#pragma once
// HubSpot's v1 OAuth API's answer to each domain error: status, category, HubSpot status and
// message. The table later wire versions start from, overriding only where they differ.
#include <string_view>

#include "hsoauth/http/error_body.hpp"
#include "hsoauth/oauth/result.hpp"

namespace hsoauth::http::wire::v1 {

const error_shape& shape_of(oauth::errc code);

// The v1 error response for `e`. An expired access token's message says how long ago, in
// seconds, as HubSpot's does ("The OAuth token used to make this call expired N second(s) ago.").
response error_response(const oauth::error& e, std::string_view correlation_id);

}  // namespace hsoauth::http::wire::v1
