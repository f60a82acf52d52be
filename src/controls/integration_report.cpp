#include "hsoauth/controls/integration_report.hpp"

#include <algorithm>
#include <array>
#include <map>
#include <optional>
#include <set>
#include <unordered_map>

namespace hsoauth::controls {
namespace {

using oauth::errc;

constexpr std::string_view oauth_docs = "https://developers.hubspot.com/docs/api/working-with-oauth";
constexpr std::string_view quickstart_docs = "https://developers.hubspot.com/docs/api/oauth-quickstart-guide";
constexpr std::string_view error_docs = "https://developers.hubspot.com/docs/api/error-handling";
constexpr std::string_view limit_docs = "https://developers.hubspot.com/docs/api/usage-details";

// Every finding the report knows, in the order it lists them.
struct finding_spec {
    std::string_view id;
    std::string_view title;
    finding_level level;
    std::string_view advice;
    std::string_view link;
};

enum spec_index : std::size_t {
    expired_token_used,
    refreshed_after_401,
    revoked_token_used,
    uninstalled_refresh_token,
    code_replayed,
    code_exchanged_late,
    retry_after_ignored,
    retry_without_backoff,
    secret_in_url,
    authorize_without_state,
    authorize_without_pkce,
    v1_endpoints,
    spec_count,
};

constexpr std::array<finding_spec, spec_count> specs{{
    {"expired_token_used", "Used an access token after it expired", finding_level::problem,
     "Access tokens live expires_in seconds (30 minutes). Keep the expiry time with the token "
     "and refresh it before it runs out; a call with an expired token is answered 401 "
     "EXPIRED_AUTHENTICATION.",
     oauth_docs},
    {"refreshed_after_401", "Refreshed only after a 401 instead of before expires_in ran out",
     finding_level::problem,
     "Refresh the access token ahead of its expiry (for example when less than five minutes of "
     "expires_in remain) rather than waiting for a call to fail with 401.",
     oauth_docs},
    {"revoked_token_used", "Kept using a revoked or replaced token", finding_level::problem,
     "Once a token is revoked, or replaced by a newer one, drop it: store the tokens each grant "
     "returns and use only the latest.",
     oauth_docs},
    {"uninstalled_refresh_token", "Used a refresh token of an app that was uninstalled",
     finding_level::problem,
     "BAD_REFRESH_TOKEN after an uninstall means the account removed the app: stop refreshing "
     "for that account and ask the user to install the app again (the authorize step).",
     oauth_docs},
    {"code_replayed", "Replayed an authorization code", finding_level::problem,
     "An authorization code works once. Exchange it once and keep the tokens; a second exchange "
     "is refused and revokes the tokens the code gave.",
     quickstart_docs},
    {"code_exchanged_late", "Exchanged an authorization code after it expired",
     finding_level::problem,
     "Authorization codes are short-lived: exchange the code as soon as the redirect arrives.",
     quickstart_docs},
    {"retry_after_ignored", "Retried sooner than Retry-After said", finding_level::problem,
     "After a 429 (or 477, or a 503 with Retry-After), wait at least the seconds Retry-After "
     "gives before the next request.",
     limit_docs},
    {"retry_without_backoff", "Retried a 5xx without backing off", finding_level::problem,
     "Retry 5xx answers after a delay that grows with each attempt (exponential backoff), not at "
     "once.",
     error_docs},
    {"secret_in_url", "Sent a secret in a URL", finding_level::problem,
     "Client secrets and tokens go in the form body (or the Authorization header), never in the "
     "query string: URLs end up in logs, proxies and browser history.",
     oauth_docs},
    {"authorize_without_state", "Opened the authorize step without state", finding_level::problem,
     "Send a random, single-use state with every authorize URL and check it on the redirect, so "
     "that nobody can feed your callback a code of their own.",
     quickstart_docs},
    {"authorize_without_pkce", "Opened the authorize step without PKCE", finding_level::problem,
     "Send a code_challenge (S256) with the authorize URL and its code_verifier with the code "
     "exchange, so that a stolen code is useless.",
     quickstart_docs},
    {"v1_endpoints", "Still calls v1 OAuth endpoints", finding_level::notice,
     "HubSpot switches the v1 OAuth endpoints off on 2027-02-16: move to the dated versions, "
     "which take every token in the form body.",
     oauth_docs},
}};

// Counts of one finding as the events are read.
struct tally {
    std::int64_t count = 0;
    std::string first;
    std::string last;
    std::map<std::string, std::int64_t> breakdown;

