#pragma once
// All SQL of hsoauth, over one connection. Statements are prepared once per connection and
// reused. Not thread-safe: each connection (the writer's, each reader's) has its own repository.
// Every method throws storage_error when SQLite fails; "not found" is an empty optional.
#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "hsoauth/storage/records.hpp"
#include "hsoauth/storage/sqlite.hpp"

namespace hsoauth::storage {

// Row ids for new tokens, which carry their row id (oauth/token_format.hpp): on first use, one
// larger than every id in the table; never the same id twice (ids of rolled-back writes are not
// reused). Thread-safe, so that network threads can take access ids ahead of a write.
class id_sequence {
public:
    // Runs `next_id_sql` (the largest id in the table + 1) through `db`, once; later calls return at once.
    void start(connection& db, std::string_view next_id_sql);
    // The next id; start() must have returned before.
    std::int64_t next() { return next_.fetch_add(1, std::memory_order_relaxed); }

private:
    std::once_flag started_;
    std::atomic<std::int64_t> next_{0};
};

class repository {
public:
    // `access_ids`: shared with the database's other repositories (nullptr: this repository's own).
    explicit repository(connection& db, std::shared_ptr<id_sequence> access_ids = nullptr);
    ~repository();

    // Apps
    std::optional<app_record> find_app_by_client_id(std::string_view client_id);
    std::optional<app_record> find_app(std::int64_t app_id);
    std::optional<app_record> find_app_by_name(std::string_view name);
    std::vector<app_record> list_apps();
    // Inserts, or replaces the row with the same app_id (app_id 0: a new id is chosen). Returns the id.
    std::int64_t upsert_app(const app_record& app);
    // Deletes the app and its app-level access tokens (an app created later with the same id
    // must not inherit them).
    bool delete_app(std::int64_t app_id);

    // Hubs
    std::optional<hub_record> find_hub(std::int64_t hub_id);
    std::optional<hub_record> find_hub_by_domain(std::string_view hub_domain);
    std::vector<hub_record> list_hubs();
    std::int64_t upsert_hub(const hub_record& hub);
    bool delete_hub(std::int64_t hub_id);

    // Users (with their hub memberships)
    std::optional<user_record> find_user(std::int64_t user_id);
    std::optional<user_record> find_user_by_email(std::string_view email);
    std::vector<user_record> list_users();
    std::int64_t upsert_user(const user_record& user);
    bool delete_user(std::int64_t user_id);

    // Installs
    std::optional<install_record> find_live_install(std::int64_t app_id, std::int64_t hub_id);
    std::vector<install_record> list_installs();
    std::int64_t create_install(const install_record& install);
    void update_install(std::int64_t install_id, std::int64_t user_id, const scope_list& scopes);
    // Stamps uninstalled_at on the live installs matching; returns how many.
    std::int64_t uninstall(std::int64_t app_id, std::int64_t hub_id, std::int64_t now);
    std::int64_t uninstall_all_of_app(std::int64_t app_id, std::int64_t now);
    std::int64_t uninstall_all_of_hub(std::int64_t hub_id, std::int64_t now);
    std::int64_t uninstall_all_of_user(std::int64_t user_id, std::int64_t now);

    // Authorization codes
    void insert_code(const code_record& code);
    std::optional<code_record> find_code(std::string_view code_digest);
    // Marks the code used unless it already was; true when this call used it.
    bool use_code(std::string_view code_digest, std::int64_t now);

    // Refresh tokens. As access tokens below: a row is found by the id its token carries and
    // returned only when the token's digest matches too.
    // An id for a new refresh token (only the writer issues them, so the sequence is this repository's).
    std::int64_t allocate_refresh_id();
    void insert_refresh(const refresh_insert& token);
    // The token with row `refresh_id` and digest `token_digest`, with what its metadata needs.
    std::optional<refresh_view> find_refresh(std::int64_t refresh_id, std::string_view token_digest);
    // The same token read from two tables instead of five (the hot path of refresh grants).
    std::optional<refresh_state> find_refresh_state(std::int64_t refresh_id, std::string_view token_digest);
    void mark_refresh_rotated(std::int64_t refresh_id, std::int64_t now);
    // Revokes one refresh token; with `cascade`, also every access token issued from it.
    void revoke_refresh(std::int64_t refresh_id, bool cascade, std::int64_t now);
    // Revokes every refresh and access token of a rotation chain.
    void revoke_chain(std::int64_t chain_id, std::int64_t now);
    // Revokes every token that descends from an authorization code (replay defence).
    void revoke_tokens_from_code(std::string_view code_digest, std::int64_t now);

    // Access tokens: one issued from a refresh token, or an app-level one (client credentials).
    // A row is found by the id its token carries and returned only when the digest matches too.
    // An id for a new access token, from the sequence this repository shares (see above).
    std::int64_t allocate_access_id();
    // Reads where the access id sequence starts, so that database::allocate_access_id can take
    // ids on any thread without this connection.
    void start_access_ids();
    void insert_access(const access_insert& token);
    std::optional<access_view> find_access(std::int64_t access_id, std::string_view token_digest);
    // Revokes one access token; false when there is no such row.
    bool revoke_access(std::int64_t access_id, std::int64_t now);

    // Sandbox state (clock offset)
    std::optional<std::int64_t> get_state(std::string_view key);
    void set_state(std::string_view key, std::int64_t value);

    // Housekeeping: removes access tokens expired before `cutoff` and codes that expired before it.
    // Returns the number of rows removed.
    std::int64_t delete_expired(std::int64_t cutoff, std::int64_t limit);

    connection& db() { return db_; }

    // Whether upsert_app or delete_app ran since the last call (the database uses it to drop its
    // in-memory apps once the writes are committed).
    bool take_apps_changed() { return std::exchange(apps_changed_, false); }

private:
    statement& cached(std::string_view sql);

    connection& db_;
    std::map<std::string_view, std::unique_ptr<statement>> statements_;
    bool apps_changed_ = false;
    std::shared_ptr<id_sequence> access_ids_;
    id_sequence refresh_ids_;
};

}  // namespace hsoauth::storage
