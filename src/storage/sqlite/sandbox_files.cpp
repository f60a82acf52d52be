#include "hsoauth/storage/sqlite/sandbox_files.hpp"

#include <fcntl.h>
#include <sqlite3.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <stdexcept>
#include <thread>

#include "hsoauth/storage/sqlite/connection.hpp"
#include "hsoauth/storage/sqlite/migrations.hpp"

namespace hsoauth::storage::sqlite {
namespace {

namespace fs = std::filesystem;

void check_id(const std::string& id) {
    const bool ok = !id.empty() && id.size() <= 64 && id.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789-") == std::string::npos;
    if (!ok) throw std::invalid_argument("not a sandbox or snapshot id: " + id);
}

// fsync of a file or directory; an error is unavailable storage.
void flush_path(const std::string& path, bool directory) {
    const int fd = ::open(path.c_str(), (directory ? O_DIRECTORY : 0) | O_RDONLY | O_CLOEXEC);
    if (fd < 0) throw storage_error(SQLITE_IOERR, "cannot open " + path + " to flush it", true);
    const int rc = ::fsync(fd);
    ::close(fd);
    if (rc != 0) throw storage_error(SQLITE_IOERR, "cannot flush " + path, true);
}

// Flushes `tmp`, renames it to `target` and flushes the directory: `target` is whole, old or new.
void install(const std::string& tmp, const std::string& target) {
    flush_path(tmp, false);
    fs::rename(tmp, target);
    flush_path(fs::path(target).parent_path().string(), true);
}

void remove_database(const std::string& path) {
    std::error_code ignored;
    fs::remove(path + "-wal", ignored);
    fs::remove(path + "-shm", ignored);
    fs::remove(path, ignored);
}

void copy_durably(const std::string& from, const std::string& to) {
    if (!fs::exists(from)) throw storage_error(SQLITE_CANTOPEN, "no database " + from, false);
    const std::string tmp = to + ".tmp";
    fs::copy_file(from, tmp, fs::copy_options::overwrite_existing);
    install(tmp, to);
}

// The committed state of the database at `from` into a new file at `to`, with the online backup
// API (one read transaction of its own: the source's writer is not held).
void backup_durably(const std::string& from, const std::string& to) {
    if (!fs::exists(from)) throw storage_error(SQLITE_CANTOPEN, "no database " + from, false);
    const std::string tmp = to + ".tmp";
    remove_database(tmp);
    {
        connection source(from, /*create=*/false);
        configure_reader(source);
        connection target(tmp, /*create=*/true);
        // No journal and no syncs of SQLite's own for the copy: it is flushed once, whole, by install().
        target.exec("PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF");
        sqlite3_backup* backup = sqlite3_backup_init(target.handle(), "main", source.handle(), "main");
        if (backup == nullptr) throw_error(sqlite3_extended_errcode(target.handle()), "backup of " + from);
        int rc = SQLITE_OK;
        const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(5);
        do {
            rc = sqlite3_backup_step(backup, -1);
            if ((rc == SQLITE_BUSY || rc == SQLITE_LOCKED) && std::chrono::steady_clock::now() < give_up) {
                std::this_thread::sleep_for(std::chrono::milliseconds(1));
            }
        } while ((rc == SQLITE_BUSY || rc == SQLITE_LOCKED || rc == SQLITE_OK) &&
                 std::chrono::steady_clock::now() < give_up);
        sqlite3_backup_finish(backup);
        if (rc != SQLITE_DONE) throw_error(rc, "backup of " + from + " did not finish");
    }
    install(tmp, to);
}

}  // namespace

sandbox_files::sandbox_files(std::string dir, store_options options)
    : dir_(std::move(dir)), options_(std::move(options)) {
    fs::create_directories(fs::path(dir_) / "snapshots");
    // The template: every migration applied and the file vacuumed once; a new sandbox is a copy
    // of it. Rebuilt when missing or made by another binary's migrations.
    const std::string template_path = dir_ + "/template.db";
    if (fs::exists(template_path)) {
        try {
            connection existing(template_path, /*create=*/false);
            auto version = existing.prepare("SELECT MAX(version) FROM schema_migrations");
            if (version.step() && version.int64(0) == embedded_migrations().back().version) return;
        } catch (const storage_error&) {
            // Unreadable: made again below.
        }
    }
    const std::string tmp = dir_ + "/template.db.tmp";
    remove_database(tmp);
    migrate_file(tmp);
    {
        connection c(tmp, /*create=*/false);
        c.exec("PRAGMA journal_mode = WAL");
    }  // the last connection's close leaves no WAL behind
    install(tmp, template_path);
}

std::string sandbox_files::world_path(const std::string& sandbox_id) const {
    check_id(sandbox_id);
    return dir_ + "/" + sandbox_id + ".db";
}

std::string sandbox_files::snapshot_path(const std::string& snapshot_id) const {
    check_id(snapshot_id);
    return dir_ + "/snapshots/" + snapshot_id + ".db";
}

void sandbox_files::create_empty(const std::string& sandbox_id) {
    copy_durably(dir_ + "/template.db", world_path(sandbox_id));
}

void sandbox_files::create_copy(const std::string& sandbox_id, const std::string& source_id) {
    backup_durably(world_path(source_id), world_path(sandbox_id));
}

void sandbox_files::create_from_snapshot(const std::string& sandbox_id, const std::string& snapshot_id) {
    copy_durably(snapshot_path(snapshot_id), world_path(sandbox_id));
}

std::unique_ptr<store> sandbox_files::open(const std::string& sandbox_id) {
    store_options o = options_;
    o.path = world_path(sandbox_id);
    if (!fs::exists(o.path)) throw storage_error(SQLITE_CANTOPEN, "no sandbox database " + o.path, false);
    return std::make_unique<sqlite_store>(std::move(o));
}

void sandbox_files::snapshot(const std::string& sandbox_id, const std::string& snapshot_id) {
    backup_durably(world_path(sandbox_id), snapshot_path(snapshot_id));
}

void sandbox_files::restore(const std::string& sandbox_id, const std::string& snapshot_id) {
    const std::string world = world_path(sandbox_id);
    const std::string tmp = world + ".tmp";
    fs::copy_file(snapshot_path(snapshot_id), tmp, fs::copy_options::overwrite_existing);
    // The store is closed, so its last connection checkpointed and removed the WAL; one left by
    // a crash must not be replayed over the restored file.
    std::error_code ignored;
    fs::remove(world + "-wal", ignored);
    fs::remove(world + "-shm", ignored);
    install(tmp, world);
}

void sandbox_files::remove(const std::string& sandbox_id) {
    remove_database(world_path(sandbox_id));
    flush_path(dir_, true);
}

void sandbox_files::remove_snapshot(const std::string& snapshot_id) {
    remove_database(snapshot_path(snapshot_id));
}

void sandbox_files::remove_strays(const std::set<std::string>& sandboxes, const std::set<std::string>& snapshots) {
    const auto sweep = [](const fs::path& dir, const std::set<std::string>& keep, bool keep_template) {
        std::vector<fs::path> doomed;
        for (const auto& entry : fs::directory_iterator(dir)) {
            if (!entry.is_regular_file()) continue;
            const std::string name = entry.path().filename().string();
            const auto dot = name.find('.');
            const std::string stem = name.substr(0, dot);
            const std::string rest = dot == std::string::npos ? "" : name.substr(dot);
            if (keep_template && stem == "template" && rest == ".db") continue;
            const bool database = rest == ".db" || rest == ".db-wal" || rest == ".db-shm";
            if (database && keep.count(stem) != 0) continue;
            doomed.push_back(entry.path());
        }
        for (const auto& path : doomed) {
            std::error_code ignored;
            fs::remove(path, ignored);
        }
    };
    sweep(dir_, sandboxes, true);
    sweep(fs::path(dir_) / "snapshots", snapshots, false);
}

std::int64_t sandbox_files::size_bytes(const std::string& sandbox_id) {
    const std::string path = world_path(sandbox_id);
    std::error_code ec;
    std::int64_t total = 0;
    for (const auto& p : {path, path + "-wal"}) {
        const auto size = fs::file_size(p, ec);
        if (!ec) total += static_cast<std::int64_t>(size);
    }
    return total;
}

}  // namespace hsoauth::storage::sqlite
