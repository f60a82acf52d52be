#pragma once
// Apps, hubs and users as the seed file and the admin API describe them: validating them and
// upserting them. Upserts are idempotent: loading the same seed twice gives the same state (an
// entry without an id is matched by its natural key: an app by client_id, else by name; a hub
// by domain; a user by e-mail). Parsing their JSON is the admin view's job (http/wire/admin).
#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "hsoauth/crypto/digest.hpp"
#include "hsoauth/crypto/random.hpp"
#include "hsoauth/oauth/result.hpp"
#include "hsoauth/storage/records.hpp"
#include "hsoauth/storage/repository.hpp"

namespace hsoauth::admin {

using oauth::result;
using storage::repository;

struct app_input {
    std::optional<std::int64_t> app_id;
    std::string name;
    std::optional<std::string> client_id;
    std::optional<std::string> client_secret;
    std::vector<std::string> redirect_uris;
    std::vector<std::string> scopes;
    std::vector<std::string> optional_scopes;
    std::optional<std::int64_t> access_token_ttl;
    std::optional<bool> rotate_refresh_tokens;
    // Like optional_scopes, absent means none: no client_credentials grant, no assertion keys.
    std::vector<std::string> client_credentials_scopes{};
    std::optional<nlohmann::json> jwks;  // a JWKS document, {"keys": [...]}
    std::optional<std::int64_t> rate_limit = std::nullopt;  // nullopt: kept on update, none on create
    bool clear_rate_limit = false;           // an explicit null: back to the gateway's default
};

struct hub_input {
    std::optional<std::int64_t> hub_id;
    std::string hub_domain;
    std::string hublet = "na1";
    std::optional<std::vector<std::string>> scopes;
    // The account settings GET /account-info/v3/details shows; nullopt: kept on update, the
    // hub_record defaults on create.
    std::optional<std::string> account_type = std::nullopt;
    std::optional<std::string> time_zone = std::nullopt;
    std::optional<std::string> currency = std::nullopt;
    std::optional<std::vector<std::string>> additional_currencies = std::nullopt;
    std::optional<std::string> utc_offset = std::nullopt;
};

struct user_input {
    std::optional<std::int64_t> user_id;
    std::string email;
    std::vector<std::int64_t> hub_ids;
    std::vector<std::string> hub_domains;  // more hubs, named by domain (a seed's own hubs need no id)
};

struct seed_document {
    std::vector<hub_input> hubs;
    std::vector<user_input> users;
    std::vector<app_input> apps;
};

// An app after an upsert. `client_secret` holds the plain secret only when this upsert set it
// (given or generated); it is never stored and never shown again.
struct saved_app {
    storage::app_record app;
    std::optional<std::string> client_secret;
    bool secret_generated = false;
    bool created = false;
};

// A hub or user after an upsert, and whether the upsert created it (201) or updated it (200).
template <class Record>
struct upserted {
    Record record;
    bool created = false;
};

struct seed_outcome {
    std::vector<storage::hub_record> hubs;
    std::vector<storage::user_record> users;
    std::vector<saved_app> apps;
};

class registry {
public:
    // `random` makes generated client ids and secrets (OpenSSL's CSPRNG unless a deterministic
    // run injects a seeded source); it must outlive the registry.
    registry(const crypto::secret_hasher& hasher, std::int64_t default_access_token_ttl,
             crypto::random_source& random = crypto::system_random());

    // Writes. invalid_field (naming the field) when a value breaks the rules: texts of 1 to
    // 2048 characters (a chosen client secret at least 16), at most 200 list entries, redirect URIs absolute http(s) without
    // fragment, scopes RFC 6749 scope-tokens, a hublet like na1 or eu1, an access token
    // lifetime from 1 s to a year, an e-mail with an @, a jwks that crypto::parse_jwks_value
    // accepts (its refusal, naming the key, in the detail). conflict when an explicit client_id, a
    // hub_domain or an e-mail belongs to another entry; hub_unavailable when a user names a hub
    // (by id or by domain) that does not exist.
    // An app's rate_limit is from 1 to 1000000 (the limiter remembers only
    // calls it allowed within the window, so a high limit costs no memory by itself); a hub's account_type upper-case letters and '_',
    // time_zone 1 to 64 characters of letters, digits and "/_+-", currencies three upper-case
    // letters (at most 20 additional ones), utc_offset ±HH:MM.
    result<saved_app> put_app(repository& repo, const app_input& input) const;
    result<upserted<storage::hub_record>> put_hub(repository& repo, const hub_input& input) const;
    result<upserted<storage::user_record>> put_user(repository& repo, const user_input& input) const;
    // Hubs first, then users, then apps; stops at the first error (the write job's savepoint
    // then rolls the whole document back when the caller throws or returns the error).
    result<seed_outcome> apply_seed(repository& repo, const seed_document& seed) const;

    // Writes. Deleting uninstalls every install the object takes part in (a user: as the user
    // who installed it last, or through a code or refresh token of theirs), so that its codes and
    // tokens die; a hub's or user's memberships go with it. The id is never handed out again
    // (repository::upsert_app). not_found when absent.
    result<oauth::done> delete_app(repository& repo, std::int64_t app_id, std::int64_t now) const;
    result<oauth::done> delete_hub(repository& repo, std::int64_t hub_id, std::int64_t now) const;
    result<oauth::done> delete_user(repository& repo, std::int64_t user_id, std::int64_t now) const;

private:
    const crypto::secret_hasher& hasher_;
    std::int64_t default_ttl_;
    crypto::random_source& random_;
};

}  // namespace hsoauth::admin
