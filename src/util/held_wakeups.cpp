#include "hsoauth/util/held_wakeups.hpp"

#include <vector>

namespace hsoauth::util {
namespace {

struct held_wakeup {
    void (*wake)(void*);
    void* receiver;
};

// This thread's open scope: whether one is open, and what it holds.
struct thread_scope {
    bool open = false;
    std::vector<held_wakeup> held;
};

thread_local thread_scope scope;

}  // namespace

held_wakeups::held_wakeups() : outermost_(!scope.open) { scope.open = true; }

held_wakeups::~held_wakeups() {
    if (!outermost_) return;
    scope.open = false;
    // A wake-up may hand work over in turn (outside any scope now): it is sent at once.
    for (const auto& h : scope.held) h.wake(h.receiver);
    scope.held.clear();  // keeps its capacity for the next scope
}

bool held_wakeups::hold(void (*wake)(void*), void* receiver) {
    if (!scope.open) return false;
    scope.held.push_back({wake, receiver});
    return true;
}

}  // namespace hsoauth::util
