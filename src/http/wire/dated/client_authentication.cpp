#include "hsoauth/http/wire/dated/client_authentication.hpp"

#include "hsoauth/http/basic_auth.hpp"
#include "hsoauth/oauth/client_assertion.hpp"

namespace hsoauth::http::wire::dated {
namespace {

using oauth::errc;
using oauth::make_error;

// HubSpot's own address, which clients written against HubSpot name in `aud`.
constexpr std::string_view hubspot_api = "https://api.hubapi.com";

// The field's value when present and not empty.
std::optional<std::string_view> given(std::optional<std::string_view> value) {
    if (value && value->empty()) return std::nullopt;
    return value;
}

std::vector<std::string> audiences_of(const version_profile& version, const request& req,
                                      std::string_view prefix) {
    const std::string path = "/oauth/" + std::string(version.name) + "/token";
    std::vector<std::string> out;
    const std::string_view host = req.header("host");
    if (!host.empty()) {
        for (const std::string_view scheme : {"https://", "http://"}) {
            const std::string base = std::string(scheme) + std::string(host);
            out.push_back(base + std::string(prefix) + path);
            out.push_back(base + std::string(prefix));
        }
    }
    out.push_back(std::string(hubspot_api) + path);
    out.push_back(std::string(hubspot_api));
    return out;
}

}  // namespace

std::optional<oauth::error> read_client(const version_profile& version, const request& req,
                                        std::string_view prefix, const dated_form& form,
                                        bool token_endpoint, client_reading& out) {
    auto basic = parse_basic_authorization(req.header("authorization"));
    if (!basic) return basic.err();
    const auto body_id = given(form.client_id);
    const auto body_secret = given(form.client_secret);
    const auto assertion = given(form.client_assertion);
    const auto assertion_type = given(form.client_assertion_type);

    if (assertion || assertion_type) {
        if (!token_endpoint || !version.client_assertions) {
            return make_error(errc::malformed_request,
                              "client_assertion is not accepted here: authenticate with "
                              "client_id and client_secret",
                              "client_assertion");
        }
        if (*basic || body_secret) {
            return make_error(errc::malformed_request,
                              "use one client authentication method: client_assertion or a "
                              "client_secret, not both",
                              "client_assertion");
        }
        if (!body_id) out.missing.emplace_back("client_id");
        if (!assertion) out.missing.emplace_back("client_assertion");
        if (!assertion_type) out.missing.emplace_back("client_assertion_type");
        if (assertion_type && *assertion_type != oauth::jwt_bearer_assertion_type) {
            return make_error(errc::invalid_field,
                              "client_assertion_type must be " +
                                  std::string(oauth::jwt_bearer_assertion_type),
                              "client_assertion_type");
        }
        out.client.client_id = std::string(body_id.value_or(""));
        if (assertion) out.client.assertion = std::string(*assertion);
        out.client.assertion_audiences = audiences_of(version, req, prefix);
        return std::nullopt;
    }
    if (*basic) {
        auto& credentials = **basic;
        if (body_secret) {
            return make_error(errc::malformed_request,
                              "use one client authentication method: HTTP Basic or client_secret "
                              "in the body, not both",
                              "client_secret");
        }
        if (body_id && *body_id != credentials.client_id) {
            return make_error(errc::malformed_request,
                              "the Authorization header and client_id name two different clients",
                              "client_id");
        }
        out.client.client_id = std::move(credentials.client_id);
        out.client.client_secret = std::move(credentials.client_secret);
        return std::nullopt;
    }
    if (!body_id) out.missing.emplace_back("client_id");
    if (!body_secret) out.missing.emplace_back("client_secret");
    out.client.client_id = std::string(body_id.value_or(""));
    out.client.client_secret = std::string(body_secret.value_or(""));
    return std::nullopt;
}

}  // namespace hsoauth::http::wire::dated
