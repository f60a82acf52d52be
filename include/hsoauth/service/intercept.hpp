#pragma once
// The one body every intercepting decorator's operations share: ask the interceptor, act on
// its verdict (a delay on the request's thread's timer, a fault instead of the operation), run
// the operation, tell the interceptor how it ended, answer.
#include <chrono>
#include <exception>
#include <memory>
#include <utility>

#include "hsoauth/service/interceptor.hpp"
#include "hsoauth/util/pooled_allocator.hpp"

namespace hsoauth::service {

// What `out` says, for the interceptor's after().
template <class T>
outcome_summary summary_of(const outcome<T>& out) {
    outcome_summary s;
    if (out.ok()) {
        learn(s, out.value());
    } else if (const auto* e = out.error()) {
        s.result = controls::event_result::refused;
        s.error = e;
    } else {
        s.result = controls::event_result::failed;
        s.failed = out.failed();
    }
    return s;
}

// Runs one operation under `hook`. `run(const call&, reply<T>&&)` calls the wrapped service and
// must own what it needs (it may run later, from a timer). `c` must stay valid until `done` is
// called, as the request behind it does. Without a delay, nothing is allocated in the steady
// state: the state shared by the operation and its tap on `done` is a pooled block.
template <class T, class Run>
void intercept(interceptor& hook, const call& c, operation_facts facts, reply<T>&& done, Run run) {
    verdict v = hook.before(c, facts);
    if (!v.fault && !v.observe) return run(c, std::move(done));  // nothing to do: no cost

    struct state {
        interceptor& hook;
        call at;
        operation_facts facts;
        verdict v;
    };
    auto s = std::allocate_shared<state>(pooled_allocator<state>{}, state{hook, c, std::move(facts), std::move(v)});
    const auto* fault = s->v.fault.get();
    const bool runs = !fault || fault->runs_operation();

    // Runs the operation (or answers with the fault in its place). On its way to `d`, the
    // operation's outcome is told to the interceptor and replaced by the fault when the fault
    // replaces the answer, or marked to be broken on its way when the fault says so.
    auto act = [s, runs, run = std::move(run)](reply<T>&& d) mutable {
        if (!runs) {
            outcome_summary skipped;
            skipped.result = controls::event_result::not_run;
            if (s->v.observe) s->hook.after(s->at, s->facts, s->v, skipped);
            return d(failure_of(s->v.fault));
        }
        d.tap([s](outcome<T>& out) {
            if (s->v.observe) s->hook.after(s->at, s->facts, s->v, summary_of(out));
            if (const auto& f = s->v.fault) {
                if (f->replaces_answer()) {
                    out = outcome<T>(failure_of(f));
                } else if (f->breaks_delivery()) {
                    out.break_delivery(f);
                }
            }
        });
        run(s->at, std::move(d));
    };

    const std::int64_t delay = s->v.fault ? s->v.fault->action.delay_ms : 0;
    if (delay <= 0 || c.from == nullptr) return act(std::move(done));
    // From the timer: a throw would leave the request's thread; answer it as a failure instead,
    // unless the operation already took the reply.
    c.from->defer_for(std::chrono::milliseconds(delay),
                      [act = std::move(act), done = std::move(done)]() mutable {
                          auto answered = std::make_shared<bool>(false);
                          const reply<T> original = done;
                          done.tap([answered](outcome<T>&) { *answered = true; });
                          try {
                              act(std::move(done));
                          } catch (...) {
                              if (!*answered) original(failure{std::current_exception()});
                          }
                      });
}

}  // namespace hsoauth::service
