#include "hsoauth/controls/fault_rule.hpp"

#include <array>
#include <utility>

namespace hsoauth::controls {
namespace {

using oauth::errc;

constexpr std::array<std::pair<fault_kind, std::string_view>, 9> kind_names{{
    {fault_kind::rate_limit, "rate_limit"},
    {fault_kind::server_error, "server_error"},
    {fault_kind::migration_in_progress, "migration_in_progress"},
    {fault_kind::locked, "locked"},
    {fault_kind::bad_refresh_token, "bad_refresh_token"},
    {fault_kind::expired_authentication, "expired_authentication"},
    {fault_kind::delay, "delay"},
    {fault_kind::reset, "reset"},
    {fault_kind::truncate, "truncate"},
}};

oauth::error bad(const char* field, std::string detail) {
    return oauth::make_error(errc::invalid_field, std::move(detail), field);
}

// The status each kind answers with; server_error's is chosen by the rule.
int fixed_status(fault_kind kind) {
    switch (kind) {
        case fault_kind::rate_limit: return 429;
        case fault_kind::migration_in_progress: return 477;
        case fault_kind::locked: return 423;
        case fault_kind::bad_refresh_token: return 400;
        case fault_kind::expired_authentication: return 401;
        case fault_kind::truncate: return 200;
        case fault_kind::server_error:
        case fault_kind::delay:
        case fault_kind::reset: return 0;
    }
    return 0;
}

}  // namespace

std::string_view name_of(fault_kind kind) {
    for (const auto& [k, name] : kind_names) {
        if (k == kind) return name;
    }
    return "unknown";
}

std::optional<fault_kind> fault_kind_named(std::string_view name) {
    for (const auto& [k, n] : kind_names) {
        if (n == name) return k;
    }
    return std::nullopt;
}

std::optional<oauth::error> check_rule(fault_rule& rule) {
    auto& a = rule.action;
    if (a.kind == fault_kind::server_error) {
        if (a.status == 0) a.status = 500;
        if (a.status != 500 && a.status != 502 && a.status != 503 && a.status != 504) {
            return bad("action.status", "a server_error answers 500, 502, 503 or 504");
        }
    } else {
        const int status = fixed_status(a.kind);
        if (a.status != 0 && a.status != status) {
            return bad("action.status", std::string(name_of(a.kind)) + " answers " +
                                            (status ? std::to_string(status) : "no status") +
                                            "; leave action.status out");
        }
        a.status = status;
    }
    const bool takes_retry_after = a.kind == fault_kind::rate_limit ||
                                   a.kind == fault_kind::migration_in_progress ||
                                   (a.kind == fault_kind::server_error && a.status == 503);
    if (!takes_retry_after && a.retry_after_s != 0) {
        return bad("action.retry_after", "only rate_limit, migration_in_progress and a 503 "
                                         "server_error carry Retry-After");
    }
    if (a.retry_after_s < 0 || a.retry_after_s > 86400) {
        return bad("action.retry_after", "Retry-After is 1 to 86400 seconds");
    }
    if (takes_retry_after && a.retry_after_s == 0) {
        a.retry_after_s = a.kind == fault_kind::rate_limit              ? 10
                          : a.kind == fault_kind::migration_in_progress ? 30
                                                                        : 1;
    }
    if (a.delay_ms < 0 || a.delay_ms > max_fault_delay_ms) {
        return bad("action.delay_ms", "delay_ms is 0 to " + std::to_string(max_fault_delay_ms));
    }
    if (a.kind == fault_kind::delay && a.delay_ms == 0) {
        return bad("action.delay_ms", "a delay needs delay_ms (1 to " +
                                          std::to_string(max_fault_delay_ms) + ")");
    }
    if (a.kind == fault_kind::delay && a.commit) {
        return bad("action.commit", "a delay always lets the operation run");
    }
    if (a.kind == fault_kind::truncate) a.commit = true;  // the answer to cut is the operation's
    if (rule.skip < 0) return bad("skip", "skip is a count of matches, 0 or more");
    if (rule.times && *rule.times < 1) return bad("times", "times is 1 or more");
    if (rule.probability && !(*rule.probability > 0.0 && *rule.probability <= 1.0)) {
        return bad("probability", "probability is more than 0 and at most 1");
    }
    if (rule.seed && !rule.probability) return bad("seed", "a seed goes with a probability");
    if (rule.window && rule.window->from && rule.window->until &&
        *rule.window->until <= *rule.window->from) {
        return bad("window", "the window ends before it starts");
    }
    if (const auto& method = rule.match.method) {
        if (method->empty() || method->size() > 16) return bad("match.method", "a method such as POST");
        for (const char c : *method) {
            if (c < 'A' || c > 'Z') return bad("match.method", "a method in capitals, such as POST");
        }
    }
    if (rule.match.path && (rule.match.path->empty() || rule.match.path->front() != '/')) {
        return bad("match.path", "a path pattern starts with '/'");
    }
    for (const auto* text : {&rule.match.route, &rule.match.path, &rule.match.client_id,
                             &rule.match.grant_type, &rule.match.version}) {
        if (*text && text->value().size() > 2048) return bad("match", "match values are at most 2048 characters");
    }
    if (rule.match.hub_id && *rule.match.hub_id <= 0) return bad("match.hub_id", "a hub id is positive");
    return std::nullopt;
}

bool path_matches(std::string_view pattern, std::string_view path) {
    // Backtracking over the last '*' or '**' seen, as glob matchers do; '{name}' is one
    // non-empty segment.
    std::size_t p = 0;
    std::size_t s = 0;
    std::size_t star_p = std::string_view::npos;  // pattern position after the last star
    std::size_t star_s = 0;                       // where that star's match ends so far
    bool star_crosses = false;                    // '**' (may cover '/')
    while (s < path.size()) {
        if (p < pattern.size() && pattern[p] == '*') {
            star_crosses = p + 1 < pattern.size() && pattern[p + 1] == '*';
            p += star_crosses ? 2 : 1;
            star_p = p;
            star_s = s;
            continue;
        }
        if (p < pattern.size() && pattern[p] == '{') {
            const auto close = pattern.find('}', p);
            if (close != std::string_view::npos) {
                const auto slash = path.find('/', s);
                const auto end = slash == std::string_view::npos ? path.size() : slash;
                if (end == s) return false;
                p = close + 1;
                s = end;
                continue;
            }
        }
        if (p < pattern.size() && pattern[p] == path[s]) {
            ++p;
            ++s;
            continue;
        }
        if (star_p != std::string_view::npos && (star_crosses || path[star_s] != '/')) {
            s = ++star_s;
            p = star_p;
            continue;
        }
        return false;
    }
    while (p < pattern.size() && pattern[p] == '*') ++p;
    return p == pattern.size();
}

}  // namespace hsoauth::controls
