#pragma once
// The sandbox use cases of the root admin API, wire-neutral: create (empty, from a seed, or as a
// copy of a sandbox or snapshot), list, describe, remove, snapshot and restore. Each operation
// answers through `done` once: reads at once on the calling thread, the rest from the
// registry's maintenance thread once durable. Thread-safe.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "hsoauth/admin/registry.hpp"
#include "hsoauth/service/call.hpp"
#include "hsoauth/service/outcome.hpp"
#include "hsoauth/storage/sandbox_records.hpp"

namespace hsoauth::service {

struct sandbox_info {
    std::string sandbox_id;
    std::string name;
    std::int64_t created_at = 0;     // server seconds (the root sandbox's clock)
    std::int64_t last_used_at = 0;   // the last request served under its prefix
    std::int64_t ttl_seconds = 0;    // removed once idle this long; 0: never
    std::vector<std::string> snapshots;  // snapshot ids, oldest first
    bool open = false;               // its store is open now (closed ones open on their next request)
};

struct sandbox_request {
    std::string name;
    std::optional<admin::seed_document> seed;  // applied after `from`, all or nothing
    std::string from;                          // a sandbox or snapshot id to copy; "": empty
    std::optional<std::int64_t> ttl_seconds;   // else the configured default
};

struct created_sandbox {
    sandbox_info info;
    std::string admin_key;  // the sandbox's own admin key: shown here once, stored as a digest
    std::optional<admin::seed_outcome> seeded;
};

class sandbox_service {
  public:
    virtual ~sandbox_service() = default;

    // client_throttled (429) at the configured cap; invalid_field when `from` names nothing or
    // the seed is refused (the registry's errors).
    virtual void create(const call& c, sandbox_request request, reply<created_sandbox> done) = 0;
    virtual void list(const call& c, reply<std::vector<sandbox_info>> done) = 0;
    // not_found for an unknown sandbox, in every operation below.
    virtual void describe(const call& c, std::string_view sandbox_id, reply<sandbox_info> done) = 0;
    virtual void remove(const call& c, std::string_view sandbox_id, reply<oauth::done> done) = 0;
    // client_throttled when the sandbox holds its maximum of snapshots.
    virtual void snapshot(const call& c, std::string_view sandbox_id, reply<storage::snapshot_record> done) = 0;
    // not_found also when the snapshot is not one of this sandbox's.
    virtual void restore(const call& c, std::string_view sandbox_id, std::string_view snapshot_id,
                         reply<sandbox_info> done) = 0;

    // Whether `presented` is the sandbox's own admin key (constant time); false when unknown.
    virtual bool owns_key(std::string_view sandbox_id, std::string_view presented) = 0;
};

}  // namespace hsoauth::service
