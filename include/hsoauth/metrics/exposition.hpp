#pragma once
// The Prometheus text exposition format (version 0.0.4), written one family at a time: a
// `# HELP` and a `# TYPE` line, then its samples. Label values are escaped as the format says
// (backslash, double quote and newline); names are the caller's and must be valid Prometheus
// names. Not thread-safe: one exposition per scrape.
#include <cstdint>
#include <initializer_list>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <utility>

namespace hsoauth::metrics {

using label = std::pair<std::string_view, std::string_view>;

class exposition {
  public:
    // Begins the family `name` of `type` ("counter", "gauge" or "histogram"). A family name given
    // twice in one exposition throws std::logic_error: two collectors claim the same metric.
    void family(std::string_view name, std::string_view type, std::string_view help);

    // One sample line: `name{labels} value`. `name` is the family's name, or for a histogram its
    // name with _bucket, _sum or _count.
    void sample(std::string_view name, std::span<const label> labels, double value);
    void sample(std::string_view name, std::span<const label> labels, std::uint64_t value);
    void sample(std::string_view name, std::initializer_list<label> labels, double value) {
        sample(name, std::span<const label>(labels.begin(), labels.size()), value);
    }
    void sample(std::string_view name, std::initializer_list<label> labels, std::uint64_t value) {
        sample(name, std::span<const label>(labels.begin(), labels.size()), value);
    }

    const std::string& text() const { return out_; }

  private:
    void begin_sample(std::string_view name, std::span<const label> labels);

    std::string out_;
    std::set<std::string, std::less<>> families_;
};

}  // namespace hsoauth::metrics
