#include "hsoauth/http/wire/admin/events_stream.hpp"

#include <limits>

#include "hsoauth/http/wire/admin/controls_json.hpp"

namespace hsoauth::http::wire::admin_api {

std::shared_ptr<events_stream> events_stream::open(service::controls_service& controls,
                                                   controls::event_query query, bool follow,
                                                   responder connection) {
    std::shared_ptr<events_stream> stream(
        new events_stream(controls, std::move(query), std::move(connection)));
    stream->follow_ = follow;
    if (follow) {
        std::weak_ptr<events_stream> weak = stream;
        stream->registration_ = controls.follow([weak] {
            if (auto self = weak.lock()) self->wake();
        });
        if (!stream->registration_) return nullptr;
    }
    return stream;
}

void events_stream::pull(deliver next) {
    std::shared_ptr<controls::follower> registration;
    {
        std::lock_guard lock(mutex_);
        if (!connection_) return;  // cancelled
        registration = registration_;
    }
    // Rearm before reading: an event recorded from here on wakes the stream again.
    if (registration) registration->rearm();
    controls::event_query q = query_;
    q.limit = std::min<std::size_t>(q.limit, 500);
    auto page = controls_.events(q);
    query_.since = page.next_since;
    if (!page.events.empty()) {
        std::string text;
        for (const auto& e : page.events) {
            text += admin_json::to_json(e).dump();
            text += '\n';
        }
        if (!follow_ && query_.limit != std::numeric_limits<std::size_t>::max()) {
            query_.limit -= std::min(query_.limit, page.events.size());
        }
        const bool last = !follow_ && (!page.more || query_.limit == 0);
        return next(std::move(text), last);
    }
    if (!follow_) return next({}, true);
    std::lock_guard lock(mutex_);
    if (!connection_) return;
    waiting_ = std::move(next);
}

void events_stream::wake() {
    // On the recording thread, under the journal's followers lock: only schedule the retry. It
    // runs on the connection's thread after the pull in progress there (if any) has parked its
    // `next`, so a wake between a pull's read and its parking is not lost.
    std::lock_guard lock(mutex_);
    if (!connection_) return;
    std::weak_ptr<events_stream> weak = weak_from_this();
    connection_->origin().defer([weak] {
        auto self = weak.lock();
        if (!self) return;
        deliver next;
        {
            std::lock_guard inner(self->mutex_);
            next = std::move(self->waiting_);
            self->waiting_ = nullptr;
        }
        if (next) self->pull(std::move(next));
    });
}

void events_stream::cancel() {
    std::shared_ptr<controls::follower> registration;
    std::optional<responder> connection;
    {
        std::lock_guard lock(mutex_);
        registration = std::move(registration_);
        connection = std::move(connection_);
        connection_.reset();
        waiting_ = nullptr;
    }
    // Released outside the lock: unregistering takes the journal's followers lock.
}

}  // namespace hsoauth::http::wire::admin_api
