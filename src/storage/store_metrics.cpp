#include "hsoauth/storage/store_metrics.hpp"

namespace hsoauth::storage {

store_metrics::store_metrics()
    : batch_jobs_({1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024}, 1.0),
      commit_(metrics::latency_bounds_micros(), 1e6),
      flush_(metrics::latency_bounds_micros(), 1e6) {}

void store_metrics::batch_finished(std::size_t jobs, bool committed, std::chrono::microseconds commit_time) {
    batch_jobs_.observe(static_cast<std::int64_t>(jobs));
    if (committed) commit_.observe(commit_time.count());
}

void store_metrics::flushed(std::chrono::microseconds flush_time, bool ok) {
    flush_.observe(flush_time.count());
    if (!ok) failed_flushes_.fetch_add(1, std::memory_order_relaxed);
}

void store_metrics::collect(metrics::exposition& out, const store& s) const {
    const store_statistics stats = s.statistics();
    out.family("hsoauth_store_commits_total", "counter", "Write transactions committed.");
    out.sample("hsoauth_store_commits_total", {}, stats.commits);
    out.family("hsoauth_store_committed_writes_total", "counter", "Write jobs those transactions carried.");
    out.sample("hsoauth_store_committed_writes_total", {}, stats.committed_jobs);
    out.family("hsoauth_store_failed_batches_total", "counter",
               "Batches the storage engine rolled back whole (disk full, I/O error, read-only), each of its writes answered 503.");
    out.sample("hsoauth_store_failed_batches_total", {}, stats.failed_batches);
    out.family("hsoauth_store_flushes_total", "counter", "WAL flushes that acknowledged writes (synchronous FULL and EXTRA).");
    out.sample("hsoauth_store_flushes_total", {}, stats.flushes);
    out.family("hsoauth_store_failed_flushes_total", "counter", "WAL flushes that failed (their writes answered 503).");
    out.sample("hsoauth_store_failed_flushes_total", {}, failed_flushes_.load(std::memory_order_relaxed));
    out.family("hsoauth_store_batch_writes", "histogram", "Write jobs per batch transaction (group commit).");
    batch_jobs_.render(out, "hsoauth_store_batch_writes", {});
    out.family("hsoauth_store_commit_duration_seconds", "histogram", "Duration of each batch's COMMIT.");
    commit_.render(out, "hsoauth_store_commit_duration_seconds", {});
    out.family("hsoauth_store_flush_duration_seconds", "histogram", "Duration of each WAL flush (fdatasync).");
    flush_.render(out, "hsoauth_store_flush_duration_seconds", {});
    out.family("hsoauth_store_database_bytes", "gauge", "Size of the database file.");
    out.sample("hsoauth_store_database_bytes", {}, stats.database_bytes);
    out.family("hsoauth_store_wal_bytes", "gauge", "Size of the write-ahead log file.");
    out.sample("hsoauth_store_wal_bytes", {}, stats.wal_bytes);
    const storage_faults faults = s.faults();
    out.family("hsoauth_storage_faults", "gauge",
               "Storage faults set on purpose (PUT /admin/v1/storage-faults): read_only 1 when set, max_page_count the cap (0: none).");
    out.sample("hsoauth_storage_faults", {{"fault", "read_only"}}, static_cast<std::uint64_t>(faults.read_only ? 1 : 0));
    out.sample("hsoauth_storage_faults", {{"fault", "max_page_count"}}, static_cast<std::uint64_t>(faults.max_page_count));
}

}  // namespace hsoauth::storage
