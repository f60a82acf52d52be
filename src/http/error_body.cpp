#include "hsoauth/http/error_body.hpp"

#include <nlohmann/json.hpp>

namespace hsoauth::http {
namespace {

using oauth::errc;

nlohmann::json base_body(const error_shape& shape, std::string_view rfc_error,
                         std::string_view message, std::string_view correlation_id) {
    nlohmann::json body = {
        {"status", shape.status},     {"message", message}, {"correlationId", correlation_id},
        {"category", shape.category}, {"error", rfc_error}, {"error_description", message},
    };
    if (shape.sub_category) body["subCategory"] = shape.sub_category;
    return body;
}

}  // namespace

response render_error(const error_shape& shape, const oauth::error& e,
                      std::string_view correlation_id) {
    const std::string_view message =
        e.detail.empty() ? std::string_view(shape.message) : std::string_view(e.detail);
    nlohmann::json body = base_body(shape, oauth::rfc_error(e.code), message, correlation_id);
    if (e.code == errc::missing_field || e.code == errc::invalid_field) {
        nlohmann::json detail = {{"message", message},
                                 {"code", e.code == errc::missing_field ? "MISSING_REQUIRED_FIELD"
                                                                        : "INVALID_PARAMETER"},
                                 {"in", "body"}};
        if (!e.field.empty()) {
            detail["context"] = {{e.code == errc::missing_field ? "missingFields" : "invalidFields",
                                  nlohmann::json::array({e.field})}};
        }
        body["errors"] = nlohmann::json::array({detail});
    }
    response r = json_response(shape.http_status, body.dump());
    r.hubspot_status = shape.status;
    if (e.code == errc::client_throttled) {
        body["policyName"] = "FAILED_CLIENT_AUTHENTICATION";
        r.body = body.dump();
        if (e.seconds > 0) r.with_header("Retry-After", std::to_string(e.seconds));
    }
    return r;
}

response render_missing_fields(const error_shape& shape, const std::vector<std::string>& fields,
                               std::string_view correlation_id) {
    std::string message = fields.size() == 1 ? "Missing required parameter: "
                                             : "Missing required parameters: ";
    nlohmann::json errors = nlohmann::json::array();
    for (std::size_t i = 0; i < fields.size(); ++i) {
        if (i > 0) message += ", ";
        message += fields[i];
        errors.push_back({{"message", "The '" + fields[i] + "' parameter is required"},
                          {"code", "MISSING_REQUIRED_FIELD"},
                          {"in", "body"},
                          {"context", {{"missingFields", nlohmann::json::array({fields[i]})}}}});
    }
    nlohmann::json body =
        base_body(shape, oauth::rfc_error(errc::missing_field), message, correlation_id);
    body["errors"] = std::move(errors);
    return json_response(shape.http_status, body.dump());
}

response render_error(const error_shape& shape, std::string_view rfc_error, std::string_view detail,
                      std::string_view correlation_id) {
    const std::string_view message = detail.empty() ? std::string_view(shape.message) : detail;
    response r = json_response(shape.http_status, base_body(shape, rfc_error, message, correlation_id).dump());
    r.hubspot_status = shape.status;
    return r;
}

response render_error(const error_shape& shape, std::string_view rfc_error, std::string_view detail,
                      std::string_view correlation_id, const error_context& context) {
    const std::string_view message = detail.empty() ? std::string_view(shape.message) : detail;
    nlohmann::json body = base_body(shape, rfc_error, message, correlation_id);
    nlohmann::json listed = nlohmann::json::object();
    for (const auto& [name, values] : context) listed[name] = values;
    body["context"] = std::move(listed);
    response r = json_response(shape.http_status, body.dump());
    r.hubspot_status = shape.status;
    return r;
}

response internal_error_response(std::string_view correlation_id) {
    static constexpr error_shape internal{500, "SERVER_ERROR", "SERVER_ERROR",
                                          "An unexpected error occurred", nullptr};
    return render_error(internal, "server_error", "", correlation_id);
}

}  // namespace hsoauth::http
