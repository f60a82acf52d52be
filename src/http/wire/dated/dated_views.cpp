#include "hsoauth/http/wire/dated/dated_views.hpp"

#include <variant>

#include "hsoauth/http/json_writer.hpp"
#include "hsoauth/http/wire/access_token_body.hpp"
#include "hsoauth/http/wire/dated/client_authentication.hpp"
#include "hsoauth/http/wire/dated/dated_errors.hpp"
#include "hsoauth/http/wire/token_bodies.hpp"
#include "hsoauth/http/wire/token_view_steps.hpp"
#include "hsoauth/service/token_service.hpp"
#include "hsoauth/storage/scope_text.hpp"

namespace hsoauth::http::wire::dated {
namespace {

using oauth::errc;
using oauth::make_error;

// AccessTokenResponse, the same body as v1's.
response access_token_response(const oauth::issued_tokens& t) {
    return json_response(200, access_token_grant_json(t));
}

// ClientCredentialsTokenResponse: no refresh token, hub or user.
response client_credentials_response(const oauth::issued_tokens& t) {
    return json_response(200, json_object_writer()
                                  .add("access_token", t.access_token)
                                  .add("expires_in", t.expires_in)
                                  .add("scopes", t.scopes)
                                  .add(json_constant{"token_type", "bearer"})
                                  .add(json_constant{"token_use", "client_credentials"})
                                  .finish());
}

// PublicAccessTokenInfoResponse, with expires_in written as 0 at `expires_in_at` (see
// http/wire/access_token_body.hpp); an app-level token has no hub_domain or user to name.
std::string access_info_body(const oauth::access_token_facts& facts, std::size_t& expires_in_at) {
    json_object_writer out;
    out.add(json_constant{"active", true})
        .add("app_id", facts.app_id)
        .add("client_id", facts.client_id)
        .add("expires_in", std::int64_t{0});
    expires_in_at = out.size() - 1;
    if (!facts.hub_domain.empty()) out.add("hub_domain", facts.hub_domain);
    out.add("hub_id", facts.hub_id)
        .add_bool("is_private_distribution", facts.is_private_distribution)
        .add("scopes", facts.scopes);
    add_signed_access_token(out, facts.signed_token);
    out.add("token", facts.token)
        .add(json_constant{"token_type", "Bearer"})
        .add(json_constant{"token_use", "access_token"});
    if (!facts.user.empty()) out.add("user", facts.user);
    out.add("user_id", facts.user_id);
    return out.finish();
}

// Introspection's body about a live access token.
std::string access_info_json(const oauth::access_token_info& info) {
    return access_token_body(info, access_body_kind::dated_introspection, &access_info_body);
}

// PublicRefreshTokenInfoResponse.
std::string refresh_info_json(const oauth::refresh_token_info& info) {
    json_object_writer out;
    out.add(json_constant{"active", true})
        .add("app_id", info.app_id)
        .add("client_id", info.client_id)
        .add("hub_domain", info.hub_domain)
        .add("hub_id", info.hub_id)
        .add("scopes", info.scopes)
        .add("token", info.token)
        .add(json_constant{"token_type", "Bearer"})
        .add(json_constant{"token_use", "refresh_token"});
    if (!info.user.empty()) out.add("user", info.user);
    out.add("user_id", info.user_id);
    return out.finish();
}

// RFC 7662 §2.2: an inactive token is {"active":false} and nothing else.
response introspection_response(const version_profile& version, const oauth::introspection& found) {
    if (std::holds_alternative<oauth::inactive_token>(found)) {
        return json_response(200, R"({"active":false})");
    }
    if (!version.token_info) return json_response(200, R"({"active":true})");
    if (const auto* access = std::get_if<oauth::access_token_info>(&found)) {
        return json_response(200, access_info_json(*access));
    }
    return json_response(200, refresh_info_json(std::get<oauth::refresh_token_info>(found)));
}

// `version`'s error body for an error.
auto in_words_of(const version_profile& version) {
    return [&version](const oauth::error& err, std::string_view correlation_id) {
        return error_response(version, err, correlation_id);
    };
}

// A reply that answers the value with `on_value` and errors in `version`'s words.
template <class T, class OnValue>
service::reply<T> dated_answer(const version_profile& version, const endpoints& e,
                               const request& req, responder respond, OnValue on_value) {
    return answer_in<T>(e, req, std::move(respond), std::move(on_value), in_words_of(version));
}

// The form of a POST, or the answer refusing it (415 for another media type, 400 when unreadable).
std::optional<form_fields> read_form(const version_profile& version, const request& req,
                                     responder& respond) {
    return read_form_body(req, respond, in_words_of(version));
}

// The token an introspection or revocation names: `token` (RFC 7662, RFC 7009), or HubSpot's
// `access_token` or `refresh_token`, which also say its kind. An empty token when none is given.
struct named_token {
    std::string_view token;  // views the form
    oauth::token_hint hint = oauth::token_hint::none;
};
oauth::result<named_token> read_token(const dated_form& form) {
    named_token out;
    int given = 0;
    for (const auto& [value, kind] : {std::pair{form.token, oauth::token_hint::none},
                                      std::pair{form.access_token, oauth::token_hint::access_token},
                                      std::pair{form.refresh_token, oauth::token_hint::refresh_token}}) {
        if (!value || value->empty()) continue;
        ++given;
        out = named_token{*value, kind};
    }
    if (given > 1) {
        return make_error(errc::malformed_request,
                          "name the token once: token, access_token or refresh_token", "token");
    }
    if (given == 1 && out.hint == oauth::token_hint::none) {
        const auto hint = form.token_type_hint.value_or("");
        // RFC 7662 §2.1: a hint is only a hint; one this server does not know is ignored.
        if (hint == "access_token") out.hint = oauth::token_hint::access_token;
        if (hint == "refresh_token") out.hint = oauth::token_hint::refresh_token;
    }
    return out;
}

// The client and the token of an introspection or revocation, read in place (each string is
// made once, then moved only into the service).
struct token_request {
    client_reading client;
    std::string token;
    oauth::token_hint hint = oauth::token_hint::none;
};
// Reads into `out`; answers and returns false when the request is refused.
bool read_token_request(const version_profile& version, const endpoints& e, const request& req,
                        responder& respond, token_request& out) {
    const auto decoded = read_form(version, req, respond);
    if (!decoded) return false;
    const dated_form form = read_dated_form(*decoded);
    if (auto refused = read_client(version, req, e.prefix, form, /*token_endpoint=*/false, out.client)) {
        respond(error_response(version, *refused, req.correlation_id));
        return false;
    }
    const auto token = read_token(form);
    if (!token) {
        respond(error_response(version, token.err(), req.correlation_id));
        return false;
    }
    if (token->token.empty()) out.client.missing.emplace_back("token");
    if (!out.client.missing.empty()) {
        respond(missing_fields_response(out.client.missing, req.correlation_id));
        return false;
    }
    out.token.assign(token->token);
    out.hint = token->hint;
    return true;
}

}  // namespace

void post_token(const version_profile& version, const endpoints& e, const request& req,
                route_params&, responder respond) {
    const auto decoded = read_form(version, req, respond);
    if (!decoded) return;
    const dated_form form = read_dated_form(*decoded);
    const auto grant = form.grant_type;
    service::grant_request request;
    std::vector<std::string> missing;
    if (!grant || grant->empty()) {
        missing.emplace_back("grant_type");
    } else if (*grant == "authorization_code") {
        request.type = service::grant_type::authorization_code;
    } else if (*grant == "refresh_token") {
        request.type = service::grant_type::refresh_token;
    } else if (*grant == "client_credentials" && version.client_credentials) {
        request.type = service::grant_type::client_credentials;
    } else {
        return respond(error_response(
            version, make_error(errc::unsupported_grant_type, "", "grant_type"), req.correlation_id));
    }
    client_reading client;
    if (auto refused = read_client(version, req, e.prefix, form, /*token_endpoint=*/true, client)) {
        return respond(error_response(version, *refused, req.correlation_id));
    }
    missing.insert(missing.end(), client.missing.begin(), client.missing.end());
    const auto require = [&](std::optional<std::string_view> value, const char* field) {
        if (!value || value->empty()) missing.emplace_back(field);
        return std::string(value.value_or(""));
    };
    if (grant && !grant->empty()) {
        switch (request.type) {
            case service::grant_type::authorization_code:
                request.code = require(form.code, "code");
                request.redirect_uri = require(form.redirect_uri, "redirect_uri");
                if (form.code_verifier) request.code_verifier = std::string(*form.code_verifier);
                break;
            case service::grant_type::refresh_token:
                request.refresh_token = require(form.refresh_token, "refresh_token");
                break;
            case service::grant_type::client_credentials:
                request.scopes = storage::split_scopes(form.scope.value_or(""));
                break;
        }
    }
    if (!missing.empty()) return respond(missing_fields_response(missing, req.correlation_id));
    request.client = std::move(client.client);

    const bool app_level = request.type == service::grant_type::client_credentials;
    const auto c = call_of(req, respond);
    e.tokens.grant(c, std::move(request),
                   dated_answer<oauth::issued_tokens>(
                       version, e, req, std::move(respond), [app_level](oauth::issued_tokens& t) {
                           return app_level ? client_credentials_response(t)
                                            : access_token_response(t);
                       }));
}

void post_introspect(const version_profile& version, const endpoints& e, const request& req,
                     route_params&, responder respond) {
    token_request asked;
    if (!read_token_request(version, e, req, respond, asked)) return;
    const auto c = call_of(req, respond);
    e.tokens.introspect(c, std::move(asked.client.client), std::move(asked.token), asked.hint,
                        dated_answer<oauth::introspection>(
                            version, e, req, std::move(respond),
                            [&version](oauth::introspection& found) {
                                return introspection_response(version, found);
                            }));
}

void post_revoke(const version_profile& version, const endpoints& e, const request& req,
                 route_params&, responder respond) {
    token_request asked;
    if (!read_token_request(version, e, req, respond, asked)) return;
    const auto c = call_of(req, respond);
    e.tokens.revoke(c, std::move(asked.client.client), std::move(asked.token), asked.hint,
                    dated_answer<oauth::done>(version, e, req, std::move(respond),
                                              [](oauth::done&) { return empty_response(200); }));
}

}  // namespace hsoauth::http::wire::dated
