#pragma once
// Wake-ups held back while one thread hands many results to other threads, then sent once each.
//
// A thread that completes a batch of work for other threads (the WAL's flush, acknowledging a
// batch of writes) hands each result over as it goes; the receiving thread's queue posts a
// wake-up with the first one only, but a receiver quick to wake may drain that one and sleep
// again, to be woken once more by the next. Inside a held_wakeups scope the receivers' queues hold
// their wake-up instead (hold()), and the scope's end sends each held one: every receiver wakes
// once for the whole batch, whatever the timing.
//
// Threads: a scope belongs to the thread that opened it; hold() acts on the calling thread's
// scope only. A scope opened while one is open on the same thread adds nothing: the outer one
// sends. The receiver handed to hold() must outlive the scope. No allocation once the thread's
// list has grown to the receivers it meets in one scope.
namespace hsoauth::util {

class held_wakeups {
public:
    held_wakeups();
    ~held_wakeups();  // sends every wake-up held in this scope, in the order they were held
    held_wakeups(const held_wakeups&) = delete;
    held_wakeups& operator=(const held_wakeups&) = delete;

    // With a scope open on this thread: keeps `wake(receiver)` for the scope's end and returns
    // true. Without one: returns false, and the caller wakes the receiver itself.
    static bool hold(void (*wake)(void* receiver), void* receiver);

private:
    bool outermost_;
};

}  // namespace hsoauth::util
