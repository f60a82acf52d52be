#pragma once
// The fault rules and event journals of the non-default sandboxes, by sandbox id, kept while a
// sandbox is closed (idle, or beyond max_open_sandboxes) so that it finds them again when it is
// opened; forgotten when the sandbox is removed (deleted, or idle past its TTL) or restored (a
// restore starts with no rules and an empty journal: docs/sandboxes.md). They live in
// memory, as the root world's do: a restart starts them empty. At most one memory per sandbox
// in the catalogue, each bounded by its journal's settings.
// Threads: any (one mutex, taken when a sandbox opens or is removed).
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include "hsoauth/service/world_controls.hpp"

namespace hsoauth::service {

class controls_keeper {
  public:
    // The memory of `sandbox_id`, made from `settings` the first time.
    std::shared_ptr<controls_memory> of(const std::string& sandbox_id, const controls_settings& settings);
    // Drops the memory of `sandbox_id` (the open site, if any, keeps its own until it closes).
    void forget(const std::string& sandbox_id);
    std::size_t size() const;

  private:
    mutable std::mutex mutex_;
    std::unordered_map<std::string, std::shared_ptr<controls_memory>> kept_;  // guarded by mutex_
};

}  // namespace hsoauth::service
