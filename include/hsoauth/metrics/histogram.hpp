#pragma once
// A Prometheus histogram over integer observations (microseconds, jobs, …) with fixed buckets.
// observe() is lock-free and wait-free (two relaxed atomic additions after a short scan of the
// bounds), from any thread; render() may run concurrently with it and then sees each
// observation in the bucket counts or not yet, so _count always equals the +Inf bucket.
#include <atomic>
#include <cstdint>
#include <memory>
#include <span>
#include <string_view>
#include <vector>

#include "hsoauth/metrics/exposition.hpp"

namespace hsoauth::metrics {

class histogram {
  public:
    // `bounds`: the buckets' inclusive upper bounds in the observed unit, ascending; they are
    // rendered (as `le`) and the sum divided by `per_unit`, the observations per rendered unit
    // (1e6 turns microseconds into seconds; 1 leaves counts as they are).
    histogram(std::vector<std::int64_t> bounds, double per_unit);
    histogram(const histogram&) = delete;
    histogram& operator=(const histogram&) = delete;

    void observe(std::int64_t value);

    // The _bucket, _sum and _count samples of `family` with `labels` (`le` is added).
    void render(exposition& out, std::string_view family, std::span<const label> labels) const;

    // Observations so far.
    std::uint64_t count() const;

  private:
    std::vector<std::int64_t> bounds_;
    double per_unit_;
    std::unique_ptr<std::atomic<std::uint64_t>[]> buckets_;  // bounds_.size() + 1, not cumulative
    std::atomic<std::int64_t> sum_{0};
};

// Bucket bounds in microseconds for request and storage latencies: 50 µs to 10 s.
std::vector<std::int64_t> latency_bounds_micros();

}  // namespace hsoauth::metrics
