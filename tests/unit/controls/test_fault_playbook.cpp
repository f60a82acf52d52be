// Fault rules (controls/fault_rule.hpp, fault_playbook.hpp): what a rule's values may be, which
// requests it matches, and when it fires: in order, after `skip`, at most `times`, inside its
// window, on a reproducible share of its matches.
#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "hsoauth/controls/fault_playbook.hpp"

using namespace hsoauth;
using controls::fault_kind;

namespace {

controls::fault_rule rule_of(fault_kind kind) {
    controls::fault_rule r;
    r.action.kind = kind;
    return r;
}

controls::fault_subject refresh_subject() {
    controls::fault_subject s;
    s.route = "token";
    s.path = "/oauth/v1/token";
    s.method = "POST";
    s.client_id = "client-a";
    s.grant_type = "refresh_token";
    s.version = "v1";
    return s;
}

// Which of `n` identical requests a fresh playbook with `rule` fires on ('x') or lets pass ('.').
std::string pattern(const controls::fault_rule& rule, int n, std::int64_t now = 1000) {
    controls::fault_playbook book(7);
    REQUIRE(book.add(rule));
    std::string out;
    for (int i = 0; i < n; ++i) out += book.decide(refresh_subject(), now) ? 'x' : '.';
    return out;
}

}  // namespace

TEST_CASE("controls: check_rule completes statuses and Retry-After, and names the field it refuses") {
    auto r = rule_of(fault_kind::server_error);
    REQUIRE_FALSE(controls::check_rule(r));
    CHECK(r.action.status == 500);
    r.action.status = 503;
    REQUIRE_FALSE(controls::check_rule(r));
    CHECK(r.action.retry_after_s == 1);

    auto limit = rule_of(fault_kind::rate_limit);
    REQUIRE_FALSE(controls::check_rule(limit));
    CHECK(limit.action.status == 429);
    CHECK(limit.action.retry_after_s == 10);
    auto moving = rule_of(fault_kind::migration_in_progress);
    REQUIRE_FALSE(controls::check_rule(moving));
    CHECK(moving.action.status == 477);
    CHECK(moving.action.retry_after_s == 30);
    auto cut = rule_of(fault_kind::truncate);
    REQUIRE_FALSE(controls::check_rule(cut));
    CHECK(cut.action.commit);

    const auto refused = [](controls::fault_rule bad) {
        const auto e = controls::check_rule(bad);
        return e ? e->field : std::string("(accepted)");
    };
    auto bad_status = rule_of(fault_kind::server_error);
    bad_status.action.status = 501;
    CHECK(refused(bad_status) == "action.status");
    auto locked_with_status = rule_of(fault_kind::locked);
    locked_with_status.action.status = 500;
    CHECK(refused(locked_with_status) == "action.status");
    auto retry_on_locked = rule_of(fault_kind::locked);
    retry_on_locked.action.retry_after_s = 5;
    CHECK(refused(retry_on_locked) == "action.retry_after");
    CHECK(refused(rule_of(fault_kind::delay)) == "action.delay_ms");
    auto too_long = rule_of(fault_kind::delay);
    too_long.action.delay_ms = controls::max_fault_delay_ms + 1;
    CHECK(refused(too_long) == "action.delay_ms");
    auto no_times = rule_of(fault_kind::locked);
    no_times.times = 0;
    CHECK(refused(no_times) == "times");
    auto odd = rule_of(fault_kind::locked);
    odd.probability = 1.5;
    CHECK(refused(odd) == "probability");
    auto seed_alone = rule_of(fault_kind::locked);
    seed_alone.seed = 3;
    CHECK(refused(seed_alone) == "seed");
    auto empty_window = rule_of(fault_kind::locked);
    empty_window.window = controls::fault_window{100, 100};
    CHECK(refused(empty_window) == "window");
    auto lower = rule_of(fault_kind::locked);
    lower.match.method = "post";
    CHECK(refused(lower) == "match.method");
    auto relative = rule_of(fault_kind::locked);
    relative.match.path = "oauth/v1/token";
    CHECK(refused(relative) == "match.path");
}

TEST_CASE("controls: path patterns take {name} for a segment, * within a segment, ** across") {
    CHECK(controls::path_matches("/oauth/v1/token", "/oauth/v1/token"));
    CHECK_FALSE(controls::path_matches("/oauth/v1/token", "/oauth/v1/tokens"));
    CHECK(controls::path_matches("/oauth/v1/access-tokens/{token}", "/oauth/v1/access-tokens/CAAA"));
    CHECK_FALSE(controls::path_matches("/oauth/v1/access-tokens/{token}", "/oauth/v1/access-tokens/"));
    CHECK_FALSE(controls::path_matches("/oauth/v1/access-tokens/{token}", "/oauth/v1/access-tokens/a/b"));
    CHECK(controls::path_matches("/oauth/v1/*-tokens/*", "/oauth/v1/refresh-tokens/na1-x"));
    CHECK_FALSE(controls::path_matches("/oauth/*", "/oauth/v1/token"));
    CHECK(controls::path_matches("/oauth/**", "/oauth/v1/token"));
    CHECK(controls::path_matches("/oauth/**/token", "/oauth/v1/token"));
    CHECK(controls::path_matches("**", "/anything/at/all"));
}

