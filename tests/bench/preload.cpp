// hsoauth_preload: fills a database with live tokens for scripts/bench.sh, straight through the
// repository (the HTTP path would take minutes for a million tokens).
//   hsoauth_preload --db PATH --tokens N --revocable M --out-dir DIR
// Creates the bench hub, user and app (client_id bench-client, secret bench-client-secret, allowed
// the client_credentials grant), one install,
// N refresh tokens each with one live access token (written to DIR/access.txt and
// DIR/refresh.txt), and M more refresh tokens for the revoke scenario (DIR/revocable.txt).
// The pepper is read from (or created at) <db>.pepper, as the server does.
#include <chrono>
#include <charconv>
#include <cstring>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "hsoauth/admin/registry.hpp"
#include "hsoauth/crypto/digest.hpp"
#include "hsoauth/crypto/pepper.hpp"
#include "hsoauth/oauth/token_format.hpp"
#include "hsoauth/storage/repository.hpp"
#include "hsoauth/storage/sqlite/sqlite_store.hpp"

namespace {

using namespace hsoauth;

long long flag_value(int argc, char** argv, std::string_view name, long long fallback) {
    for (int i = 1; i + 1 < argc; ++i) {
        if (argv[i] == name) {
            long long value = 0;
            std::from_chars(argv[i + 1], argv[i + 1] + std::strlen(argv[i + 1]), value);
            return value;
        }
    }
    return fallback;
}

std::string flag_text(int argc, char** argv, std::string_view name) {
    for (int i = 1; i + 1 < argc; ++i) {
        if (argv[i] == name) return argv[i + 1];
    }
    return {};
}

}  // namespace

int main(int argc, char** argv) {
    const std::string db_path = flag_text(argc, argv, "--db");
    const std::string out_dir = flag_text(argc, argv, "--out-dir");
    const long long tokens = flag_value(argc, argv, "--tokens", 10000);
    const long long revocable = flag_value(argc, argv, "--revocable", 0);
    if (db_path.empty() || out_dir.empty()) {
        std::cerr << "usage: hsoauth_preload --db PATH --tokens N --revocable M --out-dir DIR\n";
        return 2;
    }
    storage::sqlite::store_options options;
    options.path = db_path;
    options.synchronous = "OFF";
    storage::sqlite::sqlite_store db(options);
    const crypto::secret_hasher hasher(crypto::load_or_create_pepper(db_path + ".pepper"));
    const admin::registry registry(hasher, 86400);

    const std::int64_t now = std::chrono::duration_cast<std::chrono::seconds>(
                                 std::chrono::system_clock::now().time_since_epoch())
                                 .count();
    const std::int64_t install_id = storage::write_and_wait(db, [&](storage::repository& repo) {
        admin::seed_document seed;
        seed.hubs.push_back({62515, "bench.hubspot.com", "na1", std::nullopt});
        seed.users.push_back({123456, "bench@example.com", {62515}, {}});
        admin::app_input app;
        app.app_id = 777;
        app.name = "Bench";
        app.client_id = "bench-client";
        app.client_secret = "bench-client-secret";
        app.redirect_uris = {"http://localhost:3000/cb"};
        app.scopes = {"oauth", "crm.objects.contacts.read"};
        app.access_token_ttl = 86400;
        app.client_credentials_scopes = {"crm.objects.contacts.read"};
        seed.apps.push_back(app);
        if (!registry.apply_seed(repo, seed)) throw std::runtime_error("seeding the bench app failed");
        if (auto live = repo.find_live_install(777, 62515)) return live->install_id;
        storage::install_record install{0, 777, 62515, 123456, {"oauth", "crm.objects.contacts.read"}, now, {}};
        return repo.create_install(install);
    });

    std::ofstream access(out_dir + "/access.txt");
    std::ofstream refresh(out_dir + "/refresh.txt");
    std::ofstream revoke(out_dir + "/revocable.txt");
    const long long chunk = 2000;  // tokens per write: its dirty pages fit in the page cache
    for (long long done = 0; done < tokens + revocable; done += chunk) {
        const long long count = std::min(chunk, tokens + revocable - done);
        storage::write_and_wait(db, [&](storage::repository& repo) {
            for (long long i = 0; i < count; ++i) {
                const bool for_revoke = done + i >= tokens;
                storage::refresh_insert row;
                row.refresh_id = repo.allocate_refresh_id();
                const std::string refresh_token = oauth::new_refresh_token("na1", row.refresh_id);
                row.token_digest = hasher.hash(refresh_token);
                row.install_id = install_id;
                row.user_id = 123456;
                row.scopes = {"oauth", "crm.objects.contacts.read"};
                row.created_at = now;
                repo.insert_refresh(row);
                storage::access_insert access_row;
                access_row.access_id = repo.allocate_access_id();
                const std::string access_token = std::string(oauth::new_access_token(access_row.access_id));
                const auto access_digest = hasher.hash(access_token);  // access_row views it
                access_row.token_digest = access_digest;
                access_row.refresh_id = row.refresh_id;
                access_row.expires_at = now + 86400;
                repo.insert_access(access_row);
                if (for_revoke) {
                    revoke << refresh_token << '\n';
                } else {
                    refresh << refresh_token << '\n';
                    access << access_token << '\n';
                }
            }
        });
    }
    std::cout << "preloaded " << tokens << " token pairs and " << revocable << " revocable refresh tokens\n";
    return 0;
}
