#pragma once
// The store's share of GET /metrics, engine-neutral: a store_observer that keeps the batch size,
// COMMIT and flush latency histograms, and a collector that adds the store's statistics (commits,
// failed batches, database and WAL bytes) and the storage faults set on purpose.
// Threads: the observer calls come from the engine's threads; collect() from any thread.
#include <atomic>
#include <cstdint>

#include "hsoauth/metrics/exposition.hpp"
#include "hsoauth/metrics/histogram.hpp"
#include "hsoauth/storage/store.hpp"
#include "hsoauth/storage/store_observer.hpp"

namespace hsoauth::storage {

class store_metrics final : public store_observer {
  public:
    store_metrics();

    void batch_finished(std::size_t jobs, bool committed, std::chrono::microseconds commit_time) override;
    void flushed(std::chrono::microseconds flush_time, bool ok) override;

    // hsoauth_store_* families, from `s`'s statistics and faults and this observer's histograms.
    void collect(metrics::exposition& out, const store& s) const;

  private:
    metrics::histogram batch_jobs_;
    metrics::histogram commit_;
    metrics::histogram flush_;
    std::atomic<std::uint64_t> failed_flushes_{0};
};

}  // namespace hsoauth::storage
