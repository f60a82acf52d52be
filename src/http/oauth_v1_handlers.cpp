#include "hsoauth/http/oauth_v1_handlers.hpp"

#include <array>
#include <span>

#include "hsoauth/clock/clock.hpp"
#include "hsoauth/http/auth_throttle.hpp"
#include "hsoauth/http/error_body.hpp"
#include "hsoauth/http/form.hpp"
#include "hsoauth/http/json_writer.hpp"
#include "hsoauth/http/write_then.hpp"
#include "hsoauth/oauth/authority.hpp"

namespace hsoauth::http {
namespace {

using oauth::errc;
using oauth::make_error;

bool is_form_content_type(std::string_view content_type) {
    constexpr std::string_view form = "application/x-www-form-urlencoded";
    if (content_type.size() < form.size()) return false;
    for (std::size_t i = 0; i < form.size(); ++i) {
        if (std::tolower(static_cast<unsigned char>(content_type[i])) != form[i]) return false;
    }
    const auto rest = content_type.substr(form.size());
    return rest.empty() || rest.front() == ';' || rest.front() == ' ';
}

// Members in alphabetical order, as every JSON body of this server.
response token_response(const oauth::issued_tokens& t) {
    return json_response(200, json_object_writer()
                                  .add("access_token", t.access_token)
                                  .add("expires_in", t.expires_in)
                                  .add("hub_id", t.hub_id)
                                  .add("refresh_token", t.refresh_token)
                                  .add("scopes", t.scopes)
                                  .add("token_type", "bearer")
                                  .add("token_use", "access_token")
                                  .add("user_id", t.user_id)
                                  .finish());
}

// Answers a failed client authentication, counting it against the client_id.
response client_auth_failure(services& s, const request& req, const oauth::error& e,
                             std::string_view client_id) {
    s.throttle.record_failure(client_id, s.clock.now());
    return error_response(e, req.correlation_id);
}

}  // namespace

void post_token(services& s, const request& req, const route_params&, responder respond) {
    if (!is_form_content_type(req.header("content-type"))) {
        return respond(error_response(errc::unsupported_media_type, req.correlation_id));
    }
    auto form = decode_form(req.body);
    if (!form) return respond(error_response(form.err(), req.correlation_id));

    const auto grant_type = form->get("grant_type");
    const bool code_grant = grant_type == std::string_view("authorization_code");
    const bool refresh_grant = grant_type == std::string_view("refresh_token");
    if (!code_grant && !refresh_grant) {
        return respond(error_response(
            make_error(errc::bad_grant_type, grant_type ? "" : "grant_type is required", "grant_type"),
            req.correlation_id));
    }
    static constexpr std::array<const char*, 4> code_fields{"client_id", "client_secret", "redirect_uri", "code"};
    static constexpr std::array<const char*, 3> refresh_fields{"client_id", "client_secret", "refresh_token"};
    const std::span<const char* const> required =
        code_grant ? std::span<const char* const>(code_fields) : std::span<const char* const>(refresh_fields);
    for (const char* field : required) {
        const auto value = form->get(field);
        if (!value || value->empty()) {
            return respond(error_response(
                make_error(errc::missing_field, std::string("The '") + field + "' parameter is required",
                           field),
                req.correlation_id));
        }
    }

    const std::string client_id(form->value_or_empty("client_id"));
    if (const auto wait = s.throttle.retry_after(client_id, s.clock.now()); wait > 0) {
        return respond(error_response(errc::too_many_requests, req.correlation_id)
                           .with_header("Retry-After", std::to_string(wait)));
    }
    auto app = s.apps.find(client_id);
    if (auto problem = s.authority.check_client(app.get(), form->value_or_empty("client_secret"))) {
        return respond(client_auth_failure(s, req, *problem, client_id));
    }

    const auto& authority = s.authority;
    if (code_grant) {
        std::optional<std::string> verifier;
        if (const auto v = form->get("code_verifier")) verifier = std::string(*v);
        write_then(
            s, req.correlation_id, respond, on_error::keep_writes,
            [&authority, app = std::move(app), code = std::string(form->value_or_empty("code")),
             redirect_uri = std::string(form->value_or_empty("redirect_uri")),
             verifier = std::move(verifier)](storage::repository& repo) {
                return authority.exchange_code(repo, *app, code, redirect_uri, verifier);
            },
            token_response);
    } else {
        // Hashing the presented token and making the new one happen here, not on the writer.
        auto grant = authority.prepare_refresh(form->value_or_empty("refresh_token"), s.db.allocate_access_id());
        write_then(
            s, req.correlation_id, respond, on_error::keep_writes,
            [&authority, app = std::move(app), grant = std::move(grant)](storage::repository& repo) {
                return authority.refresh(repo, *app, grant);
            },
            token_response);
    }
}

void get_access_token(services& s, const request& req, const route_params& params, responder respond) {
    auto info = storage::read_value(s.db, [&](storage::repository& repo) {
        return s.authority.introspect_access(repo, params[0]);
    });
    if (!info) return respond(error_response(info.err(), req.correlation_id));
    respond(json_response(200, json_object_writer()
                                   .add("app_id", info->app_id)
                                   .add("expires_in", info->expires_in)
                                   .add("hub_domain", info->hub_domain)
                                   .add("hub_id", info->hub_id)
                                   .add("scopes", info->scopes)
                                   .add("token", info->token)
                                   .add("token_type", "access")
                                   .add("user", info->user)
                                   .add("user_id", info->user_id)
                                   .finish()));
}

void get_refresh_token(services& s, const request& req, const route_params& params, responder respond) {
    auto info = storage::read_value(s.db, [&](storage::repository& repo) {
        return s.authority.introspect_refresh(repo, params[0]);
    });
    if (!info) return respond(error_response(info.err(), req.correlation_id));
    respond(json_response(200, json_object_writer()
                                   .add("client_id", info->client_id)
                                   .add("hub_domain", info->hub_domain)
                                   .add("hub_id", info->hub_id)
                                   .add("scopes", info->scopes)
                                   .add("token", info->token)
                                   .add("token_type", "refresh")
                                   .add("user", info->user)
                                   .add("user_id", info->user_id)
                                   .finish()));
}

void delete_refresh_token(services& s, const request& req, const route_params& params, responder respond) {
    const auto& authority = s.authority;
    write_then(
        s, req.correlation_id, respond, on_error::roll_back,
        [&authority, token = params[0]](storage::repository& repo) {
            return authority.revoke_refresh(repo, token);
        },
        [](oauth::done&) { return empty_response(204); });
}

void get_healthz(services&, const request&, const route_params&, responder respond) {
    respond(json_response(200, R"({"status":"ok"})"));
}

}  // namespace hsoauth::http
