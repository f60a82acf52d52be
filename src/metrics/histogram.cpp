#include "hsoauth/metrics/histogram.hpp"

#include <charconv>
#include <string>

namespace hsoauth::metrics {

histogram::histogram(std::vector<std::int64_t> bounds, double per_unit)
    : bounds_(std::move(bounds)),
      per_unit_(per_unit),
      buckets_(std::make_unique<std::atomic<std::uint64_t>[]>(bounds_.size() + 1)) {}

void histogram::observe(std::int64_t value) {
    std::size_t i = 0;
    while (i < bounds_.size() && value > bounds_[i]) ++i;
    buckets_[i].fetch_add(1, std::memory_order_relaxed);
    sum_.fetch_add(value, std::memory_order_relaxed);
}

std::uint64_t histogram::count() const {
    std::uint64_t total = 0;
    for (std::size_t i = 0; i <= bounds_.size(); ++i) total += buckets_[i].load(std::memory_order_relaxed);
    return total;
}

void histogram::render(exposition& out, std::string_view family, std::span<const label> labels) const {
    std::vector<label> with_le(labels.begin(), labels.end());
    with_le.emplace_back("le", "");
    const std::string bucket_name = std::string(family) + "_bucket";
    std::uint64_t cumulative = 0;
    char text[32];
    for (std::size_t i = 0; i <= bounds_.size(); ++i) {
        cumulative += buckets_[i].load(std::memory_order_relaxed);
        if (i < bounds_.size()) {
            const auto end = std::to_chars(text, text + sizeof text, static_cast<double>(bounds_[i]) / per_unit_).ptr;
            with_le.back().second = std::string_view(text, static_cast<std::size_t>(end - text));
        } else {
            with_le.back().second = "+Inf";
        }
        out.sample(bucket_name, with_le, cumulative);
    }
    out.sample(std::string(family) + "_sum", labels,
               static_cast<double>(sum_.load(std::memory_order_relaxed)) / per_unit_);
    out.sample(std::string(family) + "_count", labels, cumulative);
}

std::vector<std::int64_t> latency_bounds_micros() {
    return {50, 100, 250, 500, 1000, 2500, 5000, 10000, 25000, 50000, 100000, 250000, 500000, 1000000, 2500000,
            10000000};
}

}  // namespace hsoauth::metrics
