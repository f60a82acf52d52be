#pragma once
// What a store tells an observer (metrics, logs) about its writes, engine-neutral: each batch
// and each flush as it ends. Set with store::observe() before the first write.
// Threads: batch_finished on the engine's writer thread, flushed on its flush thread; both must
// be quick and must not block or call back into the store.
#include <chrono>
#include <cstddef>

namespace hsoauth::storage {

class store_observer {
  public:
    virtual ~store_observer() = default;

    // A batch transaction ended: `jobs` write jobs, committed (true) or rolled back whole
    // (false: the engine failed, every job of it failed). `commit_time` is the COMMIT's own
    // duration (zero when the batch never reached COMMIT).
    virtual void batch_finished(std::size_t jobs, bool committed, std::chrono::microseconds commit_time) = 0;

    // A flush that makes committed batches durable (a WAL fdatasync) ended, `ok` or failed.
    virtual void flushed(std::chrono::microseconds flush_time, bool ok) = 0;
};

}  // namespace hsoauth::storage
