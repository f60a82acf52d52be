#pragma once
// Everything GET /metrics shows, gathered from the parts that own it. A part that has something
// to count keeps its own atomics (or reads its own state) and adds a collector here at start-up;
// a scrape runs every collector in the order added and returns the Prometheus text. Later
// controls (fault playbooks, the gateway's decisions) register their families the same way, with
// names that start with `hsoauth_` and say their unit (docs/operations.md lists them).
// Threads: add() and render() from any thread (one mutex; a collector runs under it, so it must
// not call back into the registry). A collector must be cheap or bound its own cost.
#include <functional>
#include <mutex>
#include <string>
#include <vector>

#include "hsoauth/metrics/exposition.hpp"

namespace hsoauth::metrics {

class registry {
  public:
    using collector = std::function<void(exposition&)>;

    // `collect` writes one or more whole families. Everything it captures must outlive the
    // registry, or at least every scrape.
    void add(collector collect);

    // The text of every family. Throws std::logic_error when two collectors write one family.
    std::string render() const;

  private:
    mutable std::mutex mutex_;
    std::vector<collector> collectors_;  // guarded by mutex_
};

}  // namespace hsoauth::metrics
