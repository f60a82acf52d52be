#pragma once
// The data operations of one transaction, as every storage engine provides them (the SQLite
// engine's is storage/sqlite/sqlite_repository.hpp). A repository is handed to a read or a write
// job by the store (store.hpp) and is valid only inside that job, on that thread.
// Every method throws storage_error when the engine fails; "not found" is an empty optional.
// Token lookups take the row id the token carries (oauth/token_format.hpp) and the token's
// digest: a row is returned only when both match.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "hsoauth/storage/records.hpp"
#include "hsoauth/storage/sandbox_records.hpp"

namespace hsoauth::storage {

class repository {
public:
    virtual ~repository() = default;

    // Apps
    virtual std::optional<app_record> find_app_by_client_id(std::string_view client_id) = 0;
    virtual std::optional<app_record> find_app(std::int64_t app_id) = 0;
    virtual std::optional<app_record> find_app_by_name(std::string_view name) = 0;
    virtual std::vector<app_record> list_apps() = 0;
    // Inserts, or replaces the row with the same app_id (app_id 0: a new id, larger than every
    // app id ever stored, so that a deleted app's id is never handed out again). Returns the id.
    // The same holds for hubs, users and installs.
    virtual std::int64_t upsert_app(const app_record& app) = 0;
    // Deletes the app and its app-level access tokens, so that an app created later with the
    // same id inherits none. False when there was no such app.
    virtual bool delete_app(std::int64_t app_id) = 0;

    // Hubs
    virtual std::optional<hub_record> find_hub(std::int64_t hub_id) = 0;
    virtual std::optional<hub_record> find_hub_by_domain(std::string_view hub_domain) = 0;
    virtual std::vector<hub_record> list_hubs() = 0;
    virtual std::int64_t upsert_hub(const hub_record& hub) = 0;
    // Deletes the hub and every membership in it. False when there was no such hub.
    virtual bool delete_hub(std::int64_t hub_id) = 0;

    // Users (with their hub memberships)
    virtual std::optional<user_record> find_user(std::int64_t user_id) = 0;
    virtual std::optional<user_record> find_user_by_email(std::string_view email) = 0;
    virtual std::vector<user_record> list_users() = 0;
    virtual std::int64_t upsert_user(const user_record& user) = 0;
    // Deletes the user and their memberships. False when there was no such user.
    virtual bool delete_user(std::int64_t user_id) = 0;

    // The consent page's choices, in id order, at most `limit` of each: the users who are members
    // of a hub that can grant every scope of `required` (its scopes are everything, or hold each
    // of them), and those hubs that have such members; with `only_hub`, that hub alone. With a
    // non-empty `email_filter`, only users whose e-mail contains it (ASCII case-insensitively),
    // and only hubs with such a member.
    virtual std::vector<choice_record> consent_users(const scope_list& required,
                                                     std::optional<std::int64_t> only_hub,
                                                     std::string_view email_filter, std::size_t limit) = 0;
    virtual std::vector<choice_record> consent_hubs(const scope_list& required,
                                                    std::optional<std::int64_t> only_hub,
                                                    std::string_view email_filter, std::size_t limit) = 0;

    // Installs
    virtual std::optional<install_record> find_live_install(std::int64_t app_id, std::int64_t hub_id) = 0;
    virtual std::vector<install_record> list_installs() = 0;
    virtual std::int64_t create_install(const install_record& install) = 0;
    virtual void update_install(std::int64_t install_id, std::int64_t user_id, const scope_list& scopes) = 0;
    // Stamps uninstalled_at on the live installs matching; return how many. A user takes part in
    // an install as the user who installed it last, or through a refresh token or a code of theirs.
    virtual std::int64_t uninstall(std::int64_t app_id, std::int64_t hub_id, std::int64_t now) = 0;
    virtual std::int64_t uninstall_all_of_app(std::int64_t app_id, std::int64_t now) = 0;
    virtual std::int64_t uninstall_all_of_hub(std::int64_t hub_id, std::int64_t now) = 0;
    virtual std::int64_t uninstall_all_of_user(std::int64_t user_id, std::int64_t now) = 0;

    // Authorization codes, found by digest
    virtual void insert_code(const code_record& code) = 0;
    virtual std::optional<code_record> find_code(std::string_view code_digest) = 0;
    // Marks the code used unless it already was; true when this call used it.
    virtual bool use_code(std::string_view code_digest, std::int64_t now) = 0;

