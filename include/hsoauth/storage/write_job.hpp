#pragma once
// A write, as the storage engine takes it: what to run inside the writer's transaction and what
// to call once the transaction is durable.
#include <exception>
#include <functional>

namespace hsoauth::storage {

class repository;

// `run` executes on the engine's writer thread inside a batch transaction, in its own savepoint:
// if it throws, its own changes are rolled back and the batch's other writes still commit.
// `complete` then executes once the batch is durable (after the WAL flush at synchronous FULL
// and EXTRA; after COMMIT otherwise), on a thread of the engine's: it gets nullptr on success or
// the exception that failed this write (its own, the batch's commit, or the flush). `complete`
// must not block: it hands its result to another thread. Either may be empty.
struct write_job {
    std::function<void(repository&)> run;
    std::function<void(std::exception_ptr)> complete;
};

}  // namespace hsoauth::storage
