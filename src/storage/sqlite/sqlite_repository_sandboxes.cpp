// The sandbox catalogue's SQL (migration 0009), part of sqlite_repository.
#include "hsoauth/storage/sqlite/sqlite_repository.hpp"

namespace hsoauth::storage::sqlite {
namespace {

constexpr std::string_view sql_put_sandbox =
    "INSERT INTO sandboxes (sandbox_id, name, admin_key_digest, created_at, last_used_at, ttl_seconds) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6) "
    "ON CONFLICT(sandbox_id) DO UPDATE SET name = excluded.name, "
    "admin_key_digest = excluded.admin_key_digest, last_used_at = excluded.last_used_at, "
    "ttl_seconds = excluded.ttl_seconds";
constexpr std::string_view sql_list_sandboxes =
    "SELECT sandbox_id, name, admin_key_digest, created_at, last_used_at, ttl_seconds FROM sandboxes "
    "ORDER BY created_at, sandbox_id";
constexpr std::string_view sql_delete_sandbox = "DELETE FROM sandboxes WHERE sandbox_id = ?1";
constexpr std::string_view sql_delete_sandbox_snapshots = "DELETE FROM sandbox_snapshots WHERE sandbox_id = ?1";
constexpr std::string_view sql_touch_sandbox =
    "UPDATE sandboxes SET last_used_at = max(last_used_at, ?2) WHERE sandbox_id = ?1";
constexpr std::string_view sql_put_snapshot =
    "INSERT INTO sandbox_snapshots (snapshot_id, sandbox_id, created_at) VALUES (?1, ?2, ?3)";
constexpr std::string_view sql_list_snapshots =
    "SELECT snapshot_id, sandbox_id, created_at FROM sandbox_snapshots ORDER BY created_at, snapshot_id";

}  // namespace

void sqlite_repository::put_sandbox(const sandbox_record& sandbox) {
    statement_scope s(cached(sql_put_sandbox));
    s->bind(1, sandbox.sandbox_id)
        .bind(2, sandbox.name)
        .bind_blob(3, sandbox.admin_key_digest)
        .bind(4, sandbox.created_at)
        .bind(5, sandbox.last_used_at)
        .bind(6, sandbox.ttl_seconds)
        .run();
}

std::vector<sandbox_record> sqlite_repository::list_sandboxes() {
    statement_scope s(cached(sql_list_sandboxes));
    std::vector<sandbox_record> out;
    while (s->step()) {
        out.push_back({s->text(0), s->text(1), s->blob(2), s->int64(3), s->int64(4), s->int64(5)});
    }
    return out;
}

bool sqlite_repository::delete_sandbox(std::string_view sandbox_id) {
    {
        statement_scope s(cached(sql_delete_sandbox_snapshots));
        s->bind(1, sandbox_id).run();
    }
    statement_scope s(cached(sql_delete_sandbox));
    s->bind(1, sandbox_id).run();
    return db().changes() > 0;
}

void sqlite_repository::touch_sandbox(std::string_view sandbox_id, std::int64_t last_used_at) {
    statement_scope s(cached(sql_touch_sandbox));
    s->bind(1, sandbox_id).bind(2, last_used_at).run();
}

void sqlite_repository::put_snapshot(const snapshot_record& snapshot) {
    statement_scope s(cached(sql_put_snapshot));
    s->bind(1, snapshot.snapshot_id).bind(2, snapshot.sandbox_id).bind(3, snapshot.created_at).run();
}

std::vector<snapshot_record> sqlite_repository::list_snapshots() {
    statement_scope s(cached(sql_list_snapshots));
    std::vector<snapshot_record> out;
    while (s->step()) out.push_back({s->text(0), s->text(1), s->int64(2)});
    return out;
}

}  // namespace hsoauth::storage::sqlite
