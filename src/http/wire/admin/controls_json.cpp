#include "hsoauth/http/wire/admin/controls_json.hpp"

#include <fstream>
#include <limits>
#include <sstream>
#include <stdexcept>

namespace hsoauth::http::wire::admin_json {
namespace {

using nlohmann::json;
using oauth::errc;
using oauth::make_error;

constexpr std::size_t max_rules = 1000;

oauth::error invalid(const std::string& field, const std::string& what) {
    return make_error(errc::invalid_field, field + " " + what, field);
}

// Refuses keys of `object` other than `known` (and "_comments"), naming `prefix`.key.
std::optional<oauth::error> only_keys(const json& object, std::initializer_list<const char*> known,
                                      const std::string& prefix) {
    for (const auto& [key, value] : object.items()) {
        if (!key.empty() && key.front() == '_') continue;
        bool ok = false;
        for (const char* k : known) ok = ok || key == k;
        if (!ok) return invalid(prefix + key, "is not a key of a fault rule");
    }
    return std::nullopt;
}

std::optional<oauth::error> read_text(const json& object, const char* key, const std::string& prefix,
                                      std::optional<std::string>& out) {
    const auto it = object.find(key);
    if (it == object.end() || it->is_null()) return std::nullopt;
    if (!it->is_string()) return invalid(prefix + key, "must be a string");
    out = it->get<std::string>();
    return std::nullopt;
}

std::optional<oauth::error> read_int(const json& object, const char* key, const std::string& prefix,
                                     std::optional<std::int64_t>& out) {
    const auto it = object.find(key);
    if (it == object.end() || it->is_null()) return std::nullopt;
    if (!it->is_number_integer()) return invalid(prefix + key, "must be an integer");
    if (it->is_number_unsigned() && it->get<std::uint64_t>() > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
        return invalid(prefix + key, "is too large");
    }
    out = it->get<std::int64_t>();
    return std::nullopt;
}

#define HSOAUTH_READ(expr)                 \
    if (auto problem_ = (expr)) return std::move(*problem_)

oauth::result<controls::fault_match> parse_match(const json& m) {
    controls::fault_match out;
    if (!m.is_object()) return invalid("match", "must be an object");
    HSOAUTH_READ(only_keys(m, {"route", "path", "method", "client_id", "grant_type", "version", "hub_id"}, "match."));
    HSOAUTH_READ(read_text(m, "route", "match.", out.route));
    HSOAUTH_READ(read_text(m, "path", "match.", out.path));
    HSOAUTH_READ(read_text(m, "method", "match.", out.method));
    HSOAUTH_READ(read_text(m, "client_id", "match.", out.client_id));
    HSOAUTH_READ(read_text(m, "grant_type", "match.", out.grant_type));
    HSOAUTH_READ(read_text(m, "version", "match.", out.version));
    HSOAUTH_READ(read_int(m, "hub_id", "match.", out.hub_id));
    return out;
}

oauth::result<controls::fault_action> parse_action(const json& a) {
    controls::fault_action out;
    if (!a.is_object()) return invalid("action", "must be an object");
    HSOAUTH_READ(only_keys(a, {"kind", "status", "retry_after", "delay_ms", "commit"}, "action."));
    std::optional<std::string> kind;
    HSOAUTH_READ(read_text(a, "kind", "action.", kind));
    if (!kind) return make_error(errc::missing_field, "action.kind is required", "action.kind");
    const auto parsed = controls::fault_kind_named(*kind);
    if (!parsed) {
        return invalid("action.kind", "must be rate_limit, server_error, migration_in_progress, locked, "
                                      "bad_refresh_token, expired_authentication, delay, reset or truncate");
    }
    out.kind = *parsed;
    std::optional<std::int64_t> number;
    HSOAUTH_READ(read_int(a, "status", "action.", number));
    if (number) {
        if (*number < 100 || *number > 599) return invalid("action.status", "must be an HTTP status");
        out.status = static_cast<int>(*number);
    }
    number.reset();
    HSOAUTH_READ(read_int(a, "retry_after", "action.", number));
    if (number) out.retry_after_s = *number;
    number.reset();
    HSOAUTH_READ(read_int(a, "delay_ms", "action.", number));
    if (number) out.delay_ms = *number;
    if (const auto it = a.find("commit"); it != a.end() && !it->is_null()) {
        if (!it->is_boolean()) return invalid("action.commit", "must be true or false");
        out.commit = it->get<bool>();
    }
    return out;
}

oauth::result<controls::fault_window> parse_window(const json& w, std::int64_t now) {
    controls::fault_window out;
    if (!w.is_object()) return invalid("window", "must be an object");
    HSOAUTH_READ(only_keys(w, {"from", "until", "after_seconds", "for_seconds"}, "window."));
    HSOAUTH_READ(read_int(w, "from", "window.", out.from));
    HSOAUTH_READ(read_int(w, "until", "window.", out.until));
    std::optional<std::int64_t> after;
    std::optional<std::int64_t> lasts;
    HSOAUTH_READ(read_int(w, "after_seconds", "window.", after));
    HSOAUTH_READ(read_int(w, "for_seconds", "window.", lasts));
    constexpr std::int64_t century = 100LL * 365 * 86400;
    if ((after || lasts) && (out.from || out.until)) {
        return invalid("window", "takes from/until (sandbox times) or after_seconds/for_seconds, not both");
    }
    if (after) {
        if (*after < 0 || *after > century) return invalid("window.after_seconds", "must be 0 to 3153600000");
        out.from = now + *after;
    }
    if (lasts) {
        if (*lasts < 1 || *lasts > century) return invalid("window.for_seconds", "must be 1 to 3153600000");
        out.until = out.from.value_or(now) + *lasts;
    }
    if (!out.from && !out.until) return invalid("window", "needs from, until, after_seconds or for_seconds");
    return out;
}

}  // namespace

oauth::result<controls::fault_rule> parse_fault_rule(const json& body, std::int64_t sandbox_now) {
    if (!body.is_object()) return make_error(errc::malformed_request, "a fault rule is a JSON object");
    HSOAUTH_READ(only_keys(body, {"match", "action", "skip", "times", "probability", "seed", "window"}, ""));
    controls::fault_rule rule;
    if (const auto it = body.find("match"); it != body.end() && !it->is_null()) {
        auto match = parse_match(*it);
        if (!match) return match.err();
        rule.match = std::move(*match);
    }
    const auto action = body.find("action");
    if (action == body.end() || action->is_null()) {
        return make_error(errc::missing_field, "action is required", "action");
    }
    auto parsed_action = parse_action(*action);
    if (!parsed_action) return parsed_action.err();
    rule.action = *parsed_action;
    std::optional<std::int64_t> number;
    HSOAUTH_READ(read_int(body, "skip", "", number));
    if (number) rule.skip = *number;
    HSOAUTH_READ(read_int(body, "times", "", rule.times));
    if (const auto it = body.find("probability"); it != body.end() && !it->is_null()) {
        if (!it->is_number()) return invalid("probability", "must be a number");
        rule.probability = it->get<double>();
    }
    if (const auto it = body.find("seed"); it != body.end() && !it->is_null()) {
        if (!it->is_number_unsigned()) return invalid("seed", "must be a non-negative integer");
        rule.seed = it->get<std::uint64_t>();
    }
    if (const auto it = body.find("window"); it != body.end() && !it->is_null()) {
        auto window = parse_window(*it, sandbox_now);
        if (!window) return window.err();
        rule.window = *window;
    }
    return rule;
}

oauth::result<std::vector<controls::fault_rule>> parse_fault_list(const json& body,
                                                                  std::int64_t sandbox_now) {
    const json* list = &body;
    if (body.is_object()) {
        for (const auto& [key, value] : body.items()) {
            if (key != "faults" && (key.empty() || key.front() != '_')) {
                return invalid(key, "is not a key of a playbook (write {\"faults\": [rule, ...]})");
            }
        }
        const auto it = body.find("faults");
        if (it == body.end()) return make_error(errc::missing_field, "faults is required", "faults");
        list = &*it;
    }
    if (!list->is_array()) return invalid("faults", "must be an array of fault rules");
    if (list->size() > max_rules) return invalid("faults", "holds at most 1000 rules");
    std::vector<controls::fault_rule> rules;
    for (std::size_t i = 0; i < list->size(); ++i) {
        auto rule = parse_fault_rule((*list)[i], sandbox_now);
        if (!rule) {
            oauth::error e = rule.err();
            e.detail = "faults[" + std::to_string(i) + "]: " + e.detail;
            return e;
        }
        rules.push_back(std::move(*rule));
    }
    return rules;
}

namespace {

json read_json_file(const std::string& what, const std::string& path) {
    std::ifstream in(path);
    if (!in) throw std::runtime_error(what + " " + path + " cannot be read");
    std::stringstream text;
    text << in.rdbuf();
    auto doc = json::parse(text.str(), nullptr, false, true);
    if (doc.is_discarded()) throw std::runtime_error(what + " " + path + " is not JSON");
    return doc;
}

}  // namespace

std::vector<controls::fault_rule> read_fault_file(const std::string& path, std::int64_t sandbox_now) {
    const json doc = read_json_file("fault file", path);
    auto rules = parse_fault_list(doc, sandbox_now);
    if (!rules) throw std::runtime_error("fault file " + path + ": " + rules.err().detail);
    return std::move(*rules);
}

std::vector<controls::fault_rule> read_seed_file_faults(const std::string& path, std::int64_t sandbox_now) {
    const json doc = read_json_file("seed file", path);
    if (!doc.is_object() || !doc.contains("faults")) return {};
    auto rules = parse_fault_list(json{{"faults", doc["faults"]}}, sandbox_now);
    if (!rules) throw std::runtime_error("seed file " + path + ": " + rules.err().detail);
    return std::move(*rules);
}

json to_json(const controls::fault_rule& rule) {
    json match = json::object();
    const auto put = [&match](const char* key, const std::optional<std::string>& value) {
        if (value) match[key] = *value;
    };
    put("route", rule.match.route);
    put("path", rule.match.path);
    put("method", rule.match.method);
    put("client_id", rule.match.client_id);
    put("grant_type", rule.match.grant_type);
    put("version", rule.match.version);
    if (rule.match.hub_id) match["hub_id"] = *rule.match.hub_id;
    json action = {{"kind", controls::name_of(rule.action.kind)}, {"commit", rule.action.commit}};
    if (rule.action.status) action["status"] = rule.action.status;
    if (rule.action.retry_after_s) action["retry_after"] = rule.action.retry_after_s;
    if (rule.action.delay_ms) action["delay_ms"] = rule.action.delay_ms;
    json out = {{"id", rule.id}, {"match", match}, {"action", action}, {"skip", rule.skip}};
    if (rule.times) out["times"] = *rule.times;
    if (rule.probability) out["probability"] = *rule.probability;
    if (rule.seed) out["seed"] = *rule.seed;
    if (rule.window) {
        json window = json::object();
        if (rule.window->from) window["from"] = *rule.window->from;
        if (rule.window->until) window["until"] = *rule.window->until;
        out["window"] = window;
    }
    return out;
}

json to_json(const controls::rule_status& status) {
    json out = to_json(status.rule);
    out["matched"] = status.matched;
    out["fired"] = status.fired;
    out["spent"] = status.spent;
    return out;
}

json to_json(const controls::event& e) {
    json out = {{"id", e.id},
                {"time", e.time},
                {"wall_time_ms", e.wall_ms},
                {"correlation_id", e.correlation_id},
                {"kind", controls::name_of(e.kind)},
                {"operation", e.operation},
                {"route", e.route}};
    if (!e.version.empty()) out["version"] = e.version;
    if (!e.client_id.empty()) out["client_id"] = e.client_id;
    if (e.app_id) out["app_id"] = e.app_id;
    if (e.hub_id) out["hub_id"] = e.hub_id;
    if (e.user_id) out["user_id"] = e.user_id;
    if (!e.grant_type.empty()) out["grant_type"] = e.grant_type;
    if (e.presented != controls::token_kind::none) {
        json token = {{"kind", controls::name_of(e.presented)}};
        if (e.presented_id) token["id"] = e.presented_id;
        out["token"] = token;
    }
    if (e.access_id) out["access_token_id"] = e.access_id;
    if (e.refresh_id) out["refresh_token_id"] = e.refresh_id;
    json outcome = {{"result", controls::name_of(e.result)}};
    if (e.error) outcome["error"] = controls::name_of(*e.error);
    if (e.status) outcome["status"] = e.status;
    if (!e.hubspot_status.empty()) outcome["hubspot_status"] = e.hubspot_status;
    if (e.retry_after_s) outcome["retry_after"] = e.retry_after_s;
    out["outcome"] = outcome;
    if (e.kind == controls::event_kind::fault) {
        json fault = {{"rule_id", e.rule_id}, {"kind", controls::name_of(e.fault)}, {"committed", e.committed}};
        if (e.delay_ms) fault["delay_ms"] = e.delay_ms;
        out["fault"] = fault;
    }
    if (e.kind == controls::event_kind::authorize) {
        out["authorize"] = {{"state", e.state_sent}, {"pkce", e.pkce_sent}};
    }
    if (e.url_secrets) {
        json names = json::array();
        if (e.url_secrets & controls::url_client_secret) names.push_back("client_secret");
        if (e.url_secrets & controls::url_refresh_token) names.push_back("refresh_token");
        if (e.url_secrets & controls::url_access_token) names.push_back("access_token");
        if (e.url_secrets & controls::url_token) names.push_back("token");
        if (e.url_secrets & controls::url_code_verifier) names.push_back("code_verifier");
        out["url_secrets"] = names;
    }
    return out;
}

namespace {

json finding_json(const controls::finding& f) {
    json out = {{"id", f.id},
                {"title", f.title},
                {"count", f.count},
                {"first_correlation_id", f.first_correlation_id},
                {"last_correlation_id", f.last_correlation_id},
                {"advice", f.advice},
                {"link", f.link}};
    if (!f.breakdown.empty()) {
        json breakdown = json::object();
        for (const auto& [name, count] : f.breakdown) breakdown[name] = count;
        out["breakdown"] = breakdown;
    }
    return out;
}

}  // namespace

json to_json(const controls::integration_report& report) {
    json findings = json::array();
    for (const auto& f : report.findings) findings.push_back(finding_json(f));
    json notices = json::array();
    for (const auto& f : report.notices) notices.push_back(finding_json(f));
    return json{{"app_id", report.app_id},
                {"client_id", report.client_id},
                {"name", report.app_name},
                {"clean", report.clean()},
                {"summary", report.clean() ? std::string("clean: no findings")
                                           : std::to_string(report.findings.size()) + " finding(s)"},
                {"events", report.events},
                {"first_event_id", report.first_event_id},
                {"last_event_id", report.last_event_id},
                {"findings", findings},
                {"notices", notices}};
}

}  // namespace hsoauth::http::wire::admin_json
