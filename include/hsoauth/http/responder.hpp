#pragma once
// How a handler answers. A handler may answer at once (reads) or later from another thread
// (after a write commits): the responder hops to the connection's own thread either way.
#include <functional>
#include <memory>

#include "hsoauth/http/message.hpp"
#include "hsoauth/service/call.hpp"

namespace hsoauth::http {

// The server's side of one connection, as handlers may use it. As a service::origin it runs
// deferred work on the connection's thread after the work already queued there, never at once.
class connection_port : public service::origin {
public:
    // Sends the response for the request being handled: at once on the connection's thread,
    // else after a hop to it (from another thread, prefer responder::hand_over, so that the
    // caller does not hold the last reference). Called at most once per request.
    virtual void send(response r) = 0;
    // Runs `work` on the connection's thread (at once when called there).
    virtual void post(service::handed_work work) = 0;
    // A write's completion comes back through post(): the server's connections queue it in
    // their thread's inbox, so that a flush's completions make one handler and one wake-up.
    void hand_back(service::handed_work work) override { post(std::move(work)); }
    // Whether the caller runs on the connection's thread.
    virtual bool on_own_thread() const = 0;
    // Sends `r` from another thread and gives up `self` (a reference to this port) on the
    // connection's thread, so that the caller never holds the last one. By default a hop
    // through post(); the server's connections queue the answer itself, without allocating.
    virtual void send_and_release(std::shared_ptr<connection_port> self, response r) {
        post([self = std::move(self), r = std::move(r)]() mutable { self->send(std::move(r)); });
    }
    // On the connection's thread, while a request is handled: keeps `lease` until the request's
    // answer has been sent, and copies it into the work deferred meanwhile (defer, defer_for)
    // from this thread, so that what the request uses (its sandbox, sandbox_front) outlives all
    // of it. Every port holds; the server's connections without allocating.
    virtual void hold(std::shared_ptr<void> lease) = 0;
};

class responder {
public:
    explicit responder(std::shared_ptr<connection_port> port) : port_(std::move(port)) {}
    // Thread-safe.
    void operator()(response r) const;
    // Runs `work` on the connection's thread; thread-safe.
    void post(service::handed_work work) const { port_->post(std::move(work)); }
    // The connection's thread, as the service layer sees it.
    service::origin& origin() const { return *port_; }
    // On the connection's thread: keeps `lease` for the request (connection_port::hold).
    void hold(std::shared_ptr<void> lease) const { port_->hold(std::move(lease)); }

    // From another thread: gives this responder up to `work`, which runs on the connection's
    // thread. The calling thread keeps no reference, so the connection is never destroyed there.
    void hand_over(std::function<void(responder&)> work) &&;
    // Sends `r` and gives this responder up, from any thread: at once on the connection's
    // thread, else through hand_over.
    void finish(response r) &&;

private:
    std::shared_ptr<connection_port> port_;
};

inline void responder::hand_over(std::function<void(responder&)> work) && {
    connection_port* port = port_.get();
    port->post([self = std::move(*this), work = std::move(work)]() mutable { work(self); });
}

inline void responder::operator()(response r) const { port_->send(std::move(r)); }

inline void responder::finish(response r) && {
    if (port_->on_own_thread()) {
        const auto self = std::move(*this);
        return self(std::move(r));
    }
    connection_port* port = port_.get();
    port->send_and_release(std::move(port_), std::move(r));
}

}  // namespace hsoauth::http
