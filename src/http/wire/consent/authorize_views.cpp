#include "hsoauth/http/wire/consent/authorize_views.hpp"

#include <optional>

#include "hsoauth/http/answer.hpp"
#include "hsoauth/http/form.hpp"
#include "hsoauth/http/wire/consent/consent_page.hpp"
#include "hsoauth/service/authorization_service.hpp"
#include "hsoauth/storage/scope_text.hpp"

namespace hsoauth::http::wire::consent {
namespace {

using oauth::errc;

// Every page of the authorize step: never framed, never cached, never leaks the URL onwards.
response with_page_headers(response r) {
    r.with_header(
         "Content-Security-Policy",
         "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'")
        .with_header("X-Frame-Options", "DENY")
        .with_header("Referrer-Policy", "no-referrer")
        .with_header("X-Content-Type-Options", "nosniff")
        .with_header("Cache-Control", "no-store")
        .with_header("Pragma", "no-cache");
    return r;
}

response html(int status, std::string body) {
    response r;
    r.status = status;
    r.headers.emplace_back("Content-Type", std::string(html_content_type));
    r.body = std::move(body);
    return with_page_headers(std::move(r));
}

response error_page(std::string_view title, std::string_view detail) {
    return html(400, render_error_page(title, detail));
}

// The page for a domain error of the authorize step.
response error_page_for(const oauth::error& e) {
    switch (e.code) {
        case errc::unknown_client:
            return error_page("Unknown app", "No app is registered with this client_id.");
        case errc::unregistered_redirect_uri:  // the detail names the URI received and those registered
            return error_page("Invalid redirect URI",
                              e.detail.empty() ? "The redirect_uri does not exactly match any redirect "
                                                 "URI registered for this app."
                                               : e.detail);
        case errc::scope_mismatch:
            return error_page("Authorization failed", e.detail);
        case errc::hub_unavailable:
        case errc::unknown_user:
            return error_page("Account not available", e.detail);
        case errc::consent_form_unknown:
            return error_page(
                "Request expired",
                "This form was already used, has expired, or was not issued by hsoauth. "
                "Open the authorize URL again.");
        default:
            return error_page("Invalid request", e.detail.empty()
                                                     ? "The authorization request is invalid."
                                                     : e.detail);
    }
}

response redirect(int status, const service::app_redirect& to) {
    std::string location = to.redirect_uri;
    char separator = to.redirect_uri.find('?') == std::string::npos ? '?' : '&';
    for (const auto& [name, value] : to.query) {
        location += separator;
        location += name;
        location += '=';
        location += percent_encode(value);
        separator = '&';
    }
    response r;
    r.status = status;
    r.headers.emplace_back("Location", std::move(location));
    return with_page_headers(std::move(r));
}

// `prefix`: the sandbox's path prefix ("" at the root), so that the form posts back to it;
// `path`: the authorize path as the route table saw it, which the search form sends to again.
response consent_page(const service::consent_screen& screen, const request& req,
                      std::string_view prefix, std::string_view path) {
    if (screen.users.empty() || screen.hubs.empty()) {
        if (!screen.user_search.empty()) {
            return error_page("No matching user",
                              "No user who can connect this app has an e-mail containing \"" +
                                  screen.user_search +
                                  "\". Open the authorize URL again to see every user.");
        }
        return error_page("No account to connect",
                          screen.hub_fixed
                              ? "No seeded user is a member of this account, or it cannot grant "
                                "the scopes the app requires."
                              : "Seed at least one user who belongs to a hub that can grant the "
                                "scopes the app requires.");
    }
    consent_view view;
    view.app_name = screen.app_name;
    view.required_scopes = screen.required_scopes;
    view.optional_scopes = screen.optional_scopes;
    view.hub_fixed = screen.hub_fixed;
    view.form_action = std::string(prefix) + "/oauth/authorize";
    view.csrf_token = screen.csrf_token;
    for (const auto& user : screen.users) view.users.push_back({user.user_id, user.email});
    for (const auto& hub : screen.hubs) view.hubs.push_back({hub.hub_id, hub.hub_domain});
    view.more_users = screen.more_users;
    view.more_hubs = screen.more_hubs;
    view.user_search = screen.user_search;
    if (screen.more_users || screen.more_hubs || !screen.user_search.empty()) {
        // The search sends the authorize URL's own parameters again (they decoded once already).
        view.search_action = std::string(prefix) + std::string(path);
        if (auto query = decode_form(req.query)) {
            for (const auto& [name, value] : query->all()) {
                if (name != "user_search") view.search_params.emplace_back(name, value);
            }
        }
    }
    return html(200, render_consent_page(view));
}

template <class T, class OnValue>
service::reply<T> page_answer(const endpoints& e, const request& req, responder respond,
                              OnValue on_value) {
    return answer<T>(std::move(respond), req.correlation_id, e.log, std::move(on_value),
                     error_page_for);
}

void authorize(const endpoints& e, const request& req, const responder& respond,
               std::optional<std::int64_t> fixed_hub) {
    auto query = decode_form(req.query);
    if (!query) return respond(error_page("Invalid request", query.err().detail));
    const auto client_id = query->get("client_id");
    const auto redirect_uri = query->get("redirect_uri");
    if (!client_id || client_id->empty())
        return respond(error_page("Invalid request", "client_id is required."));
    if (!redirect_uri || redirect_uri->empty())
        return respond(error_page("Invalid request", "redirect_uri is required."));
    service::authorize_request request;
    request.client_id = *client_id;
    request.redirect_uri = *redirect_uri;
    request.scopes = storage::split_scopes(query->value_or_empty("scope"));
    request.optional_scopes = storage::split_scopes(query->value_or_empty("optional_scope"));
    if (const auto state = query->get("state")) request.state = std::string(*state);
    request.code_challenge = query->value_or_empty("code_challenge");
    request.code_challenge_method = query->value_or_empty("code_challenge_method");
    request.fixed_hub_id = fixed_hub;
    request.user_search = query->value_or_empty("user_search");
    const auto c = call_of(req, respond);
    e.authorization.open(
        c, std::move(request),
        page_answer<service::authorize_outcome>(
            // `req` stays valid until its answer is sent (message.hpp), its routed path with it.
            e, req, respond,
            [&req, prefix = e.prefix](service::authorize_outcome& next) {
                if (const auto* screen = std::get_if<service::consent_screen>(&next)) {
                    return consent_page(*screen, req, prefix, req.routed_path());
                }
                return redirect(302, std::get<service::app_redirect>(next));
            }));
}

}  // namespace

void get_authorize(const endpoints& e, const request& req, route_params&, responder respond) {
    authorize(e, req, respond, std::nullopt);
}

void get_authorize_for_hub(const endpoints& e, const request& req, route_params& params,
                           responder respond) {
    const auto hub_id = parse_positive_id(params[0]);
    if (!hub_id)
        return respond(error_page("Unknown account", "The account id in the URL is not a number."));
    authorize(e, req, respond, hub_id);
}

void post_authorize(const endpoints& e, const request& req, route_params&, responder respond) {
    auto form = decode_form(req.body);
    if (!form) return respond(error_page("Invalid request", form.err().detail));
    const auto token = form->get("csrf_token");
    if (!token || token->empty()) {
        return respond(
            error_page("Request expired",
                       "The form is missing its security token. Open the authorize URL again."));
    }
    using choice = service::consent_decision::choice;
    service::consent_decision decision;
    decision.csrf_token = *token;
    const auto action = form->value_or_empty("action");
    decision.action = action == "approve"   ? choice::approve
                      : action == "decline" ? choice::decline
                                            : choice::unknown;
    decision.user_id = parse_positive_id(form->value_or_empty("user_id"));
    decision.hub_id = parse_positive_id(form->value_or_empty("hub_id"));
    const auto c = call_of(req, respond);
    e.authorization.decide(
        c, std::move(decision),
        page_answer<service::decision_outcome>(
            e, req, respond, [](service::decision_outcome& next) {
                if (const auto* back = std::get_if<service::app_redirect>(&next)) {
                    return redirect(303, *back);
                }
                const auto& no = std::get<service::declined>(next);
                if (no.redirect) return redirect(303, *no.redirect);
                return html(200, render_declined_page(no.app_name));
            }));
}

}  // namespace hsoauth::http::wire::consent
