// The integration report (controls/integration_report.hpp) over synthetic journals: each
// finding from the events that make it, with its count and first and last correlation id, and
// a clean report for a journal without them.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "hsoauth/controls/integration_report.hpp"

using namespace hsoauth;
using controls::event_kind;
using controls::event_result;
using controls::token_kind;
using oauth::errc;

namespace {

int next_corr = 0;

controls::event ev(event_kind kind, std::int64_t wall_ms = 0, std::string_view route = "token") {
    controls::event e;
    e.kind = kind;
    e.client_id = "client-a";
    e.route = route;
    e.version = "v1";
    e.wall_ms = wall_ms;
    e.correlation_id = "corr-" + std::to_string(++next_corr);
    return e;
}

controls::event refused(errc code, token_kind presented = token_kind::none, std::int64_t id = 0) {
    auto e = ev(code == errc::wrong_client_secret ? event_kind::client_auth_failed : event_kind::refusal);
    e.result = event_result::refused;
    e.error = code;
    e.presented = presented;
    e.presented_id = id;
    return e;
}

controls::event exchange(std::uint64_t code, std::int64_t access, std::int64_t refresh) {
    auto e = ev(event_kind::code_exchange);
    e.grant_type = "authorization_code";
    e.code_fingerprint = code;
    e.access_id = access;
    e.refresh_id = refresh;
    return e;
}

controls::event refresh_of(std::int64_t refresh, std::int64_t new_access, std::int64_t wall_ms = 0) {
    auto e = ev(event_kind::refresh, wall_ms);
    e.grant_type = "refresh_token";
    e.presented = token_kind::refresh;
    e.presented_id = refresh;
    e.refresh_id = refresh;
    e.access_id = new_access;
    return e;
}

controls::integration_report report_of(const std::vector<controls::event>& events) {
    return controls::build_report(1, "client-a", "App", events, {});
}

const controls::finding* find(const controls::integration_report& r, std::string_view id) {
    for (const auto& f : r.findings) {
        if (f.id == id) return &f;
    }
    for (const auto& f : r.notices) {
        if (f.id == id) return &f;
    }
    return nullptr;
}

}  // namespace

TEST_CASE("report: a journal of good behaviour is clean; v1 calls are a notice only") {
    const auto r = report_of({exchange(9, 1, 1), refresh_of(1, 2), refresh_of(1, 3)});
    CHECK(r.clean());
    CHECK(r.findings.empty());
    const auto* v1 = find(r, "v1_endpoints");
    REQUIRE(v1);
    CHECK(v1->level == controls::finding_level::notice);
    CHECK(v1->count == 3);
    REQUIRE(v1->breakdown.size() == 1);
    CHECK(v1->breakdown[0] == std::pair<std::string, std::int64_t>{"token", 3});
}

TEST_CASE("report: an expired access token used, then refreshed only after the 401") {
    auto expired = refused(errc::expired_token, token_kind::access, 1);
    expired.refresh_id = 1;  // attributed by the journal
    const auto r = report_of({exchange(9, 1, 1), expired, refresh_of(1, 2)});
    const auto* used = find(r, "expired_token_used");
    REQUIRE(used);
    CHECK(used->count == 1);
    CHECK(used->first_correlation_id == expired.correlation_id);
    const auto* late = find(r, "refreshed_after_401");
    REQUIRE(late);
    CHECK(late->count == 1);
    CHECK_FALSE(r.clean());
}

TEST_CASE("report: revoked or replaced tokens used again; a stranger's token is not counted") {
    const auto r = report_of({exchange(9, 1, 1), refused(errc::invalid_refresh_token, token_kind::refresh, 1),
                              refused(errc::unknown_token, token_kind::access, 1),
                              refused(errc::unknown_token, token_kind::access, 99)});
    const auto* f = find(r, "revoked_token_used");
    REQUIRE(f);
    CHECK(f->count == 2);
}

TEST_CASE("report: uninstalled app, replayed and late codes") {
    const auto replay = [] {
        auto e = refused(errc::unknown_code, token_kind::code);
        e.code_fingerprint = 9;
        return e;
    }();
    auto stranger = refused(errc::unknown_code, token_kind::code);
    stranger.code_fingerprint = 10;
    const auto r = report_of({exchange(9, 1, 1), replay, stranger, refused(errc::expired_code),
                              refused(errc::uninstalled_refresh_token, token_kind::refresh, 1)});
    REQUIRE(find(r, "code_replayed"));
    CHECK(find(r, "code_replayed")->count == 1);
    CHECK(find(r, "code_replayed")->first_correlation_id == replay.correlation_id);
    REQUIRE(find(r, "code_exchanged_late"));
    REQUIRE(find(r, "uninstalled_refresh_token"));
}

TEST_CASE("report: Retry-After ignored and 5xx retried without backoff, per client and endpoint") {
    auto limited = ev(event_kind::fault, 1000);
    limited.status = 429;
    limited.retry_after_s = 10;
    auto soon = ev(event_kind::refresh, 3000);
    auto failed = ev(event_kind::fault, 20000);
    failed.status = 502;
    auto at_once = ev(event_kind::refresh, 20010);
    auto patient_limit = ev(event_kind::fault, 30000);
    patient_limit.status = 429;
    patient_limit.retry_after_s = 10;
    auto other_endpoint = ev(event_kind::introspection, 30001, "access_token_metadata");
    auto after_wait = ev(event_kind::refresh, 40000);
    const auto r = report_of({limited, soon, failed, at_once, patient_limit, other_endpoint, after_wait});
    const auto* ignored = find(r, "retry_after_ignored");
    REQUIRE(ignored);
    CHECK(ignored->count == 1);
    CHECK(ignored->first_correlation_id == soon.correlation_id);
    const auto* hasty = find(r, "retry_without_backoff");
    REQUIRE(hasty);
    CHECK(hasty->count == 1);
    CHECK(hasty->first_correlation_id == at_once.correlation_id);
}

TEST_CASE("report: secrets in URLs and an authorize step without state or PKCE") {
    auto leaky = ev(event_kind::refresh);
    leaky.url_secrets = controls::url_client_secret | controls::url_refresh_token;
    auto bare = ev(event_kind::authorize, 0, "authorize");
    bare.version = "";
    auto careful = ev(event_kind::authorize, 0, "authorize");
    careful.version = "";
    careful.state_sent = true;
    careful.pkce_sent = true;
    const auto r = report_of({leaky, bare, careful});
    const auto* url = find(r, "secret_in_url");
    REQUIRE(url);
    CHECK(url->count == 2);
    CHECK(url->breakdown.size() == 2);
    REQUIRE(find(r, "authorize_without_state"));
    CHECK(find(r, "authorize_without_state")->count == 1);
    REQUIRE(find(r, "authorize_without_pkce"));
    CHECK(find(r, "authorize_without_pkce")->count == 1);
}

TEST_CASE("report: the admin API's own events are not the integration's doing") {
    auto minted = ev(event_kind::code_issued, 0, "admin.codes.create");
    minted.version = "admin";
    minted.url_secrets = controls::url_client_secret;
    const auto r = report_of({minted});
    CHECK(r.clean());
    CHECK(r.notices.empty());
}
