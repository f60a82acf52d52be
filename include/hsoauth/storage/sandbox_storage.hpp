#pragma once
// Where the engine keeps the worlds of non-default sandboxes, and their snapshots: each sandbox
// is a store of its own (the root sandbox is the server's main store, outside this interface).
// The SQLite engine keeps a database file per sandbox and per snapshot (sqlite/sandbox_files.hpp);
// an engine over a shared server (PostgreSQL) would keep a schema per sandbox and copy schemas.
//
// Contract:
// - Ids are the caller's: lowercase letters, digits and '-', at most 64 characters (else
//   std::invalid_argument).
// - snapshot() and create_copy() copy the source's committed state, every acknowledged write
//   included, whether or not the source's store is open; the copy is durable before they return.
// - restore(), remove() and open() need the sandbox's store closed (no other open store on it).
// - A world or snapshot is made whole or not at all: a crash leaves either the old state or the
//   new one (remove_strays() removes the half-made files a crash can leave).
// - Engine failures throw storage_error.
// Threads: one caller at a time per sandbox; the registry calls these from its maintenance thread
// (open() also from a network thread, for a sandbox that thread waits for).
#include <cstdint>
#include <memory>
#include <set>
#include <string>

#include "hsoauth/storage/store.hpp"

namespace hsoauth::storage {

class sandbox_storage {
public:
    virtual ~sandbox_storage() = default;

    // A new, empty world: the current schema, no rows.
    virtual void create_empty(const std::string& sandbox_id) = 0;
    // A new world holding what the sandbox `source_id` holds now.
    virtual void create_copy(const std::string& sandbox_id, const std::string& source_id) = 0;
    // A new world holding what the snapshot holds.
    virtual void create_from_snapshot(const std::string& sandbox_id, const std::string& snapshot_id) = 0;

    // The store of an existing world.
    virtual std::unique_ptr<store> open(const std::string& sandbox_id) = 0;

    virtual void snapshot(const std::string& sandbox_id, const std::string& snapshot_id) = 0;
    // Puts the world back to the snapshot, wholly.
    virtual void restore(const std::string& sandbox_id, const std::string& snapshot_id) = 0;

    virtual void remove(const std::string& sandbox_id) = 0;
    virtual void remove_snapshot(const std::string& snapshot_id) = 0;
    // Removes every world and snapshot that is not listed.
    virtual void remove_strays(const std::set<std::string>& sandboxes, const std::set<std::string>& snapshots) = 0;

    // Bytes the world takes now (for listings); 0 when unknown.
    virtual std::int64_t size_bytes(const std::string& sandbox_id) = 0;
};

}  // namespace hsoauth::storage
