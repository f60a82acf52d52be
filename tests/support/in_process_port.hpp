#pragma once
// A connection without a socket, for running requests through http::dispatch in-process (the
// fuzzers and the unit tests of the service seams): it collects the response and runs the work a
// handler posts or defers on the thread that dispatched the request, as the server's connection
// thread would, and holds a request's lease as the server's connections do (hold). One request
// per port.
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>

#include "hsoauth/http/responder.hpp"

namespace hsoauth::test {

class in_process_port final : public http::connection_port {
  public:
    void send(http::response r) override {
        std::shared_ptr<void> released;  // let go outside the lock
        const std::lock_guard lock(mutex_);
        ++sends_;
        response_ = std::move(r);
        released = std::move(lease_);
        ready_.notify_all();
    }

    void post(service::handed_work work) override {
        // The server runs work at once when already on the connection's thread.
        if (on_own_thread()) return work();
        const std::lock_guard lock(mutex_);
        posted_.push_back(std::move(work));
        ready_.notify_all();
    }

    // Without timers: defer_for (service::origin's) defers through here at once.
    void defer(std::function<void()> work) override {
        const bool own_thread = on_own_thread();
        const std::lock_guard lock(mutex_);
        if (own_thread && lease_) {
            posted_.push_back([lease = lease_, work = std::move(work)] { work(); });
        } else {
            posted_.push_back(std::move(work));
        }
        ready_.notify_all();
    }

    // The lease is kept until send(), and copied into what defer() queues from the dispatching
    // thread meanwhile (connection_port::hold's contract).
    void hold(std::shared_ptr<void> lease) override {
        const std::lock_guard lock(mutex_);
        lease_ = std::move(lease);
    }

    bool on_own_thread() const override { return std::this_thread::get_id() == owner_; }

    // Runs posted work until a response was sent (true) or `deadline` passed (false), then
    // runs whatever else was already posted.
    bool run_until_answered(std::chrono::steady_clock::time_point deadline) {
        std::unique_lock lock(mutex_);
        for (;;) {
            while (!posted_.empty()) {
                auto work = std::move(posted_.front());
                posted_.pop_front();
                lock.unlock();
                work();
                lock.lock();
            }
            if (sends_ > 0) return true;
            if (ready_.wait_until(lock, deadline) == std::cv_status::timeout && posted_.empty()) {
                return sends_ > 0;
            }
        }
    }

    int sends() {
        const std::lock_guard lock(mutex_);
        return sends_;
    }

    http::response take() {
        const std::lock_guard lock(mutex_);
        return std::move(response_);
    }

  private:
    const std::thread::id owner_ = std::this_thread::get_id();
    std::mutex mutex_;
    std::condition_variable ready_;
    std::deque<std::function<void()>> posted_;
    http::response response_;
    int sends_ = 0;
    std::shared_ptr<void> lease_;  // what the request holds until its answer is sent
};

}  // namespace hsoauth::test
