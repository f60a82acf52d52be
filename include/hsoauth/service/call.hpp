#pragma once
// What the service layer knows of the request it serves: who asked (for logs and controls) and
// the thread it arrived on. Nothing of HTTP, JSON or wire versions.
#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "hsoauth/util/inline_function.hpp"

namespace hsoauth::service {

// Work handed to a request's thread from another (origin::hand_back): kept in place when it
// captures up to 32 bytes (a shared_ptr and a pointer), so a write's answer crosses unallocated.
using handed_work = inline_function<void(), 32>;

// The thread a request arrived on, as the service may use it. Implemented by the transport.
class origin {
  public:
    virtual ~origin() = default;
    // Runs `work` on the request's thread after the work already queued there (never at once).
    virtual void defer(std::function<void()> work) = 0;
    // Runs `work` on the request's thread once `delay` has passed, from a timer: no thread
    // waits meanwhile. An origin without timers (test doubles) defers it without waiting.
    virtual void defer_for(std::chrono::milliseconds delay, std::function<void()> work) {
        (void)delay;
        defer(std::move(work));
    }
    // From another thread (the storage engine's, a write's completion): runs `work` on the
    // request's thread, in order with the other work handed back. A transport may run what was
    // handed back meanwhile as one batch, at one wake-up of the thread. By default defer().
    virtual void hand_back(handed_work work) { defer(std::move(work)); }
};

// Who a request turned out to be about, noted by the service (or a decorator) for the request
// log: set while the request is served, read once its answer has been sent. Nothing secret.
struct call_notes {
    std::string client_id;    // the app's client_id, "" when unknown
    std::int64_t hub_id = 0;  // the hub, 0 when unknown

    void clear() {
        client_id.clear();
        hub_id = 0;
    }
};

// One request as the service sees it. Valid for the duration of the call into the service;
// a use case copies what it keeps.
struct call {
    std::string_view correlation_id;  // also in the answer, for support and the logs
    // The request's thread; null: not a network thread (start-up, command line, tests). Lives
    // until the answer is sent: a write's reply is handed back through it (origin::hand_back).
    origin* from = nullptr;
    std::string_view route;           // the endpoint's stable name ("token", "admin.apps.create"), for controls
    std::string_view version;         // the wire version that asked ("v1", "admin", …); "" when none
    std::string_view source;          // the caller's network address ("127.0.0.1", "::1"); "" when none
    // Where to note who the request is about (null: nobody listens). Lives until the answer is
    // sent: a reply may write it, on whatever thread it runs, before it answers.
    call_notes* notes = nullptr;
    // What only the transport sees, for the controls (fault rules match on the method and the
    // path; the journal notes secrets sent in the query string): never for the use case itself.
    std::string_view method = {};     // "POST", …
    std::string_view path = {};       // as sent, percent-encoded, without the query
    std::string_view query = {};      // after '?', "" when none
};

}  // namespace hsoauth::service
