#include "hsoauth/service/controls_interceptor.hpp"

#include <chrono>

namespace hsoauth::service {
namespace {

using controls::event_kind;
using controls::event_result;
using controls::token_kind;

bool is_client_authentication(oauth::errc code) {
    return code == oauth::errc::unknown_client || code == oauth::errc::wrong_client_secret ||
           code == oauth::errc::client_throttled || code == oauth::errc::bad_client_assertion;
}

}  // namespace

std::int64_t wall_clock_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

std::uint8_t secrets_in_query(std::string_view query) {
    std::uint8_t bits = 0;
    while (!query.empty()) {
        const auto amp = query.find('&');
        const std::string_view pair = query.substr(0, amp);
        const std::string_view name = pair.substr(0, pair.find('='));
        if (name == "client_secret") bits |= controls::url_client_secret;
        else if (name == "refresh_token") bits |= controls::url_refresh_token;
        else if (name == "access_token") bits |= controls::url_access_token;
        else if (name == "token") bits |= controls::url_token;
        else if (name == "code_verifier") bits |= controls::url_code_verifier;
        if (amp == std::string_view::npos) break;
        query.remove_prefix(amp + 1);
    }
    return bits;
}

verdict controls_interceptor::before(const call& c, const operation_facts& facts) {
    verdict v;
    if (journal_.enabled() && facts.on_success) {
        v.observe = true;
        v.started_ms = wall_clock_ms();
    }
    if (!facts.faultable || c.version == "admin" || !playbook_.has_rules()) return v;
    controls::fault_subject subject{c.route,           c.path,  c.method, facts.client_id,
                                    facts.grant_type,  c.version, facts.hub_id};
    if (subject.hub_id == 0 && facts.token_id != 0 && playbook_.needs_hub()) {
        // A token request names no hub; the journal may know the token's.
        if (const auto owner = journal_.owner_of(facts.token, facts.token_id)) subject.hub_id = owner->hub_id;
    }
    if (auto fired = playbook_.decide(subject, time_.now())) {
        if (fired_ != nullptr) fired_->fired(fired->action.kind, c.route);
        v.fault = std::make_shared<const controls::fired_fault>(std::move(*fired));
        v.observe = journal_.enabled();
        if (v.observe && v.started_ms == 0) v.started_ms = wall_clock_ms();
    }
    return v;
}

void controls_interceptor::after(const call& c, const operation_facts& facts, const verdict& v,
                                 const outcome_summary& s) {
    controls::event e;
    e.time = time_.now();
    e.wall_ms = v.started_ms;
    e.correlation_id = c.correlation_id;
    e.operation = facts.operation;
    e.route = c.route;
    e.version = c.version;
    e.client_id = facts.client_id.empty() ? std::string(s.client_id) : facts.client_id;
    e.app_id = facts.app_id ? facts.app_id : s.app_id;
    e.hub_id = facts.hub_id ? facts.hub_id : s.hub_id;
    e.user_id = facts.user_id ? facts.user_id : s.user_id;
    e.grant_type = facts.grant_type;
    e.presented = facts.token;
    e.presented_id = facts.token_id;
    if (facts.token == token_kind::access) e.access_id = facts.token_id;
    if (facts.token == token_kind::refresh) e.refresh_id = facts.token_id;
    if (s.access_id) e.access_id = s.access_id;
    if (s.refresh_id) e.refresh_id = s.refresh_id;
    e.result = s.result;
    e.code_fingerprint = facts.code_fingerprint;
    e.state_sent = facts.state_sent;
    e.pkce_sent = facts.pkce_sent;
    if (!c.query.empty()) e.url_secrets = secrets_in_query(c.query);

    answer_label label;
    if (s.result == event_result::refused && s.error) {
        e.error = s.error->code;
        label = labels_.of(c.version, *s.error);
        e.kind = is_client_authentication(s.error->code) ? event_kind::client_auth_failed : event_kind::refusal;
    } else if (s.result == event_result::failed && s.failed) {
        label = labels_.of(*s.failed);
        e.kind = event_kind::failure;
    } else {
        e.kind = facts.on_success.value_or(event_kind::refusal);
        if (s.gateway != nullptr) label = labels_.of(*s.gateway);
    }
    if (v.fault) {
        const auto& fault = *v.fault;
        e.kind = event_kind::fault;
        e.rule_id = fault.rule_id;
        e.fault = fault.action.kind;
        e.delay_ms = fault.action.delay_ms;
        if (fault.replaces_answer() || fault.breaks_delivery()) {
            label = labels_.of(fault);
            e.committed = s.result != event_result::not_run;
        }
    }
    e.status = label.status;
    e.hubspot_status = label.hubspot_status;
    e.retry_after_s = label.retry_after_s;
    journal_.record(std::move(e), wall_clock_ms());
}

}  // namespace hsoauth::service
