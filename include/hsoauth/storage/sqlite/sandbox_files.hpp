#pragma once
// storage::sandbox_storage over a directory of SQLite files:
//   DIR/<sandbox>.db             one sandbox's world (WAL beside it while its store is open)
//   DIR/snapshots/<snapshot>.db  one snapshot
//   DIR/template.db              an empty world, migrated and vacuumed once at start: a new
//                                sandbox is a copy of it, never a migration
// Copies go to a temporary name, are flushed, then renamed into place (and the directory
// flushed), so a crash leaves a whole old file or a whole new one. Snapshots and copies of a
// live sandbox use SQLite's online backup API from a connection of their own, which reads one
// consistent snapshot of the committed state while the sandbox's writer goes on.
#include <string>

#include "hsoauth/storage/sandbox_storage.hpp"
#include "hsoauth/storage/sqlite/sqlite_store.hpp"

namespace hsoauth::storage::sqlite {

class sandbox_files final : public sandbox_storage {
public:
    // Creates `dir` (and snapshots/) when missing and writes the template. `options`: how each
    // sandbox's store is opened (its path is set per sandbox; max_page_count is the sandbox's
    // size cap, which storage faults cannot lift). Throws storage_error, std::filesystem_error.
    sandbox_files(std::string dir, store_options options);

    void create_empty(const std::string& sandbox_id) override;
    void create_copy(const std::string& sandbox_id, const std::string& source_id) override;
    void create_from_snapshot(const std::string& sandbox_id, const std::string& snapshot_id) override;
    std::unique_ptr<store> open(const std::string& sandbox_id) override;
    void snapshot(const std::string& sandbox_id, const std::string& snapshot_id) override;
    void restore(const std::string& sandbox_id, const std::string& snapshot_id) override;
    void remove(const std::string& sandbox_id) override;
    void remove_snapshot(const std::string& snapshot_id) override;
    void remove_strays(const std::set<std::string>& sandboxes, const std::set<std::string>& snapshots) override;
    std::int64_t size_bytes(const std::string& sandbox_id) override;

    std::string world_path(const std::string& sandbox_id) const;
    std::string snapshot_path(const std::string& snapshot_id) const;

private:
    std::string dir_;
    store_options options_;
};

}  // namespace hsoauth::storage::sqlite