    void note(const event& e, std::string_view detail = {}) {
        if (count++ == 0) first = e.correlation_id;
        last = e.correlation_id;
        if (!detail.empty()) ++breakdown[std::string(detail)];
    }
};

// An answer that told the client to wait before the next request of the same kind.
struct wait_told {
    std::int64_t not_before_ms = 0;
    bool retry_after = false;  // told by Retry-After (else: a 5xx, back off)
};

bool refused_with(const event& e, errc code) {
    return e.result == event_result::refused && e.error == code;
}

// Whether the operation ran to success (also when a fault then replaced or broke its answer).
bool succeeded(const event& e) { return e.result == event_result::ok; }

bool is_client_call(const event& e) { return e.version != "admin"; }

// The key of "the same request again": who asked, and which endpoint.
std::string retry_key(const event& e) {
    std::string key = e.client_id;
    if (key.empty() && e.presented_id != 0) {
        key = std::string(name_of(e.presented)) + ":" + std::to_string(e.presented_id);
    }
    if (key.empty()) return key;
    key += '\n';
    key += e.route;
    return key;
}

// What the answer of `e` told the client about waiting, if anything.
std::optional<wait_told> wait_of(const event& e, const report_settings& s) {
    if (e.status == 0) return std::nullopt;
    if (e.retry_after_s > 0 && (e.status == 429 || e.status == 477 || e.status >= 500)) {
        return wait_told{e.wall_ms + e.retry_after_s * 1000 - s.retry_after_tolerance_ms, true};
    }
    if (e.status >= 500) return wait_told{e.wall_ms + s.min_backoff_ms, false};
    return std::nullopt;
}

}  // namespace

integration_report build_report(std::int64_t app_id, std::string client_id, std::string app_name,
                                const std::vector<event>& events, const report_settings& settings) {
    integration_report report;
    report.app_id = app_id;
    report.client_id = std::move(client_id);
    report.app_name = std::move(app_name);
    report.events = events.size();
    if (!events.empty()) {
        report.first_event_id = events.front().id;
        report.last_event_id = events.back().id;
    }

    std::array<tally, spec_count> tallies;
    std::set<std::uint64_t> exchanged_codes;
    std::set<std::int64_t> issued_access;
    std::set<std::int64_t> issued_refresh;
    std::set<std::int64_t> expired_refresh;  // refresh tokens whose access token met a 401
    std::unordered_map<std::string, wait_told> waits;

    for (const event& e : events) {
        if (!is_client_call(e)) continue;

        // Retries: the first request after an answer that said to wait.
        const std::string key = retry_key(e);
        if (!key.empty()) {
            if (const auto it = waits.find(key); it != waits.end()) {
                if (e.wall_ms < it->second.not_before_ms) {
                    tallies[it->second.retry_after ? retry_after_ignored : retry_without_backoff].note(e);
                }
                waits.erase(it);
            }
            if (const auto told = wait_of(e, settings)) waits[key] = *told;
        }

        // The OAuth endpoints of v1 (an API call through the gateway on a v1 path is not one).
        if (e.version == "v1" && e.operation != "api_call") tallies[v1_endpoints].note(e, e.route);
        if (e.url_secrets != 0) {
            static constexpr std::array<std::pair<std::uint8_t, std::string_view>, 5> names{{
                {url_client_secret, "client_secret"},
                {url_refresh_token, "refresh_token"},
                {url_access_token, "access_token"},
                {url_token, "token"},
                {url_code_verifier, "code_verifier"},
            }};
            for (const auto& [bit, name] : names) {
                if (e.url_secrets & bit) tallies[secret_in_url].note(e, name);
            }
        }
        if (e.kind == event_kind::authorize) {
            if (!e.state_sent) tallies[authorize_without_state].note(e);
            if (!e.pkce_sent) tallies[authorize_without_pkce].note(e);
        }

        if (refused_with(e, errc::expired_token)) {
            tallies[expired_token_used].note(e);
            if (e.refresh_id != 0) expired_refresh.insert(e.refresh_id);
        }
        if (refused_with(e, errc::expired_code)) tallies[code_exchanged_late].note(e);
        if (refused_with(e, errc::uninstalled_refresh_token)) tallies[uninstalled_refresh_token].note(e);
        if (refused_with(e, errc::unknown_code) && e.code_fingerprint != 0 &&
            exchanged_codes.count(e.code_fingerprint)) {
            tallies[code_replayed].note(e);
        }
        if (refused_with(e, errc::unknown_token) || refused_with(e, errc::invalid_refresh_token)) {
            const bool known = (e.presented == token_kind::access && issued_access.count(e.presented_id)) ||
                               (e.presented == token_kind::refresh && issued_refresh.count(e.presented_id));
            if (known) tallies[revoked_token_used].note(e);
        }

        if (!succeeded(e)) continue;
        if (e.grant_type == "authorization_code" && e.code_fingerprint != 0) {
            exchanged_codes.insert(e.code_fingerprint);
        }
        if (e.grant_type == "refresh_token" && e.presented == token_kind::refresh &&
            expired_refresh.erase(e.presented_id) > 0) {
            tallies[refreshed_after_401].note(e);
        }
        if (!e.grant_type.empty()) {
            if (e.access_id != 0) issued_access.insert(e.access_id);
            if (e.refresh_id != 0) issued_refresh.insert(e.refresh_id);
        }
    }

    for (std::size_t i = 0; i < spec_count; ++i) {
        tally& t = tallies[i];
        if (t.count == 0) continue;
        const finding_spec& spec = specs[i];
        finding f;
        f.id = spec.id;
        f.title = spec.title;
        f.level = spec.level;
        f.count = t.count;
        f.first_correlation_id = std::move(t.first);
        f.last_correlation_id = std::move(t.last);
        f.advice = spec.advice;
        f.link = spec.link;
        f.breakdown.assign(t.breakdown.begin(), t.breakdown.end());
        (spec.level == finding_level::problem ? report.findings : report.notices).push_back(std::move(f));
    }
    return report;
}

}  // namespace hsoauth::controls
