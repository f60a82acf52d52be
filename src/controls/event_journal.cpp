#include "hsoauth/controls/event_journal.hpp"

#include <algorithm>

namespace hsoauth::controls {
namespace {

bool wanted(const event& e, const event_query& q) {
    if (!q.kinds.empty() && std::find(q.kinds.begin(), q.kinds.end(), e.kind) == q.kinds.end()) {
        return false;
    }
    if (q.client_id && e.client_id != *q.client_id) return false;
    if (q.hub_id && e.hub_id != *q.hub_id) return false;
    if (q.app_id && e.app_id != *q.app_id) return false;
    if (q.route && e.route != *q.route) return false;
    return true;
}

// Tokens the event shows to exist and whose they are: issued by a grant (also when a fault
// replaced the answer but the operation ran), or described by a metadata read.
bool shows_tokens(const event& e) {
    if (e.result != event_result::ok) return false;
    switch (e.kind) {
        case event_kind::code_exchange:
        case event_kind::refresh:
        case event_kind::app_token:
        case event_kind::introspection:
        case event_kind::fault:
        case event_kind::gateway:
            return true;
        default:
            return false;
    }
}

}  // namespace

follower::~follower() { journal_.unfollow(this); }

// The events' queue holds what it keeps between two drops: one event more than its cap.
// The token directories keep as many owners as there are events, and 1,024 at least.
event_journal::event_journal(journal_settings settings)
    : settings_(settings),
      events_(settings.max_events + 1),
      access_owners_(std::max<std::size_t>(settings.max_events, 1024)),
      refresh_owners_(std::max<std::size_t>(settings.max_events, 1024)) {}

std::string_view event_journal::intern(std::string_view text) {
    if (text.empty()) return {};
    for (const std::string_view name : recent_names_) {
        if (name == text) return name;
    }
    auto it = names_.find(text);
    if (it == names_.end()) {
        if (names_.size() >= 4096) return "other";  // route names are a small fixed set
        it = names_.emplace(text).first;
    }
    recent_names_[next_recent_] = *it;
    next_recent_ = (next_recent_ + 1) % recent_names_.size();
    return *it;
}

void event_journal::learn(const event& e) {
    if (!shows_tokens(e)) return;
    const token_owner owner{e.app_id, e.hub_id, e.user_id, e.client_id, e.refresh_id};
    if (e.access_id != 0) access_owners_.remember(e.access_id, owner);
    if (e.refresh_id != 0) {
        token_owner of_refresh = owner;
        of_refresh.refresh_id = 0;
        refresh_owners_.remember(e.refresh_id, of_refresh);
    }
}

void event_journal::record(event e, std::int64_t now_wall_ms) {
    if (!settings_.enabled) return;
    {
        std::lock_guard lock(mutex_);
        e.route = intern(e.route);
        e.version = intern(e.version);
        if (e.presented == token_kind::access || e.presented == token_kind::refresh) {
            const auto& owners = e.presented == token_kind::access ? access_owners_ : refresh_owners_;
            if (const token_owner* known = owners.find(e.presented_id)) {
                const token_owner& o = *known;
                if (e.app_id == 0) e.app_id = o.app_id;
                if (e.hub_id == 0) e.hub_id = o.hub_id;
                if (e.user_id == 0) e.user_id = o.user_id;
                if (e.client_id.empty()) e.client_id = o.client_id;
                if (e.presented == token_kind::access && e.refresh_id == 0) e.refresh_id = o.refresh_id;
            }
        }
        learn(e);
        e.id = next_id_++;
        events_.push_back(std::move(e));
        drop_old(now_wall_ms);
    }
    if (follower_count_.load(std::memory_order_acquire) == 0) return;
    std::lock_guard lock(followers_mutex_);
    for (follower* f : followers_) {
        if (!f->pending_.exchange(true, std::memory_order_acq_rel)) f->wake_();
    }
}

void event_journal::drop_old(std::int64_t now_wall_ms) {
    while (events_.size() > settings_.max_events) events_.pop_front();
    const std::int64_t oldest_kept = now_wall_ms - settings_.max_age_s * 1000;
    while (!events_.empty() && events_.front().wall_ms < oldest_kept) events_.pop_front();
}

event_page event_journal::query(const event_query& q, std::int64_t now_wall_ms) {
    event_page page;
    page.next_since = q.since;
    std::lock_guard lock(mutex_);
    drop_old(now_wall_ms);
    if (events_.empty()) return page;
    // Ids are consecutive: the first event after `since` is found by arithmetic.
    const std::uint64_t first_id = events_.front().id;
    std::size_t at = q.since < first_id ? 0 : static_cast<std::size_t>(q.since - first_id + 1);
    for (; at < events_.size(); ++at) {
        const event& e = events_[at];
        if (!wanted(e, q)) continue;
        if (page.events.size() == q.limit) {
            page.more = true;
            break;
        }
        page.events.push_back(e);
        page.next_since = e.id;
    }
    if (!page.more && !events_.empty()) page.next_since = std::max(page.next_since, events_.back().id);
    return page;
}

std::vector<event> event_journal::events_of_app(std::int64_t app_id, std::string_view client_id) const {
    std::vector<event> out;
    std::lock_guard lock(mutex_);
    for (std::size_t i = 0; i < events_.size(); ++i) {
        const event& e = events_[i];
        if ((app_id != 0 && e.app_id == app_id) || (!client_id.empty() && e.client_id == client_id)) {
            out.push_back(e);
        }
    }
    return out;
}

std::optional<token_owner> event_journal::owner_of(token_kind kind, std::int64_t id) const {
    std::lock_guard lock(mutex_);
    const auto& owners = kind == token_kind::access ? access_owners_ : refresh_owners_;
    if (kind != token_kind::access && kind != token_kind::refresh) return std::nullopt;
    if (const token_owner* known = owners.find(id)) return *known;
    return std::nullopt;
}

std::shared_ptr<follower> event_journal::follow(std::function<void()> wake) {
    std::lock_guard lock(followers_mutex_);
    if (followers_.size() >= settings_.max_followers) return nullptr;
    std::shared_ptr<follower> f(new follower(*this, std::move(wake)));
    followers_.push_back(f.get());
    follower_count_.store(followers_.size(), std::memory_order_release);
    return f;
}

void event_journal::unfollow(follower* f) {
    std::lock_guard lock(followers_mutex_);
    followers_.erase(std::remove(followers_.begin(), followers_.end(), f), followers_.end());
    follower_count_.store(followers_.size(), std::memory_order_release);
}

std::uint64_t event_journal::last_id() const {
    std::lock_guard lock(mutex_);
    return next_id_ - 1;
}

void event_journal::clear() {
    std::lock_guard lock(mutex_);
    events_.clear();
    access_owners_.clear();
    refresh_owners_.clear();
}

}  // namespace hsoauth::controls