TEST_CASE("controls: a rule matches only when every key it names matches") {
    controls::fault_playbook book(1);
    auto r = rule_of(fault_kind::locked);
    r.match.route = "token";
    r.match.method = "POST";
    r.match.client_id = "client-a";
    r.match.grant_type = "refresh_token";
    r.match.version = "v1";
    r.match.hub_id = 62515;
    r.match.path = "/oauth/*/token";
    REQUIRE(book.add(r));
    auto s = refresh_subject();
    CHECK_FALSE(book.decide(s, 0));  // no hub known
    s.hub_id = 62515;
    CHECK(book.decide(s, 0));
    for (auto change : std::vector<void (*)(controls::fault_subject&)>{
             [](controls::fault_subject& x) { x.route = "access_token_metadata"; },
             [](controls::fault_subject& x) { x.method = "GET"; },
             [](controls::fault_subject& x) { x.client_id = "client-b"; },
             [](controls::fault_subject& x) { x.grant_type = "authorization_code"; },
             [](controls::fault_subject& x) { x.version = "2026-03"; },
             [](controls::fault_subject& x) { x.hub_id = 1; },
             [](controls::fault_subject& x) { x.path = "/oauth/v1/token/introspect"; },
         }) {
        auto other = s;
        change(other);
        CHECK_FALSE(book.decide(other, 0));
    }
    CHECK(book.needs_hub());
}

TEST_CASE("controls: the first live matching rule decides; spent rules step aside") {
    controls::fault_playbook book(1);
    auto first = rule_of(fault_kind::server_error);
    first.times = 2;
    auto second = rule_of(fault_kind::locked);
    REQUIRE(book.add(first));
    REQUIRE(book.add(second));
    const auto s = refresh_subject();
    CHECK(book.decide(s, 0)->action.kind == fault_kind::server_error);
    CHECK(book.decide(s, 0)->action.kind == fault_kind::server_error);
    const auto third = book.decide(s, 0);
    REQUIRE(third);
    CHECK(third->action.kind == fault_kind::locked);
    CHECK(third->rule_id == 2);
    const auto listed = book.list();
    REQUIRE(listed.size() == 2);
    CHECK(listed[0].fired == 2);
    CHECK(listed[0].spent);
    CHECK(listed[1].fired == 1);
    CHECK(book.remove(2));
    CHECK_FALSE(book.remove(2));
    CHECK_FALSE(book.decide(s, 0));
    book.clear();
    CHECK(book.list().empty());
}

TEST_CASE("controls: skip lets matches through, then times caps the firing") {
    auto r = rule_of(fault_kind::server_error);
    r.skip = 2;
    r.times = 1;
    CHECK(pattern(r, 5) == "..x..");
    r.times.reset();
    CHECK(pattern(r, 5) == "..xxx");
}

TEST_CASE("controls: a probability fires on the same matches for the same seed") {
    auto r = rule_of(fault_kind::server_error);
    r.probability = 0.3;
    r.seed = 42;
    const std::string a = pattern(r, 200);
    CHECK(a == pattern(r, 200));
    const auto fired = std::count(a.begin(), a.end(), 'x');
    CHECK(fired > 30);
    CHECK(fired < 90);
    r.seed = 43;
    CHECK(pattern(r, 200) != a);
    // Without a seed the playbook picks one from its own sequence, and says which.
    controls::fault_playbook book(99);
    auto unseeded = rule_of(fault_kind::server_error);
    unseeded.probability = 0.5;
    const auto added = book.add(unseeded);
    REQUIRE(added);
    REQUIRE(added->seed);
    controls::fault_playbook again(99);
    CHECK(again.add(unseeded)->seed == added->seed);
}

TEST_CASE("controls: a window on the sandbox clock gates the rule") {
    auto r = rule_of(fault_kind::locked);
    r.window = controls::fault_window{1000, 1060};
    CHECK(pattern(r, 1, 999) == ".");
    CHECK(pattern(r, 1, 1000) == "x");
    CHECK(pattern(r, 1, 1059) == "x");
    CHECK(pattern(r, 1, 1060) == ".");
}
