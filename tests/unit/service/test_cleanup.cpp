// Housekeeping keeps up with minting: one pass removes every code and access token that is due,
// in batches of one write each, however many there are; nothing that is not due yet.
#include <doctest/doctest.h>

#include <future>
#include <string>

#include "../storage/temp_database.hpp"
#include "hsoauth/crypto/digest.hpp"
#include "hsoauth/service/sandbox.hpp"
#include "hsoauth/storage/sqlite/connection.hpp"

using namespace hsoauth;

namespace {

std::int64_t count_rows(const std::string& path, std::string_view table) {
    storage::sqlite::connection conn(path, /*create=*/false);
    auto s = conn.prepare("SELECT COUNT(*) FROM " + std::string(table));
    REQUIRE(s.step());
    return s.int64(0);
}

// Runs one cleanup pass of `box` and returns the rows it removed.
std::int64_t one_pass(service::sandbox& box) {
    std::promise<std::int64_t> removed;
    box.remove_expired([&](std::int64_t n) { removed.set_value(n); });
    return removed.get_future().get();
}

}  // namespace

TEST_CASE("cleanup: one pass removes every due code and access token, batch after batch") {
    test::temp_database t;
    crypto::secret_hasher hasher(test::test_pepper);
    service::sandbox_settings settings;
    settings.admin_key = "unit-admin-key-0123456789";
    settings.code_ttl = 600;
    settings.cleanup_batch = 1000;
    service::sandbox box(t.db, hasher, settings);
    const std::int64_t now = box.clock().now();

    // 12,345 codes expired more than code_ttl ago, 100 expired less (answered "expired" a while
    // longer), 100 live; 2,500 access tokens expired more than a day ago, 100 less.
    storage::write_and_wait(t.db, [&](storage::repository& repo) {
        for (int i = 0; i < 12'445; ++i) {
            storage::code_record code;
            code.code_digest = hasher.hash("code-" + std::to_string(i));
            code.install_id = 1;
            code.user_id = 1;
            code.scopes = {"oauth"};
            code.redirect_uri = "https://app.example.com/cb";
            code.expires_at = i < 12'345 ? now - 601 - i : now - 10;
            repo.insert_code(code);
        }
        for (int i = 0; i < 100; ++i) {
            storage::code_record code;
            code.code_digest = hasher.hash("live-" + std::to_string(i));
            code.install_id = 1;
            code.user_id = 1;
            code.redirect_uri = "https://app.example.com/cb";
            code.expires_at = now + 600;
            repo.insert_code(code);
        }
        for (int i = 0; i < 2'600; ++i) {
            storage::access_insert token;
            token.access_id = repo.allocate_access_id();
            const auto digest = hasher.hash("access-" + std::to_string(i));  // token views it
            token.token_digest = digest;
            token.refresh_id = 1;
            token.expires_at = i < 2'500 ? now - 86'401 : now - 86'000;
            repo.insert_access(token);
        }
        return 0;
    });
    const auto commits_before = t.db.statistics().commits;

    CHECK(one_pass(box) == 12'345 + 2'500);
    CHECK(count_rows(t.dir.file("test.db"), "authorization_codes") == 200);
    CHECK(count_rows(t.dir.file("test.db"), "access_tokens") == 100);
    // One write per batch of 1,000 codes (and access tokens alongside), so that other writes
    // run between them: 13 batches, the last one short.
    CHECK(t.db.statistics().commits - commits_before == 13);
    // Nothing is due now: the next pass removes nothing and ends after one batch.
    CHECK(one_pass(box) == 0);
}
