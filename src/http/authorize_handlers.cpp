#include "hsoauth/http/authorize_handlers.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "hsoauth/clock/clock.hpp"
#include "hsoauth/config/config.hpp"
#include "hsoauth/http/consent_forms.hpp"
#include "hsoauth/http/consent_page.hpp"
#include "hsoauth/http/error_body.hpp"
#include "hsoauth/http/form.hpp"
#include "hsoauth/http/write_then.hpp"
#include "hsoauth/storage/scope_text.hpp"

namespace hsoauth::http {
namespace {

using oauth::errc;

// Every page of the authorize step: never framed, never cached, never leaks the URL onwards.
response with_page_headers(response r) {
    r.with_header("Content-Security-Policy",
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

// The page for a client error of the authorize step. Never a redirect: a bad client_id or
// redirect_uri must not turn hsoauth into an open redirector.
response error_page_for(const oauth::error& e) {
    switch (e.code) {
        case errc::bad_client_id:
            return error_page("Unknown app", "No app is registered with this client_id.");
        case errc::bad_redirect_uri:
            return error_page("Invalid redirect URI",
                              "The redirect_uri does not exactly match any redirect URI registered for this app.");
        case errc::bad_scopes:
            return error_page("Authorization failed", e.message);
        case errc::bad_hub:
        case errc::bad_user:
            return error_page("Account not available", e.message);
        default:
            return error_page("Invalid request", e.message.empty() ? "The authorization request is invalid." : e.message);
    }
}

std::string redirect_with(const std::string& redirect_uri, const std::string& query) {
    return redirect_uri + (redirect_uri.find('?') == std::string::npos ? "?" : "&") + query;
}

std::string code_redirect(const pending_consent& consent, const std::string& code) {
    std::string query = "code=" + percent_encode(code);
    if (consent.state_present) query += "&state=" + percent_encode(consent.state);
    return redirect_with(consent.plan.redirect_uri, query);
}

response redirect(int status, const std::string& location) {
    response r;
    r.status = status;
    r.headers.emplace_back("Location", location);
    return with_page_headers(std::move(r));
}

// Approves `consent` for the user and hub (a write), then redirects to the app with the code.
void approve_and_redirect(services& s, const request& req, const responder& respond,
                          pending_consent consent, std::int64_t user_id, std::int64_t hub_id,
                          int redirect_status) {
    auto shared = std::make_shared<const pending_consent>(std::move(consent));
    write_then(
        s, req.correlation_id, respond, on_error::roll_back,
        [&authority = s.authority, shared, user_id, hub_id](storage::repository& repo) {
            return authority.approve(repo, shared->plan, hub_id, user_id, shared->pkce);
        },
        [shared, redirect_status](oauth::issued_code& issued) {
            return redirect(redirect_status, code_redirect(*shared, issued.code));
        },
        [](const oauth::error& e) { return error_page_for(e); });
}

// Reads and validates the authorize query; answers an error page itself and returns nullopt
// when the request cannot go on.
std::optional<pending_consent> read_authorization(services& s, const request& req, const responder& respond,
                                                  std::optional<std::int64_t> fixed_hub) {
    auto query = decode_form(req.query);
    if (!query) {
        respond(error_page("Invalid request", query.err().message));
        return std::nullopt;
    }
    const auto client_id = query->get("client_id");
    const auto redirect_uri = query->get("redirect_uri");
    const auto scope = query->get("scope");
    if (!client_id || client_id->empty()) {
        respond(error_page("Invalid request", "client_id is required."));
        return std::nullopt;
    }
    if (!redirect_uri || redirect_uri->empty()) {
        respond(error_page("Invalid request", "redirect_uri is required."));
        return std::nullopt;
    }
    oauth::authorization_request request;
    request.client_id = std::string(*client_id);
    request.redirect_uri = std::string(*redirect_uri);
    request.scopes = storage::split_scopes(scope.value_or(""));
    request.optional_scopes = storage::split_scopes(query->value_or_empty("optional_scope"));
    request.strict_placement = true;
    auto plan = storage::read_value(s.db, [&](storage::repository& repo) { return s.authority.plan_authorization(repo, request); });
    if (!plan) {
        respond(error_page_for(plan.err()));
        return std::nullopt;
    }
    // Only now is the redirect URI known to be the app's: from here on, problems could be sent
    // back to it, but HubSpot shows them on its own page, and so do we.
    if (request.scopes.empty()) {
        respond(error_page("Authorization failed", "The scope parameter is required."));
        return std::nullopt;
    }
    auto pkce = oauth::parse_pkce(query->value_or_empty("code_challenge"),
                                  query->value_or_empty("code_challenge_method"));
    if (!pkce) {
        respond(error_page("Invalid request", pkce.err().message));
        return std::nullopt;
    }
    pending_consent consent;
    consent.plan = std::move(*plan);
    consent.state_present = query->get("state").has_value();
    consent.state = std::string(query->value_or_empty("state"));
    consent.pkce = std::move(*pkce);
    consent.fixed_hub_id = fixed_hub;
    return consent;
}

void render_consent(services& s, const responder& respond, pending_consent consent) {
    consent_view view;
    view.app_name = consent.plan.app.name;
    view.required_scopes = consent.plan.required_scopes;
    view.optional_scopes = consent.plan.optional_scopes;
    view.hub_fixed = consent.fixed_hub_id.has_value();
    view.form_action = "/oauth/authorize";
    const auto fixed = consent.fixed_hub_id;
    s.db.read([&](storage::repository& repo) {
        std::vector<std::int64_t> hub_ids;
        for (const auto& user : repo.list_users()) {
            const bool member = fixed ? std::find(user.hub_ids.begin(), user.hub_ids.end(), *fixed) != user.hub_ids.end()
                                      : !user.hub_ids.empty();
            if (!member) continue;
            view.users.push_back({user.user_id, user.email});
            hub_ids.insert(hub_ids.end(), user.hub_ids.begin(), user.hub_ids.end());
        }
        if (fixed) hub_ids = {*fixed};
        std::sort(hub_ids.begin(), hub_ids.end());
        hub_ids.erase(std::unique(hub_ids.begin(), hub_ids.end()), hub_ids.end());
        for (const auto id : hub_ids) {
            if (const auto hub = repo.find_hub(id)) view.hubs.push_back({hub->hub_id, hub->hub_domain});
        }
    });
    if (view.users.empty() || view.hubs.empty()) {
        return respond(error_page("No account to connect",
                                  fixed ? "No seeded user is a member of this account."
                                        : "Seed at least one user who belongs to a hub."));
    }
    view.csrf_token = s.consent.open(std::move(consent), s.clock.now());
    respond(html(200, render_consent_page(view)));
}

void authorize(services& s, const request& req, const responder& respond, std::optional<std::int64_t> fixed_hub) {
    auto consent = read_authorization(s, req, respond, fixed_hub);
    if (!consent) return;
    if (const auto target = s.auto_approval.get()) {
        const std::int64_t hub_id = fixed_hub.value_or(target->hub_id);
        return approve_and_redirect(s, req, respond, std::move(*consent), target->user_id, hub_id, 302);
    }
    render_consent(s, respond, std::move(*consent));
}

}  // namespace

void get_authorize(services& s, const request& req, const route_params&, responder respond) {
    authorize(s, req, respond, std::nullopt);
}

void get_authorize_for_hub(services& s, const request& req, const route_params& params, responder respond) {
    const auto hub_id = parse_positive_id(params[0]);
    if (!hub_id) return respond(error_page("Unknown account", "The account id in the URL is not a number."));
    authorize(s, req, respond, hub_id);
}

void post_authorize(services& s, const request& req, const route_params&, responder respond) {
    auto form = decode_form(req.body);
    if (!form) return respond(error_page("Invalid request", form.err().message));
    const auto token = form->get("csrf_token");
    if (!token || token->empty()) {
        return respond(error_page("Request expired", "The form is missing its security token. Open the authorize URL again."));
    }
    auto consent = s.consent.take(std::string(*token), s.clock.now());
    if (!consent) {
        return respond(error_page("Request expired",
                                  "This form was already used, has expired, or was not issued by hsoauth. "
                                  "Open the authorize URL again."));
    }
    const auto action = form->value_or_empty("action");
    if (action == "decline") {
        if (s.settings.decline_redirects) {
            std::string query = "error=access_denied";
            if (consent->state_present) query += "&state=" + percent_encode(consent->state);
            return respond(redirect(303, redirect_with(consent->plan.redirect_uri, query)));
        }
        return respond(html(200, render_declined_page(consent->plan.app.name)));
    }
    if (action != "approve") return respond(error_page("Invalid request", "Choose Connect app or Cancel."));
    const auto user_id = parse_positive_id(form->value_or_empty("user_id"));
    const auto hub_id = parse_positive_id(form->value_or_empty("hub_id"));
    if (!user_id || !hub_id) return respond(error_page("Invalid request", "Choose a user and an account."));
    if (consent->fixed_hub_id && *consent->fixed_hub_id != *hub_id) {
        return respond(error_page("Invalid request", "The account of this authorization cannot be changed."));
    }
    approve_and_redirect(s, req, respond, std::move(*consent), *user_id, *hub_id, 303);
}

namespace {

response auto_approve_view(const auto_approve& a) {
    const auto target = a.get();
    nlohmann::json out = {{"enabled", target.has_value()}};
    if (target) {
        out["user_id"] = target->user_id;
        out["hub_id"] = target->hub_id;
    }
    return json_response(200, out.dump());
}

}  // namespace

void get_auto_approve(services& s, const request&, const route_params&, responder respond) {
    respond(auto_approve_view(s.auto_approval));
}

void put_auto_approve(services& s, const request& req, const route_params&, responder respond) {
    const auto body = nlohmann::json::parse(req.body, nullptr, false);
    const auto id = [&](const char* key) -> std::optional<std::int64_t> {
        if (!body.is_object() || !body.contains(key) || !body[key].is_number_integer()) return std::nullopt;
        const auto value = body[key].get<std::int64_t>();
        return value > 0 ? std::optional(value) : std::nullopt;
    };
    const auto user_id = id("user_id");
    const auto hub_id = id("hub_id");
    if (!user_id || !hub_id) {
        return respond(error_response(
            oauth::make_error(errc::invalid_field, "user_id and hub_id must be positive integers",
                              user_id ? "hub_id" : "user_id"),
            req.correlation_id));
    }
    s.auto_approval.set(auto_approve::target{*user_id, *hub_id});
    respond(auto_approve_view(s.auto_approval));
}

void delete_auto_approve(services& s, const request&, const route_params&, responder respond) {
    s.auto_approval.set(std::nullopt);
    respond(empty_response(204));
}

}  // namespace hsoauth::http
