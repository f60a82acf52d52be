// The Prometheus text the metrics module writes: families, escaping, histograms.
#include <doctest/doctest.h>

#include <stdexcept>
#include <string>

#include "hsoauth/metrics/exposition.hpp"
#include "hsoauth/metrics/histogram.hpp"
#include "hsoauth/metrics/registry.hpp"

using namespace hsoauth;

TEST_CASE("metrics: a family has HELP and TYPE lines; label values are escaped") {
    metrics::exposition out;
    out.family("hsoauth_things_total", "counter", "Things, with a \\ and a\nnewline.");
    out.sample("hsoauth_things_total", {{"kind", "a\"b\\c\nd"}}, std::uint64_t{3});
    out.sample("hsoauth_things_total", {}, 1.5);
    CHECK(out.text() ==
          "# HELP hsoauth_things_total Things, with a \\\\ and a\\nnewline.\n"
          "# TYPE hsoauth_things_total counter\n"
          "hsoauth_things_total{kind=\"a\\\"b\\\\c\\nd\"} 3\n"
          "hsoauth_things_total 1.5\n");
}

TEST_CASE("metrics: one family written twice is refused") {
    metrics::registry registry;
    registry.add([](metrics::exposition& out) { out.family("hsoauth_x", "gauge", "x"); });
    CHECK_NOTHROW(registry.render());
    registry.add([](metrics::exposition& out) { out.family("hsoauth_x", "gauge", "x again"); });
    CHECK_THROWS_AS(registry.render(), std::logic_error);
}

TEST_CASE("metrics: a histogram's buckets are cumulative, inclusive, and end in +Inf = count") {
    metrics::histogram h({10, 100}, 1e3);
    for (const std::int64_t value : {5, 10, 11, 100, 1000}) h.observe(value);
    metrics::exposition out;
    out.family("hsoauth_wait_seconds", "histogram", "Waits.");
    const metrics::label labels[] = {{"route", "token"}};
    h.render(out, "hsoauth_wait_seconds", labels);
    CHECK(out.text() ==
          "# HELP hsoauth_wait_seconds Waits.\n"
          "# TYPE hsoauth_wait_seconds histogram\n"
          "hsoauth_wait_seconds_bucket{route=\"token\",le=\"0.01\"} 2\n"
          "hsoauth_wait_seconds_bucket{route=\"token\",le=\"0.1\"} 4\n"
          "hsoauth_wait_seconds_bucket{route=\"token\",le=\"+Inf\"} 5\n"
          "hsoauth_wait_seconds_sum{route=\"token\"} 1.126\n"
          "hsoauth_wait_seconds_count{route=\"token\"} 5\n");
    CHECK(h.count() == 5);
}
