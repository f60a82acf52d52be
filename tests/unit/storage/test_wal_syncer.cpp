// Acknowledging writes once the WAL is flushed (synchronous FULL), off the writer's path.
#include <doctest/doctest.h>

#include <atomic>
#include <fstream>
#include <future>
#include <mutex>
#include <vector>

#include "hsoauth/storage/errors.hpp"
#include "hsoauth/storage/sqlite/wal_syncer.hpp"
#include "temp_database.hpp"

using namespace hsoauth;
using storage::repository;
using storage::sqlite::wal_syncer;
using test::hub_with_id;

TEST_CASE("wal_syncer: acknowledgements run after a flush, in the order handed over") {
    test::temp_dir dir;
    const auto wal = dir.file("some.db-wal");
    std::ofstream(wal) << "frames";
    std::mutex seen_mutex;
    std::vector<int> seen;
    std::vector<std::uint64_t> flushes_seen;
    int errors = 0;
    std::promise<void> all_done;
    {
        wal_syncer syncer(wal);
        for (int i = 0; i < 100; ++i) {
            syncer.after_next_flush([&, i](std::exception_ptr error) {
                std::lock_guard lock(seen_mutex);
                if (error) ++errors;
                seen.push_back(i);
                flushes_seen.push_back(syncer.flushes());
                if (i == 99) all_done.set_value();
            });
        }
        all_done.get_future().wait();
        CHECK(syncer.flushes() >= 1);
    }
    CHECK(errors == 0);
    REQUIRE(seen.size() == 100);
    for (int i = 0; i < 100; ++i) CHECK(seen[static_cast<std::size_t>(i)] == i);
    // Every acknowledgement ran after at least one flush had completed.
    for (const auto count : flushes_seen) CHECK(count >= 1);
}

TEST_CASE("wal_syncer: the destructor runs every acknowledgement still waiting") {
    test::temp_dir dir;
    const auto wal = dir.file("some.db-wal");
    std::ofstream(wal) << "frames";
    std::atomic<int> acknowledged{0};
    {
        wal_syncer syncer(wal);
        for (int i = 0; i < 1000; ++i) {
            syncer.after_next_flush([&](std::exception_ptr error) {
                if (!error) ++acknowledged;
            });
        }
    }
    CHECK(acknowledged.load() == 1000);
}

TEST_CASE("wal_syncer: a WAL that cannot be flushed fails the acknowledgement with a storage fault") {
    test::temp_dir dir;
    std::promise<std::exception_ptr> outcome;
    {
        wal_syncer syncer(dir.file("missing.db-wal"));
        syncer.after_next_flush([&](std::exception_ptr error) { outcome.set_value(error); });
    }
    const auto error = outcome.get_future().get();
    REQUIRE(error);
    try {
        std::rethrow_exception(error);
    } catch (const storage::storage_error& e) {
        CHECK(e.unavailable());  // answered with 503, as a full disk is
        CHECK(std::string(e.what()).find("missing.db-wal") != std::string::npos);
    }
}

TEST_CASE("storage: at synchronous FULL every write is acknowledged after a flush of the WAL") {
    test::temp_database t("FULL");
    std::atomic<int> acknowledged{0};
    std::vector<std::future<void>> waiting;
    for (std::int64_t id = 1; id <= 200; ++id) {
        auto done = std::make_shared<std::promise<void>>();
        waiting.push_back(done->get_future());
        t.db.submit(storage::write_job{[id](repository& repo) { repo.upsert_hub(hub_with_id(id)); },
                                        [&acknowledged, done](std::exception_ptr e) {
                                            if (!e) ++acknowledged;
                                            done->set_value();
                                        }});
    }
    for (auto& w : waiting) w.wait();
    CHECK(acknowledged.load() == 200);
    CHECK(t.db.statistics().flushes >= 1);
    CHECK(t.db.statistics().flushes <= t.db.statistics().commits);
    CHECK(storage::read_value(t.db, [](repository& repo) { return repo.list_hubs().size(); }) == 200);
}

TEST_CASE("storage: at synchronous NORMAL and OFF nothing waits for a flush") {
    for (const char* mode : {"NORMAL", "OFF"}) {
        CAPTURE(mode);
        test::temp_database t(mode);
        storage::write_and_wait(t.db, [](repository& repo) { repo.upsert_hub(hub_with_id(1)); });
        CHECK(t.db.statistics().flushes == 0);
    }
}
