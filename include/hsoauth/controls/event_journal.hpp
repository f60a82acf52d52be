#pragma once
// One world's event journal: the events of the operations it served, in memory, oldest dropped
// first once there are more than max_events or they are older than max_age_s (real time). It
// also remembers whose tokens it saw issued or described (a bounded directory of token ids), so
// that a later refusal of such a token is attributed to its app, client, hub and user. It starts
// empty at each start of the server. Thread-safe.
#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "hsoauth/controls/event.hpp"
#include "hsoauth/controls/token_directory.hpp"
#include "hsoauth/util/block_queue.hpp"

namespace hsoauth::controls {

struct journal_settings {
    bool enabled = true;               // false: record nothing (queries answer empty)
    std::size_t max_events = 100000;   // kept at most
    std::int64_t max_age_s = 86400;    // kept at most this long (real time)
    std::size_t max_followers = 8;     // open follow streams at most
};

// Which events a query wants; every field given must match.
struct event_query {
    std::uint64_t since = 0;  // events after this id
    std::vector<event_kind> kinds;  // empty: any kind
    std::optional<std::string> client_id;
    std::optional<std::int64_t> hub_id;
    std::optional<std::int64_t> app_id;
    std::optional<std::string> route;
    std::size_t limit = 100;
};

struct event_page {
    std::vector<event> events;
    std::uint64_t next_since = 0;  // where the next page starts (since=)
    bool more = false;             // more matching events may follow next_since now
};

class event_journal;

// A follow stream's registration: while it lives, the journal calls `wake` after new events
// arrive, at most once until rearm() is called. Destroying it unregisters it.
class follower {
  public:
    ~follower();
    follower(const follower&) = delete;
    follower& operator=(const follower&) = delete;
    // Call before reading what is new, so that events recorded meanwhile wake again.
    void rearm() { pending_.store(false, std::memory_order_release); }

  private:
    friend class event_journal;
    follower(event_journal& journal, std::function<void()> wake)
        : journal_(journal), wake_(std::move(wake)) {}
    event_journal& journal_;
    std::function<void()> wake_;
    std::atomic<bool> pending_{false};
};

class event_journal {
  public:
    explicit event_journal(journal_settings settings);
    event_journal(const event_journal&) = delete;
    event_journal& operator=(const event_journal&) = delete;

    bool enabled() const { return settings_.enabled; }
    const journal_settings& settings() const { return settings_; }

    // Gives `e` the next id, fills its app, client, hub, user and refresh token from the
    // directory when it names a token the journal knows, learns the tokens it issued or
    // described, appends it, drops what retention says, and wakes the followers. `now_wall_ms`
    // is real time. Any thread.
    void record(event e, std::int64_t now_wall_ms);

    // A page of matching events, oldest first, after dropping what retention says.
    event_page query(const event_query& q, std::int64_t now_wall_ms);

    // Every kept event of an app (its id, or its client id when given), oldest first.
    std::vector<event> events_of_app(std::int64_t app_id, std::string_view client_id) const;

    // Whose the token of `kind` with row id `id` is, when the journal saw it.
    std::optional<token_owner> owner_of(token_kind kind, std::int64_t id) const;

    // A registration for a follow stream, or nullptr when max_followers are open. `wake` runs
    // on the thread that records an event, while the journal holds its followers' lock: it must
    // only schedule work (never run the stream at once) and never block.
    std::shared_ptr<follower> follow(std::function<void()> wake);

    // The id of the last event recorded (0: none).
    std::uint64_t last_id() const;
    // Forgets every event and every token owner (a sandbox reset: they name apps and tokens
    // that no longer exist). Ids go on from last_id(), so that a follower's or a pager's cursor
    // stays valid. Any thread.
    void clear();

  private:
    friend class follower;
    void drop_old(std::int64_t now_wall_ms);  // with mutex_ held
    std::string_view intern(std::string_view text);  // with mutex_ held
    void learn(const event& e);  // with mutex_ held
    void unfollow(follower* f);

    const journal_settings settings_;
    mutable std::mutex mutex_;
    block_queue<event> events_;            // guarded by mutex_
    std::uint64_t next_id_ = 1;            // guarded by mutex_
    std::set<std::string, std::less<>> names_;  // interned routes and versions; guarded by mutex_
    // The names interned last, looked at before names_ (a request's route and version mostly
    // repeat the last ones'): views into names_. Guarded by mutex_.
    std::array<std::string_view, 8> recent_names_{};
    std::size_t next_recent_ = 0;  // the slot the next name found in names_ takes; guarded by mutex_
    token_directory access_owners_;   // guarded by mutex_
    token_directory refresh_owners_;  // guarded by mutex_

    std::mutex followers_mutex_;
    std::vector<follower*> followers_;  // guarded by followers_mutex_
    std::atomic<std::size_t> follower_count_{0};
};

}  // namespace hsoauth::controls
