#include "hsoauth/service/authorization_service_core.hpp"

#include <algorithm>
#include <memory>

#include "submit_write.hpp"

namespace hsoauth::service {
namespace {

using oauth::errc;

app_redirect code_redirect(const pending_consent& consent, const std::string& code) {
    app_redirect out{consent.plan.redirect_uri, {{"code", code}}};
    if (consent.state_present) out.query.emplace_back("state", consent.state);
    return out;
}

}  // namespace

authorization_service_core::authorization_service_core(storage::store& store,
                                                       const oauth::authority& authority,
                                                       consent_forms& forms,
                                                       auto_approve& auto_approval,
                                                       authorization_settings settings)
    : store_(store),
      authority_(authority),
      forms_(forms),
      auto_approval_(auto_approval),
      settings_(settings) {}

template <class Outcome>
void authorization_service_core::approve(const call& c, pending_consent consent,
                                         std::int64_t user_id, std::int64_t hub_id,
                                         reply<Outcome> done) {
    auto shared = std::make_shared<const pending_consent>(std::move(consent));
    const auto& authority = authority_;
    submit_write<oauth::issued_code>(
        store_, c, on_refusal::roll_back,
        [&authority, shared, user_id, hub_id](storage::repository& repo) {
            return authority.approve(repo, shared->plan, hub_id, user_id, shared->pkce);
        },
        [shared, done = std::move(done)](outcome<oauth::issued_code> issued) {
            if (issued.ok()) return done(Outcome{code_redirect(*shared, issued.value().code)});
            if (issued.error()) return done(*issued.error());
            done(*issued.failed());
        });
}

consent_screen authorization_service_core::open_form(const pending_consent& consent,
                                                     std::string user_search) {
    consent_screen screen;
    screen.app_name = consent.plan.app.name;
    screen.required_scopes = consent.plan.required_scopes;
    screen.optional_scopes = consent.plan.optional_scopes;
    screen.hub_fixed = consent.fixed_hub_id.has_value();
    screen.user_search = std::move(user_search);
    // One more than shown of each, to tell whether there are more.
    const std::size_t limit = consent_page_choices + 1;
    std::vector<storage::choice_record> users;
    std::vector<storage::choice_record> hubs;
    store_.read([&](storage::repository& repo) {
        const auto& required = consent.plan.required_scopes;
        users = repo.consent_users(required, consent.fixed_hub_id, screen.user_search, limit);
        hubs = repo.consent_hubs(required, consent.fixed_hub_id, screen.user_search, limit);
    });
    screen.more_users = users.size() > consent_page_choices;
    screen.more_hubs = hubs.size() > consent_page_choices;
    users.resize(std::min(users.size(), consent_page_choices));
    hubs.resize(std::min(hubs.size(), consent_page_choices));
    for (auto& user : users) screen.users.push_back({user.id, std::move(user.label)});
    for (auto& hub : hubs) screen.hubs.push_back({hub.id, std::move(hub.label)});
    if (screen.users.empty() || screen.hubs.empty()) return screen;  // nobody can sign in: no form
    screen.csrf_token = forms_.open(consent, authority_.time().now());
    return screen;
}

void authorization_service_core::open(const call& c, authorize_request request,
                                      reply<authorize_outcome> done) {
    oauth::authorization_request asked;
    asked.client_id = std::move(request.client_id);
    asked.redirect_uri = std::move(request.redirect_uri);
    asked.scopes = std::move(request.scopes);
    asked.optional_scopes = std::move(request.optional_scopes);
    asked.strict_placement = true;
    std::optional<oauth::result<oauth::authorization_plan>> plan;
    try {
        store_.read([&](storage::repository& repo) {
            plan.emplace(authority_.plan_authorization(repo, asked));
        });
    } catch (...) {
        return done(failure{std::current_exception()});
    }
    if (!*plan) return done(plan->err());
    // Only now is the redirect URI known to be the app's: from here on, problems could be sent
    // back to it, but HubSpot shows them on its own page, and so does hsoauth.
    if (asked.scopes.empty()) {
        return done(
            oauth::make_error(errc::scope_mismatch, "The scope parameter is required.", "scope"));
    }
    if (request.state && request.state->size() > max_state_bytes) {
        return done(oauth::make_error(errc::invalid_field,
                                      "The state parameter must not be longer than " +
                                          std::to_string(max_state_bytes) + " bytes.",
                                      "state"));
    }
    if (request.user_search.size() > max_user_search_bytes) {
        return done(oauth::make_error(errc::invalid_field,
                                      "The search must not be longer than " +
                                          std::to_string(max_user_search_bytes) + " bytes.",
                                      "user_search"));
    }
    auto pkce = oauth::parse_pkce(request.code_challenge, request.code_challenge_method);
    if (!pkce) return done(pkce.err());
    pending_consent consent;
    consent.plan = std::move(**plan);
    consent.state_present = request.state.has_value();
    consent.state = request.state.value_or("");
    consent.pkce = std::move(*pkce);
    consent.fixed_hub_id = request.fixed_hub_id;
    if (const auto target = auto_approval_.get()) {
        const std::int64_t hub_id = request.fixed_hub_id.value_or(target->hub_id);
        return approve<authorize_outcome>(c, std::move(consent), target->user_id, hub_id,
                                          std::move(done));
    }
    consent_screen screen;
    try {
        screen = open_form(consent, std::move(request.user_search));
    } catch (...) {
        return done(failure{std::current_exception()});
    }
    done(authorize_outcome{std::move(screen)});
}

void authorization_service_core::decide(const call& c, consent_decision decision,
                                        reply<decision_outcome> done) {
    using choice = consent_decision::choice;
    auto consent = forms_.take(decision.csrf_token, authority_.time().now());
    if (!consent) return done(oauth::make_error(errc::consent_form_unknown));
    if (decision.action == choice::unknown) {
        return done(
            oauth::make_error(errc::invalid_field, "Choose Connect app or Cancel.", "action"));
    }
    if (decision.action == choice::decline) {
        // The form names the app by id: the page shows its name as it is now.
        declined out{"The app", std::nullopt};
        try {
            store_.read([&](storage::repository& repo) {
                if (const auto app = repo.find_app(consent->plan.app.app_id)) out.app_name = app->name;
            });
        } catch (...) {
            return done(failure{std::current_exception()});
        }
        if (settings_.decline_redirects) {
            app_redirect back{consent->plan.redirect_uri, {{"error", "access_denied"}}};
            if (consent->state_present) back.query.emplace_back("state", consent->state);
            out.redirect = std::move(back);
        }
        return done(decision_outcome{std::move(out)});
    }
    if (!decision.user_id || !decision.hub_id) {
        return done(oauth::make_error(errc::invalid_field, "Choose a user and an account.",
                                      decision.user_id ? "hub_id" : "user_id"));
    }
    if (consent->fixed_hub_id && *consent->fixed_hub_id != *decision.hub_id) {
        return done(oauth::make_error(
            errc::invalid_field, "The account of this authorization cannot be changed.", "hub_id"));
    }
    approve<decision_outcome>(c, std::move(*consent), *decision.user_id, *decision.hub_id,
                              std::move(done));
}

}  // namespace hsoauth::service