    // Refresh tokens
    // An id for a new refresh token: larger than every id issued before, never the same twice.
    virtual std::int64_t allocate_refresh_id() = 0;
    virtual void insert_refresh(const refresh_insert& token) = 0;
    // The token with row `refresh_id` and digest `token_digest`, with what its metadata needs.
    virtual std::optional<refresh_view> find_refresh(std::int64_t refresh_id, std::string_view token_digest) = 0;
    // The same token without the joins that describe it (the hot path of refresh grants).
    virtual std::optional<refresh_state> find_refresh_state(std::int64_t refresh_id,
                                                            std::string_view token_digest) = 0;
    virtual void mark_refresh_rotated(std::int64_t refresh_id, std::int64_t now) = 0;
    // Revokes one refresh token; with `cascade`, also every access token issued from it.
    virtual void revoke_refresh(std::int64_t refresh_id, bool cascade, std::int64_t now) = 0;
    // Revokes every refresh and access token of a rotation chain.
    virtual void revoke_chain(std::int64_t chain_id, std::int64_t now) = 0;
    // Revokes every token that descends from an authorization code (replay defence).
    virtual void revoke_tokens_from_code(std::string_view code_digest, std::int64_t now) = 0;

    // Access tokens (ids from store::allocate_access_id, shared with the store)
    virtual std::int64_t allocate_access_id() = 0;
    virtual void insert_access(const access_insert& token) = 0;
    // The token with row `access_id` and digest `token_digest`: one issued from a refresh token,
    // or an app-level one (client credentials).
    virtual std::optional<access_view> find_access(std::int64_t access_id, std::string_view token_digest) = 0;
    // Revokes one access token; false when there is no such row.
    virtual bool revoke_access(std::int64_t access_id, std::int64_t now) = 0;

    // Client assertion ids (RFC 7523 §3 item 7). Remembers `jti` for the app until
    // `remember_until`; false, changing nothing, when the app's `jti` is already remembered past
    // `now` (a replayed assertion). A pair remembered only until before `now` is taken over.
    virtual bool remember_assertion(std::int64_t app_id, std::string_view jti,
                                    std::int64_t remember_until, std::int64_t now) = 0;

    // Sandbox state (the clock offset)
    virtual std::optional<std::int64_t> get_state(std::string_view key) = 0;
    virtual void set_state(std::string_view key, std::int64_t value) = 0;

    // Starting over: deletes every app, hub, user, membership, install, authorization code and
    // token, and the sandbox state (the clock offset), in this transaction. Ids of new tokens
    // keep counting from where they were, and so do the ids of apps, hubs, users and installs
    // (never handed out twice, upsert_app). An engine deletes here whatever a later table holds
    // for these objects too.
    virtual void reset_sandbox() = 0;

    // Housekeeping: removes at most `limit` access tokens, or codes (oldest first), or assertion
    // ids remembered until, that expired before `cutoff`. Returns the number of rows removed.
    virtual std::int64_t delete_expired_access(std::int64_t cutoff, std::int64_t limit) = 0;
    virtual std::int64_t delete_expired_codes(std::int64_t cutoff, std::int64_t limit) = 0;
    virtual std::int64_t delete_expired_assertions(std::int64_t cutoff, std::int64_t limit) = 0;

    // The sandbox catalogue (used on the root database only; sandbox_records.hpp)
    virtual void put_sandbox(const sandbox_record& sandbox) = 0;
    virtual std::vector<sandbox_record> list_sandboxes() = 0;
    // Removes the sandbox's row and its snapshots' rows; false when there was no such sandbox.
    virtual bool delete_sandbox(std::string_view sandbox_id) = 0;
    virtual void touch_sandbox(std::string_view sandbox_id, std::int64_t last_used_at) = 0;
    virtual void put_snapshot(const snapshot_record& snapshot) = 0;
    virtual std::vector<snapshot_record> list_snapshots() = 0;
    // Monitoring: what is alive at `now` (records.hpp says what counts). Reads every live row's
    // key, so callers bound how often they ask.
    virtual live_counts count_live(std::int64_t now) = 0;
};

}  // namespace hsoauth::storage
