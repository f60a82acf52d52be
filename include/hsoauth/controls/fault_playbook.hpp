#pragma once
// One world's fault rules, tried in order: the first rule whose match keys all match and which
// is still live (not spent, inside its window) decides: it lets the request through while it
// skips, fires when its probability draw says so (always without one), and lets it through
// otherwise. Rules after it are not consulted. Thread-safe; deciding costs one atomic load while
// there are no rules.
#include <atomic>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string_view>
#include <vector>

#include "hsoauth/controls/fault_rule.hpp"

namespace hsoauth::controls {

// A request as the rules see it. Views are valid for the call only.
struct fault_subject {
    std::string_view route;
    std::string_view path;
    std::string_view method;
    std::string_view client_id;
    std::string_view grant_type;
    std::string_view version;
    std::int64_t hub_id = 0;  // 0: the request names no hub
};

// A rule and what it did so far.
struct rule_status {
    fault_rule rule;
    std::int64_t matched = 0;  // requests that reached it and matched
    std::int64_t fired = 0;
    bool spent = false;        // `times` used up
};

class fault_playbook {
  public:
    // Rules added without a seed get one drawn from `seeds`' sequence: a fixed `seeds` (a
    // deterministic run) makes their draws reproducible too.
    explicit fault_playbook(std::uint64_t seeds);

    // Checks the rule (check_rule), gives it the next id (and a seed when it has a probability
    // but none), and appends it. Returns the rule as stored, or check_rule's error.
    oauth::result<fault_rule> add(fault_rule rule);
    std::vector<rule_status> list() const;
    // False when no rule has that id.
    bool remove(std::int64_t id);
    void clear();

    // Whether any rule matches on hub_id (so that the caller looks a token's hub up only then).
    bool needs_hub() const { return needs_hub_.load(std::memory_order_relaxed); }
    // Whether any rule is loaded: without one, decide() would return nullopt, and the caller
    // need not read the clock or describe the request for it. One atomic load.
    bool has_rules() const { return count_.load(std::memory_order_acquire) != 0; }

    // The fault for `subject` at sandbox time `now`, counting the match and the firing; nullopt
    // when no rule fires.
    std::optional<fired_fault> decide(const fault_subject& subject, std::int64_t now);

  private:
    static bool matches(const fault_match& m, const fault_subject& s);
    void note_rules_changed();  // with mutex_ held

    mutable std::mutex mutex_;
    std::vector<rule_status> rules_;  // guarded by mutex_
    std::int64_t next_id_ = 1;        // guarded by mutex_
    std::uint64_t seeds_;             // guarded by mutex_
    std::atomic<std::size_t> count_{0};
    std::atomic<bool> needs_hub_{false};
};

// SplitMix64: the generator behind seeds and probability draws (not for secrets).
std::uint64_t splitmix64(std::uint64_t x);

}  // namespace hsoauth::controls
