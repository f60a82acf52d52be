#include "hsoauth/service/intercepting_services.hpp"

#include "hsoauth/crypto/digest.hpp"
#include "hsoauth/oauth/token_format.hpp"
#include "hsoauth/service/intercept.hpp"

namespace hsoauth::service {
namespace {

using controls::event_kind;
using controls::token_kind;

std::int64_t id_or_zero(const std::optional<std::int64_t>& id) { return id.value_or(0); }

operation_facts grant_facts(const grant_request& r) {
    operation_facts f;
    f.operation = "grant";
    f.client_id = r.client.client_id;
    if (r.type == grant_type::authorization_code) {
        f.on_success = event_kind::code_exchange;
        f.grant_type = "authorization_code";
        f.token = token_kind::code;
        f.code_fingerprint = code_fingerprint(r.code);
    } else if (r.type == grant_type::refresh_token) {
        f.on_success = event_kind::refresh;
        f.grant_type = "refresh_token";
        f.token = token_kind::refresh;
        f.token_id = id_or_zero(oauth::refresh_token_id(r.refresh_token));
    } else {
        f.on_success = event_kind::app_token;
        f.grant_type = "client_credentials";
    }
    return f;
}

operation_facts token_facts(std::string_view operation, event_kind kind, token_kind token,
                            std::int64_t id) {
    operation_facts f;
    f.operation = operation;
    f.on_success = kind;
    f.token = token;
    f.token_id = id;
    return f;
}

// The token an RFC 7662/7009 request presents: by its hint, else by its shape.
operation_facts presented_token_facts(std::string_view operation, event_kind kind, const client_credentials& client,
                                      std::string_view token, oauth::token_hint hint) {
    const auto access = oauth::access_token_id(token);
    // The refresh shape is read only when it can decide: a refresh hint, or no access shape.
    const bool refresh_asked = hint == oauth::token_hint::refresh_token;
    const auto refresh = refresh_asked || !access ? oauth::refresh_token_id(token) : std::nullopt;
    const bool is_refresh = refresh_asked ? refresh.has_value() || !access : refresh.has_value();
    operation_facts f = is_refresh ? token_facts(operation, kind, token_kind::refresh, id_or_zero(refresh))
                                   : token_facts(operation, kind, token_kind::access, id_or_zero(access));
    f.client_id = client.client_id;
    return f;
}

operation_facts admin_facts(std::string_view operation, event_kind kind) {
    operation_facts f;
    f.operation = operation;
    f.on_success = kind;
    f.faultable = false;
    return f;
}

}  // namespace

std::uint64_t code_fingerprint(std::string_view code) {
    const std::string digest = crypto::sha256(code);
    std::uint64_t out = 0;
    for (std::size_t i = 0; i < 8; ++i) out = (out << 8) | static_cast<unsigned char>(digest[i]);
    return out == 0 ? 1 : out;
}

void learn(outcome_summary& s, const oauth::issued_tokens& v) {
    s.hub_id = v.hub_id;
    s.user_id = v.user_id;
    s.access_id = id_or_zero(oauth::access_token_id(v.access_token));
    s.refresh_id = id_or_zero(oauth::refresh_token_id(v.refresh_token));
}

void learn(outcome_summary& s, const oauth::access_token_info& v) {
    s.app_id = v->app_id;
    s.hub_id = v->hub_id;
    s.user_id = v->user_id;
    s.client_id = v->client_id;
}

void learn(outcome_summary& s, const oauth::refresh_token_info& v) {
    s.app_id = v.app_id;
    s.hub_id = v.hub_id;
    s.user_id = v.user_id;
    s.client_id = v.client_id;
}

void learn(outcome_summary&, const oauth::issued_code&) {}

void learn(outcome_summary& s, const api_decision& v) {
    s.gateway = &v;
    s.app_id = v.identity.app_id;
    s.hub_id = v.identity.hub_id;
    s.user_id = v.identity.user_id;
    s.client_id = v.identity.client_id;
    static const oauth::error expired = oauth::make_error(oauth::errc::expired_token);
    static const oauth::error unknown = oauth::make_error(oauth::errc::unknown_token);
    if (v.verdict == api_verdict::expired_authentication || v.verdict == api_verdict::invalid_authentication) {
        s.result = controls::event_result::refused;
        s.error = v.verdict == api_verdict::expired_authentication ? &expired : &unknown;
    }
}

failure failure_of(std::shared_ptr<const controls::fired_fault> fault) {
    const std::string what = "fault rule " + std::to_string(fault->rule_id) + " fired (" +
                             std::string(controls::name_of(fault->action.kind)) + ")";
    return failure{std::make_exception_ptr(std::runtime_error(what)), std::move(fault)};
}

// ---- token_service ----

void intercepting_token_service::grant(const call& c, grant_request request,
                                       reply<oauth::issued_tokens>&& done) {
    auto facts = grant_facts(request);
    intercept(hook_, c, std::move(facts), std::move(done),
              [this, r = std::move(request)](const call& at, reply<oauth::issued_tokens>&& d) mutable {
                  wrapped().grant(at, std::move(r), std::move(d));
              });
}

void intercepting_token_service::describe_access_token(const call& c, std::string token,
                                                       reply<oauth::access_token_info>&& done) {
    auto facts = token_facts("describe_access_token", event_kind::introspection, token_kind::access,
                             id_or_zero(oauth::access_token_id(token)));
    intercept(hook_, c, std::move(facts), std::move(done),
              [this, t = std::move(token)](const call& at, reply<oauth::access_token_info>&& d) mutable {
                  wrapped().describe_access_token(at, std::move(t), std::move(d));
              });
}

void intercepting_token_service::describe_refresh_token(const call& c, std::string token,
                                                        reply<oauth::refresh_token_info>&& done) {
    auto facts = token_facts("describe_refresh_token", event_kind::introspection,
                             token_kind::refresh, id_or_zero(oauth::refresh_token_id(token)));
    intercept(hook_, c, std::move(facts), std::move(done),
              [this, t = std::move(token)](const call& at, reply<oauth::refresh_token_info>&& d) mutable {
                  wrapped().describe_refresh_token(at, std::move(t), std::move(d));
              });
}

void intercepting_token_service::revoke_refresh_token(const call& c, std::string token,
                                                      reply<oauth::done>&& done) {
    auto facts = token_facts("revoke_refresh_token", event_kind::revocation, token_kind::refresh,
                             id_or_zero(oauth::refresh_token_id(token)));
    intercept(hook_, c, std::move(facts), std::move(done),
              [this, t = std::move(token)](const call& at, reply<oauth::done>&& d) mutable {
                  wrapped().revoke_refresh_token(at, std::move(t), std::move(d));
              });
}

void intercepting_token_service::introspect(const call& c, client_credentials client, std::string token,
                                            oauth::token_hint hint, reply<oauth::introspection>&& done) {
    auto facts = presented_token_facts("introspect", event_kind::introspection, client, token, hint);
    intercept(hook_, c, std::move(facts), std::move(done),
              [this, cl = std::move(client), t = std::move(token), hint](const call& at,
                                                                        reply<oauth::introspection>&& d) mutable {
                  wrapped().introspect(at, std::move(cl), std::move(t), hint, std::move(d));
              });
}

void intercepting_token_service::revoke(const call& c, client_credentials client, std::string token,
                                        oauth::token_hint hint, reply<oauth::done>&& done) {
    auto facts = presented_token_facts("revoke", event_kind::revocation, client, token, hint);
    intercept(hook_, c, std::move(facts), std::move(done),
              [this, cl = std::move(client), t = std::move(token), hint](const call& at, reply<oauth::done>&& d) mutable {
                  wrapped().revoke(at, std::move(cl), std::move(t), hint, std::move(d));
              });
}

// ---- authorization_service ----

void intercepting_authorization_service::open(const call& c, authorize_request request,
                                              reply<authorize_outcome> done) {
    operation_facts facts;
    facts.operation = "authorize";
    facts.on_success = event_kind::authorize;
    facts.client_id = request.client_id;
    facts.hub_id = request.fixed_hub_id.value_or(0);
    facts.state_sent = request.state.has_value() && !request.state->empty();
    facts.pkce_sent = !request.code_challenge.empty();
    intercept(hook_, c, std::move(facts), std::move(done),
              [this, r = std::move(request)](const call& at, reply<authorize_outcome>&& d) mutable {
                  wrapped().open(at, std::move(r), std::move(d));
              });
}

void intercepting_authorization_service::decide(const call& c, consent_decision decision,
                                                reply<decision_outcome> done) {
    operation_facts facts;
    facts.operation = "consent_decision";
    facts.on_success = event_kind::code_issued;
    facts.hub_id = decision.hub_id.value_or(0);
    facts.user_id = decision.user_id.value_or(0);
    intercept(hook_, c, std::move(facts), std::move(done),
              [this, d0 = std::move(decision)](const call& at, reply<decision_outcome>&& d) mutable {
                  wrapped().decide(at, std::move(d0), std::move(d));
              });
}

// ---- gateway_service ----

void intercepting_gateway_service::decide(const call& c, api_call request, reply<api_decision> done) {
    auto facts = token_facts("api_call", event_kind::gateway, token_kind::access,
                             id_or_zero(oauth::access_token_id(request.access_token)));
    intercept(hook_, c, std::move(facts), std::move(done),
              [this, r = std::move(request)](const call& at, reply<api_decision>&& d) mutable {
                  wrapped().decide(at, std::move(r), std::move(d));
              });
}

// ---- admin_service ----

void intercepting_admin_service::delete_app(const call& c, std::int64_t app_id,
                                            reply<oauth::done> done) {
    auto facts = admin_facts("delete_app", event_kind::uninstall);
    facts.app_id = app_id;
    intercept(hook_, c, std::move(facts), std::move(done),
              [this, app_id](const call& at, reply<oauth::done> d) { wrapped().delete_app(at, app_id, std::move(d)); });
}

void intercepting_admin_service::delete_hub(const call& c, std::int64_t hub_id,
                                            reply<oauth::done> done) {
    auto facts = admin_facts("delete_hub", event_kind::uninstall);
    facts.hub_id = hub_id;
    intercept(hook_, c, std::move(facts), std::move(done),
              [this, hub_id](const call& at, reply<oauth::done> d) { wrapped().delete_hub(at, hub_id, std::move(d)); });
}

void intercepting_admin_service::delete_user(const call& c, std::int64_t user_id,
                                             reply<oauth::done> done) {
    auto facts = admin_facts("delete_user", event_kind::uninstall);
    facts.user_id = user_id;
    intercept(hook_, c, std::move(facts), std::move(done),
              [this, user_id](const call& at, reply<oauth::done> d) { wrapped().delete_user(at, user_id, std::move(d)); });
}

void intercepting_admin_service::uninstall(const call& c, std::int64_t app_id, std::int64_t hub_id,
                                           reply<oauth::done> done) {
    auto facts = admin_facts("uninstall", event_kind::uninstall);
    facts.app_id = app_id;
    facts.hub_id = hub_id;
    intercept(hook_, c, std::move(facts), std::move(done),
              [this, app_id, hub_id](const call& at, reply<oauth::done> d) {
                  wrapped().uninstall(at, app_id, hub_id, std::move(d));
              });
}

void intercepting_admin_service::mint_code(const call& c, code_request request,
                                           reply<oauth::issued_code> done) {
    auto facts = admin_facts("mint_code", event_kind::code_issued);
    facts.client_id = request.client_id;
    facts.hub_id = request.hub_id;
    facts.user_id = request.user_id;
    facts.pkce_sent = !request.code_challenge.empty();
    intercept(hook_, c, std::move(facts), std::move(done),
              [this, r = std::move(request)](const call& at, reply<oauth::issued_code>&& d) mutable {
                  wrapped().mint_code(at, std::move(r), std::move(d));
              });
}

void intercepting_admin_service::advance_clock(const call& c, std::int64_t seconds,
                                               reply<clock_reading> done) {
    auto facts = admin_facts("advance_clock", event_kind::clock);
    intercept(hook_, c, std::move(facts), std::move(done),
              [this, seconds](const call& at, reply<clock_reading> d) {
                  wrapped().advance_clock(at, seconds, std::move(d));
              });
}

}  // namespace hsoauth::service
