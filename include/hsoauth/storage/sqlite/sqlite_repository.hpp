#pragma once
// storage::repository over one SQLite connection: all of the engine's SQL. Each statement is
// prepared on its first use and kept for the connection's life (reset after every use, so that a
// cached statement never holds a read transaction open).
// Not thread-safe: each connection (the writer's, each reader's) has its own repository, used by
// the thread that holds the connection. Every method throws storage_error when SQLite fails.
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string_view>
#include <vector>

#include "hsoauth/storage/repository.hpp"
#include "hsoauth/storage/sqlite/connection.hpp"
#include "hsoauth/storage/sqlite/id_sequence.hpp"

namespace hsoauth::storage::sqlite {

class refresh_state_cache;

class sqlite_repository final : public repository {
public:
    // `access_ids`: the store's sequence, shared by all its repositories and by
    // store::allocate_access_id (nullptr: this repository's own).
    explicit sqlite_repository(connection& db, std::shared_ptr<id_sequence> access_ids = nullptr);
    ~sqlite_repository() override;

    std::optional<app_record> find_app_by_client_id(std::string_view client_id) override;
    std::optional<app_record> find_app(std::int64_t app_id) override;
    std::optional<app_record> find_app_by_name(std::string_view name) override;
    std::vector<app_record> list_apps() override;
    std::int64_t upsert_app(const app_record& app) override;
    bool delete_app(std::int64_t app_id) override;

    std::optional<hub_record> find_hub(std::int64_t hub_id) override;
    std::optional<hub_record> find_hub_by_domain(std::string_view hub_domain) override;
    std::vector<hub_record> list_hubs() override;
    std::int64_t upsert_hub(const hub_record& hub) override;
    bool delete_hub(std::int64_t hub_id) override;

    std::optional<user_record> find_user(std::int64_t user_id) override;
    std::optional<user_record> find_user_by_email(std::string_view email) override;
    std::vector<user_record> list_users() override;
    std::int64_t upsert_user(const user_record& user) override;
    bool delete_user(std::int64_t user_id) override;
    std::vector<choice_record> consent_users(const scope_list& required, std::optional<std::int64_t> only_hub,
                                             std::string_view email_filter, std::size_t limit) override;
    std::vector<choice_record> consent_hubs(const scope_list& required, std::optional<std::int64_t> only_hub,
                                            std::string_view email_filter, std::size_t limit) override;

    std::optional<install_record> find_live_install(std::int64_t app_id, std::int64_t hub_id) override;
    std::vector<install_record> list_installs() override;
    std::int64_t create_install(const install_record& install) override;
    void update_install(std::int64_t install_id, std::int64_t user_id, const scope_list& scopes) override;
    std::int64_t uninstall(std::int64_t app_id, std::int64_t hub_id, std::int64_t now) override;
    std::int64_t uninstall_all_of_app(std::int64_t app_id, std::int64_t now) override;
    std::int64_t uninstall_all_of_hub(std::int64_t hub_id, std::int64_t now) override;
    std::int64_t uninstall_all_of_user(std::int64_t user_id, std::int64_t now) override;

    void insert_code(const code_record& code) override;
    std::optional<code_record> find_code(std::string_view code_digest) override;
    bool use_code(std::string_view code_digest, std::int64_t now) override;

    // Refresh ids come from this repository's own sequence: only the writer issues refresh tokens.
    std::int64_t allocate_refresh_id() override;
    void insert_refresh(const refresh_insert& token) override;
    std::optional<refresh_view> find_refresh(std::int64_t refresh_id, std::string_view token_digest) override;
    std::optional<refresh_state> find_refresh_state(std::int64_t refresh_id,
                                                    std::string_view token_digest) override;
    void mark_refresh_rotated(std::int64_t refresh_id, std::int64_t now) override;
    void revoke_refresh(std::int64_t refresh_id, bool cascade, std::int64_t now) override;
    void revoke_chain(std::int64_t chain_id, std::int64_t now) override;
    void revoke_tokens_from_code(std::string_view code_digest, std::int64_t now) override;

    std::int64_t allocate_access_id() override;
    void insert_access(const access_insert& token) override;
    std::optional<access_view> find_access(std::int64_t access_id, std::string_view token_digest) override;
    bool revoke_access(std::int64_t access_id, std::int64_t now) override;

    bool remember_assertion(std::int64_t app_id, std::string_view jti, std::int64_t remember_until,
                            std::int64_t now) override;

    std::optional<std::int64_t> get_state(std::string_view key) override;
    void set_state(std::string_view key, std::int64_t value) override;

    void reset_sandbox() override;

    std::int64_t delete_expired_access(std::int64_t cutoff, std::int64_t limit) override;
    std::int64_t delete_expired_codes(std::int64_t cutoff, std::int64_t limit) override;
    std::int64_t delete_expired_assertions(std::int64_t cutoff, std::int64_t limit) override;
    live_counts count_live(std::int64_t now) override;

    // The sandbox catalogue (sqlite_repository_sandboxes.cpp).
    void put_sandbox(const sandbox_record& sandbox) override;
    std::vector<sandbox_record> list_sandboxes() override;
    bool delete_sandbox(std::string_view sandbox_id) override;
    void touch_sandbox(std::string_view sandbox_id, std::int64_t last_used_at) override;
    void put_snapshot(const snapshot_record& snapshot) override;
    std::vector<snapshot_record> list_snapshots() override;

    // Reads where the shared access id sequence starts, so that store::allocate_access_id can take
    // ids on any thread without a connection. Throws storage_error.
    void start_access_ids();

    // From now on find_refresh_state keeps the states it reads, at most `capacity`
    // (refresh_state_cache). Only for the repository on the database's one writer connection.
    void keep_refresh_states(std::size_t capacity);

    connection& db() { return db_; }

private:
    statement& cached(std::string_view sql);

    connection& db_;
    std::map<std::string_view, std::unique_ptr<statement>> statements_;
    std::shared_ptr<id_sequence> access_ids_;
    id_sequence refresh_ids_;
    std::unique_ptr<refresh_state_cache> kept_states_;  // null: none kept
};

// The SQL of the token lookups, for the engine's query-plan tests: each must read one row per
// table by its rowid.
struct token_lookup_sql {
    std::string_view find_access;
    std::string_view find_refresh;
    std::string_view find_refresh_state;
};
token_lookup_sql token_lookups();

}  // namespace hsoauth::storage::sqlite
