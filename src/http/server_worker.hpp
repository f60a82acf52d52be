#pragma once
// The network threads of http::server: each runs one io_context with the sessions living on it,
// sweeps their deadlines and takes in work and answers from other threads. Private to
// src/http/ (Asio: included by server*.cpp only).
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/error.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <unordered_set>
#include <vector>

#include "hsoauth/http/message.hpp"
#include "hsoauth/http/responder.hpp"
#include "hsoauth/util/held_wakeups.hpp"

namespace hsoauth::http::detail {

// Internal linkage, as when this lived in server.cpp: the header is included by server.cpp
// alone, and the compiler may then inline the per-request path across it.
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
using steady = std::chrono::steady_clock;

// What every session type offers the drain, whatever its stream.
class session_base : public connection_port {
public:
    // Drain: a connection that is not handling a request is closed now.
    virtual void close_if_idle() = 0;
    // The read or write under way has outlived its deadline (server_limits) at `now`: the
    // connection is closed, and the operation completes with an error.
    virtual void close_if_late(steady::time_point now) = 0;
};

// One network thread: its io_context and the sessions living on it (touched only from it).
// `sessions` is declared first so that it outlives the sessions the io_context destroys; the
// inbox after `ctx`, so that work still in it (holding sessions) goes while their sockets' context lives.
struct worker {
    std::unordered_set<session_base*> sessions;
    asio::io_context ctx{1};
    // Closes the sessions whose deadline has passed, every `tick`: one timer per thread instead
    // of one per read and write (Beast's tcp_stream deadlines each cost a timer operation).
    // Started by server::run; a deadline is enforced at most one tick late, never early.
    asio::steady_timer sweep_timer{ctx};
    std::vector<session_base*> late;  // this thread only

    void sweep_every(std::chrono::milliseconds tick) {
        sweep_timer.expires_after(tick);
        sweep_timer.async_wait([this, tick](beast::error_code ec) {
            if (ec) return;
            const auto now = steady::now();
            late.assign(sessions.begin(), sessions.end());  // closing never destroys a session at once
            for (auto* s : late) s->close_if_late(now);
            late.clear();
            sweep_every(tick);
        });
    }

    // Runs `work` on this thread, from any other. Work handed over while earlier work still
    // waits joins it: a batch of write completions costs one handler and at most one wake-up.
    void hand_in(service::handed_work work) { hand_in(inbox_entry{std::move(work), nullptr, {}}); }

    // Sends `answer` on `port`'s connection from this thread, then drops `port` there; from any
    // other thread, in order with hand_in's work. Allocates nothing once the inbox has grown.
    void hand_in(std::shared_ptr<connection_port> port, response answer) {
        hand_in(inbox_entry{nullptr, std::move(port), std::move(answer)});
    }

private:
    // Work to run, or an answer to send on a port.
    struct inbox_entry {
        service::handed_work work;
        std::shared_ptr<connection_port> port;
        response answer;
    };

    void hand_in(inbox_entry entry) {
        {
            std::lock_guard lock(inbox_mutex);
            inbox.push_back(std::move(entry));
            if (inbox_drain_posted) return;
            inbox_drain_posted = true;
        }
        // Handing over a batch (util::held_wakeups, as a flush's acknowledgements do): the drain is
        // posted at the batch's end, once, however quickly this thread would drain each entry.
        if (util::held_wakeups::hold(&worker::post_drain, this)) return;
        post_drain(this);
    }

    static void post_drain(void* self) {
        auto* const w = static_cast<worker*>(self);
        asio::post(w->ctx, [w] { w->drain_inbox(); });
    }

    void drain_inbox() {
        {
            std::lock_guard lock(inbox_mutex);
            running.swap(inbox);
            inbox_drain_posted = false;
        }
        for (auto& entry : running) {
            if (entry.port) {
                const auto port = std::move(entry.port);
                port->send(std::move(entry.answer));
            } else {
                entry.work();
            }
        }
        running.clear();  // keeps its capacity for the next drain
    }

    std::mutex inbox_mutex;
    std::vector<inbox_entry> inbox;     // guarded by inbox_mutex
    bool inbox_drain_posted = false;    // guarded by inbox_mutex
    std::vector<inbox_entry> running;   // this thread only
};

}  // namespace
}  // namespace hsoauth::http::detail
