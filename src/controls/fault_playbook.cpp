#include "hsoauth/controls/fault_playbook.hpp"

#include <algorithm>

namespace hsoauth::controls {

std::uint64_t splitmix64(std::uint64_t x) {
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

fault_playbook::fault_playbook(std::uint64_t seeds) : seeds_(seeds) {}

oauth::result<fault_rule> fault_playbook::add(fault_rule rule) {
    if (auto problem = check_rule(rule)) return std::move(*problem);
    std::lock_guard lock(mutex_);
    rule.id = next_id_++;
    if (rule.probability && !rule.seed) {
        seeds_ = splitmix64(seeds_);
        rule.seed = seeds_ >> 11;  // 53 bits: exact in a JSON number
    }
    rules_.push_back(rule_status{rule, 0, 0, false});
    note_rules_changed();
    return rule;
}

std::vector<rule_status> fault_playbook::list() const {
    std::lock_guard lock(mutex_);
    return rules_;
}

bool fault_playbook::remove(std::int64_t id) {
    std::lock_guard lock(mutex_);
    const auto it = std::find_if(rules_.begin(), rules_.end(),
                                 [id](const rule_status& r) { return r.rule.id == id; });
    if (it == rules_.end()) return false;
    rules_.erase(it);
    note_rules_changed();
    return true;
}

void fault_playbook::clear() {
    std::lock_guard lock(mutex_);
    rules_.clear();
    note_rules_changed();
}

void fault_playbook::note_rules_changed() {
    count_.store(rules_.size(), std::memory_order_release);
    needs_hub_.store(std::any_of(rules_.begin(), rules_.end(),
                                 [](const rule_status& r) { return r.rule.match.hub_id.has_value(); }),
                     std::memory_order_relaxed);
}

bool fault_playbook::matches(const fault_match& m, const fault_subject& s) {
    const auto same = [](const std::optional<std::string>& want, std::string_view have) {
        return !want || *want == have;
    };
    return same(m.route, s.route) && same(m.method, s.method) && same(m.client_id, s.client_id) &&
           same(m.grant_type, s.grant_type) && same(m.version, s.version) &&
           (!m.hub_id || *m.hub_id == s.hub_id) && (!m.path || path_matches(*m.path, s.path));
}

std::optional<fired_fault> fault_playbook::decide(const fault_subject& subject, std::int64_t now) {
    if (count_.load(std::memory_order_acquire) == 0) return std::nullopt;
    std::lock_guard lock(mutex_);
    for (auto& entry : rules_) {
        const fault_rule& rule = entry.rule;
        if (entry.spent) continue;
        if (rule.window) {
            if (rule.window->from && now < *rule.window->from) continue;
            if (rule.window->until && now >= *rule.window->until) continue;
        }
        if (!matches(rule.match, subject)) continue;
        const std::int64_t nth = entry.matched++;  // 0-based count of this rule's matches
        if (nth < rule.skip) return std::nullopt;
        if (rule.probability && *rule.probability < 1.0) {
            // The draw of the nth match depends only on the seed and n: a replay of the same
            // requests fires on the same ones.
            const std::uint64_t draw = splitmix64(*rule.seed ^ splitmix64(static_cast<std::uint64_t>(nth)));
            const double unit = static_cast<double>(draw >> 11) * (1.0 / 9007199254740992.0);
            if (unit >= *rule.probability) return std::nullopt;
        }
        ++entry.fired;
        if (rule.times && entry.fired >= *rule.times) entry.spent = true;
        return fired_fault{rule.id, rule.action, now};
    }
    return std::nullopt;
}

}  // namespace hsoauth::controls
