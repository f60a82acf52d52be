#pragma once
// A write, as the storage engine takes it: what to run inside the writer's transaction and what
// to call once the transaction is durable.
#include <exception>
#include <functional>

#include "hsoauth/util/inline_function.hpp"

namespace hsoauth::storage {

class repository;

// `run` executes on the engine's writer thread inside a batch transaction. With `own_savepoint`
// (the default) it runs in its own savepoint: if it throws, its own changes are rolled back and
// the batch's other writes still commit. Without, `run` promises to throw only when storage or
// memory fails, never to refuse: if it throws before changing anything it fails alone, as with a
// savepoint; if it throws after a change, its whole batch fails and is rolled back (nothing of the
// batch is acknowledged). That saves the savepoint's statements and SQLite's copy of every page it
// changes (the statement journal) on each write of the hot paths.
// `complete` then executes once the batch is durable (after the WAL flush at synchronous FULL
// and EXTRA; after COMMIT otherwise), on a thread of the engine's: it gets nullptr on success or
// the exception that failed this write (its own, the batch's commit, or the flush). `complete`
// must not block: it hands its result to another thread. Either may be empty. A `complete` that
// captures up to 32 bytes (a shared_ptr and a pointer) is kept without allocating.
struct write_job {
    std::function<void(repository&)> run;
    inline_function<void(std::exception_ptr), 32> complete;
    bool own_savepoint = true;
};

}  // namespace hsoauth::storage
