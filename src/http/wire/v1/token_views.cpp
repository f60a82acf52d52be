#include "hsoauth/http/wire/v1/token_views.hpp"

#include <array>
#include <span>

#include "hsoauth/http/json_writer.hpp"
#include "hsoauth/http/wire/access_token_body.hpp"
#include "hsoauth/http/wire/token_bodies.hpp"
#include "hsoauth/http/wire/token_view_steps.hpp"
#include "hsoauth/http/wire/v1/v1_errors.hpp"
#include "hsoauth/service/token_service.hpp"

namespace hsoauth::http::wire::v1 {
namespace {

using oauth::errc;
using oauth::make_error;

// Members in alphabetical order, as every JSON body of this server.
response token_response(const oauth::issued_tokens& t) {
    return json_response(200, access_token_grant_json(t));
}

// An access token's metadata, with expires_in written as 0 at `expires_in_at` (see
// http/wire/access_token_body.hpp).
std::string metadata_body(const oauth::access_token_facts& facts, std::size_t& expires_in_at) {
    json_object_writer out;
    out.add("app_id", facts.app_id).add("expires_in", std::int64_t{0});
    expires_in_at = out.size() - 1;
    out.add("hub_domain", facts.hub_domain)
        .add("hub_id", facts.hub_id)
        .add_bool("is_private_distribution", facts.is_private_distribution)
        .add("scopes", facts.scopes);
    add_signed_access_token(out, facts.signed_token);
    out.add("token", facts.token)
        .add(json_constant{"token_type", "access"})
        .add("user", facts.user)
        .add("user_id", facts.user_id);
    return out.finish();
}

response access_token_response(const oauth::access_token_info& info) {
    return json_response(200, access_token_body(info, access_body_kind::v1_metadata, &metadata_body));
}

response refresh_token_response(const oauth::refresh_token_info& info) {
    return json_response(200, json_object_writer()
                                  .add("client_id", info.client_id)
                                  .add("hub_domain", info.hub_domain)
                                  .add("hub_id", info.hub_id)
                                  .add("scopes", info.scopes)
                                  .add("token", info.token)
                                  .add(json_constant{"token_type", "refresh"})
                                  .add("user", info.user)
                                  .add("user_id", info.user_id)
                                  .finish());
}

// A reply that answers the value with `on_value` and errors in v1's words.
template <class T, class OnValue>
service::reply<T> v1_answer(const endpoints& e, const request& req, responder respond,
                            OnValue on_value) {
    return answer_in<T>(e, req, std::move(respond), std::move(on_value), &error_response);
}

}  // namespace

void post_token(const endpoints& e, const request& req, route_params&, responder respond) {
    auto form = read_form_body(req, respond, &error_response);
    if (!form) return;

    const auto grant = form->get("grant_type");
    const bool code_grant = grant == std::string_view("authorization_code");
    const bool refresh_grant = grant == std::string_view("refresh_token");
    if (!code_grant && !refresh_grant) {
        return respond(
            error_response(make_error(errc::unsupported_grant_type,
                                      grant ? "" : "grant_type is required", "grant_type"),
                           req.correlation_id));
    }
    static constexpr std::array<const char*, 4> code_fields{"client_id", "client_secret",
                                                            "redirect_uri", "code"};
    static constexpr std::array<const char*, 3> refresh_fields{"client_id", "client_secret",
                                                               "refresh_token"};
    const std::span<const char* const> required =
        code_grant ? std::span<const char* const>(code_fields)
                   : std::span<const char* const>(refresh_fields);
    for (const char* field : required) {
        const auto value = form->get(field);
        if (!value || value->empty()) {
            return respond(error_response(
                make_error(errc::missing_field,
                           std::string("The '") + field + "' parameter is required", field),
                req.correlation_id));
        }
    }

    service::grant_request request;
    request.client.client_id = form->value_or_empty("client_id");
    request.client.client_secret = form->value_or_empty("client_secret");
    if (code_grant) {
        request.type = service::grant_type::authorization_code;
        request.code = form->value_or_empty("code");
        request.redirect_uri = form->value_or_empty("redirect_uri");
        if (const auto verifier = form->get("code_verifier"))
            request.code_verifier = std::string(*verifier);
    } else {
        request.type = service::grant_type::refresh_token;
        request.refresh_token = form->value_or_empty("refresh_token");
    }
    const auto c = call_of(req, respond);
    e.tokens.grant(c, std::move(request),
                   v1_answer<oauth::issued_tokens>(e, req, std::move(respond), token_response));
}

void get_access_token(const endpoints& e, const request& req, route_params& params,
                      responder respond) {
    const auto c = call_of(req, respond);
    e.tokens.describe_access_token(
        c, std::move(params[0]),
        v1_answer<oauth::access_token_info>(e, req, std::move(respond), access_token_response));
}

void get_refresh_token(const endpoints& e, const request& req, route_params& params,
                       responder respond) {
    const auto c = call_of(req, respond);
    e.tokens.describe_refresh_token(
        c, std::move(params[0]),
        v1_answer<oauth::refresh_token_info>(e, req, std::move(respond), refresh_token_response));
}

void delete_refresh_token(const endpoints& e, const request& req, route_params& params,
                          responder respond) {
    const auto c = call_of(req, respond);
    e.tokens.revoke_refresh_token(
        c, std::move(params[0]),
        v1_answer<oauth::done>(e, req, std::move(respond),
                               [](oauth::done&) { return empty_response(204); }));
}

}  // namespace hsoauth::http::wire::v1
