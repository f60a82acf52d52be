#pragma once
// HubSpot's error body, the one shape every error of every wire version takes (the union of the
// contract's Error schema, HubSpot's `status` and RFC 6749's `error`):
//   {"status": "BAD_AUTH_CODE", "message": …, "correlationId": <UUIDv4>, "category": …,
//    "error": <RFC 6749 code>, "error_description": …, ["subCategory", "errors", "policyName"]}
// Which status and words an error gets is each wire version's table (http/wire/<version>/).
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "hsoauth/http/message.hpp"
#include "hsoauth/oauth/result.hpp"

namespace hsoauth::http {

// How one wire version answers one kind of error. `status` must be a static string (a literal):
// the response keeps a view of it (response::hubspot_status).
struct error_shape {
    int http_status;
    const char* status;        // HubSpot's status string
    const char* category;      // the Error schema's category
    const char* message;       // the message when the error carries no detail
    const char* sub_category;  // optional (nullptr)
};

// The error body of domain error `e` shaped by `shape`. The message is e.detail, else the
// shape's; missing_field and invalid_field list e.field in `errors[]`; client_throttled adds
// `policyName` and a Retry-After header of e.seconds.
response render_error(const error_shape& shape, const oauth::error& e,
                      std::string_view correlation_id);

// missing_field for several fields at once: 400 with `shape`, a message naming them all, and one
// `errors[]` entry per field (code MISSING_REQUIRED_FIELD, context.missingFields).
response render_missing_fields(const error_shape& shape, const std::vector<std::string>& fields,
                               std::string_view correlation_id);

// An error body that no domain error stands behind (transport errors, failures).
response render_error(const error_shape& shape, std::string_view rfc_error, std::string_view detail,
                      std::string_view correlation_id);

// The Error schema's `context`: named lists of strings ({"supportedEndpoints": ["POST …", …]}).
using error_context = std::vector<std::pair<std::string, std::vector<std::string>>>;

// The same, with `context` added to the body.
response render_error(const error_shape& shape, std::string_view rfc_error, std::string_view detail,
                      std::string_view correlation_id, const error_context& context);

// 500: reveals nothing about the cause.
response internal_error_response(std::string_view correlation_id);

}  // namespace hsoauth::http
