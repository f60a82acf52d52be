// Acknowledging writes once the WAL is flushed (synchronous FULL), off the writer's path.
#include <doctest/doctest.h>

#include <atomic>
#include <condition_variable>
#include <fstream>
#include <future>
#include <mutex>
#include <thread>
#include <vector>

#include "hsoauth/storage/errors.hpp"
#include "hsoauth/storage/sqlite/connection.hpp"
#include "hsoauth/storage/sqlite/group_commit_writer.hpp"
#include "hsoauth/storage/sqlite/migrations.hpp"
#include "hsoauth/storage/sqlite/sqlite_repository.hpp"
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

namespace {

// The order of events on all threads, one number each.
struct event_order {
    std::mutex mutex;
    std::condition_variable changed;
    std::int64_t next = 0;
    std::vector<std::int64_t> flush_starts;  // in order

    std::int64_t note() {
        std::lock_guard lock(mutex);
        return ++next;
    }
    // Notes a flush's start (a wal_syncer's flush_starting hook); the caller holds `mutex`.
    std::int64_t note_flush_start_locked() {
        flush_starts.push_back(++next);
        return next;
    }
    // The number of the flush that began last.
    std::int64_t last_flush_start() {
        std::lock_guard lock(mutex);
        return flush_starts.empty() ? 0 : flush_starts.back();
    }
};

// A flush start hook that notes each start and holds the first flush at its start until
// `release` is called, so that more is handed over while it runs.
class held_first_flush {
  public:
    explicit held_first_flush(event_order& order) : order_(order) {}
    std::function<void()> hook() {
        return [this] {
            std::unique_lock lock(order_.mutex);
            order_.note_flush_start_locked();
            if (order_.flush_starts.size() != 1) return;
            order_.changed.notify_all();
            order_.changed.wait(lock, [this] { return released_; });
        };
    }
    void wait_until_held() {
        std::unique_lock lock(order_.mutex);
        order_.changed.wait(lock, [this] { return !order_.flush_starts.empty(); });
    }
    void release() {
        std::lock_guard lock(order_.mutex);
        released_ = true;
        order_.changed.notify_all();
    }

  private:
    event_order& order_;
    bool released_ = false;  // guarded by order_.mutex
};

// Writer hooks that number each commit in `order`, in the order of the batches.
struct noting_hooks final : storage::sqlite::writer_hooks {
    explicit noting_hooks(event_order& o) : order(o) {}
    void committed() override {
        const auto at = order.note();
        std::lock_guard lock(mutex);
        commits.push_back(at);
    }
    bool idle_work_due() override { return false; }
    void idle_work() override {}
    void before_transaction() override {}
    std::size_t committed_so_far() {
        std::lock_guard lock(mutex);
        return commits.size();
    }
    event_order& order;
    std::mutex mutex;
    std::vector<std::int64_t> commits;  // guarded by mutex
};

// A migrated database file and its writer connection at NORMAL, as sqlite_store opens it at FULL
// (the flush is the syncer's).
struct writer_database {
    writer_database(test::temp_dir& dir, const char* name)
        : conn(dir.file(name), /*create=*/true), migrated(prepare(conn)), repo(conn) {}
    static bool prepare(storage::sqlite::connection& c) {
        storage::sqlite::configure_writer(c, "NORMAL");
        storage::sqlite::migrate(c);
        return true;
    }
    storage::sqlite::connection conn;
    const bool migrated;  // before repo is made on conn
    storage::sqlite::sqlite_repository repo;
};

}  // namespace

TEST_CASE("wal_syncer: an acknowledgement handed over during a flush waits for a flush that starts later") {
    // A flush already under way may have started before the commit it would acknowledge wrote
    // its frames: only a flush that starts after the hand-over covers it.
    test::temp_dir dir;
    const auto wal = dir.file("some.db-wal");
    std::ofstream(wal) << "frames";
    event_order order;
    held_first_flush held(order);
    std::promise<std::int64_t> first_covered_by;
    std::promise<std::int64_t> second_covered_by;
    std::int64_t first_handed = 0;
    std::int64_t second_handed = 0;
    {
        wal_syncer syncer(wal, held.hook());
        first_handed = order.note();
        syncer.after_next_flush([&](std::exception_ptr) { first_covered_by.set_value(order.last_flush_start()); });
        held.wait_until_held();
        second_handed = order.note();
        syncer.after_next_flush([&](std::exception_ptr) { second_covered_by.set_value(order.last_flush_start()); });
        held.release();
        CHECK(first_covered_by.get_future().get() > first_handed);
        CHECK(second_covered_by.get_future().get() > second_handed);
    }
}

TEST_CASE("wal_syncer: flush_here_if_idle flushes and acknowledges on the calling thread when the syncer is idle") {
    test::temp_dir dir;
    const auto wal = dir.file("some.db-wal");
    std::ofstream(wal) << "frames";
    wal_syncer syncer(wal);
    std::thread::id ran_on;
    bool failed = true;
    wal_syncer::on_durable ack = [&](std::exception_ptr error) {
        ran_on = std::this_thread::get_id();
        failed = error != nullptr;
    };
    REQUIRE(syncer.flush_here_if_idle(ack));
    CHECK(ran_on == std::this_thread::get_id());
    CHECK_FALSE(failed);
    CHECK(syncer.flushes() == 1);
}

TEST_CASE("wal_syncer: flush_here_if_idle declines while a flush is under way, and the handed-over ack waits for a later flush") {
    test::temp_dir dir;
    const auto wal = dir.file("some.db-wal");
    std::ofstream(wal) << "frames";
    event_order order;
    held_first_flush held(order);
    std::promise<std::int64_t> covered_by;
    {
        wal_syncer syncer(wal, held.hook());
        syncer.after_next_flush([](std::exception_ptr) {});
        held.wait_until_held();
        const auto handed = order.note();
        bool ran = false;
        wal_syncer::on_durable ack = [&](std::exception_ptr) {
            ran = true;
            covered_by.set_value(order.last_flush_start());
        };
        CHECK_FALSE(syncer.flush_here_if_idle(ack));
        CHECK_FALSE(ran);
        REQUIRE(ack);  // left as it was, to be handed over
        syncer.after_next_flush(std::move(ack));
        held.release();
        CHECK(covered_by.get_future().get() > handed);
    }
}

TEST_CASE("storage: with no write waiting, the writer flushes and acknowledges itself, after a flush that started after the commit") {
    test::temp_dir dir;
    writer_database db(dir, "inline.db");
    event_order order;
    noting_hooks hooks(order);
    struct seen {
        std::thread::id job_thread;
        std::thread::id ack_thread;
        std::int64_t flush_started_at = 0;
    };
    std::promise<seen> outcome;
    {
        storage::sqlite::wal_syncer syncer(db.conn.wal_file_name(), [&order] {
            std::lock_guard lock(order.mutex);
            order.note_flush_start_locked();
        });
        storage::sqlite::group_commit_writer writer(db.conn, db.repo, &syncer, hooks, {});
        std::thread::id job_thread;
        writer.submit(storage::write_job{[&](repository& r) {
                                             job_thread = std::this_thread::get_id();
                                             r.upsert_hub(hub_with_id(7));
                                         },
                                         [&](std::exception_ptr error) {
                                             CHECK_FALSE(error);
                                             outcome.set_value(
                                                 {job_thread, std::this_thread::get_id(), order.last_flush_start()});
                                         }});
        const auto s = outcome.get_future().get();
        CHECK(s.ack_thread == s.job_thread);  // the writer's own thread: no hand-off to the syncer
        std::lock_guard lock(hooks.mutex);
        REQUIRE(hooks.commits.size() == 1);
        CHECK(s.flush_started_at > hooks.commits[0]);
        CHECK(syncer.flushes() == 1);
    }
}

TEST_CASE("storage: every acknowledged write's commit is covered by a flush that started after the commit") {
    // The writer and the syncer together, at FULL: a batch committed while the first flush is
    // held at its start must be acknowledged only after a later flush. The held flush is the
    // syncer thread's (an acknowledgement handed to it first), so the writer, seeing it busy,
    // hands its batches over instead of flushing them itself.
    test::temp_dir dir;
    writer_database db(dir, "order.db");
    event_order order;
    held_first_flush held(order);
    noting_hooks hooks(order);  // one job per batch here

    constexpr int writes = 5;
    std::vector<std::promise<std::int64_t>> covered_by(writes);
    {
        storage::sqlite::wal_syncer syncer(db.conn.wal_file_name(), held.hook());
        storage::sqlite::group_commit_writer writer(db.conn, db.repo, &syncer, hooks, {});
        const auto submit = [&](int i) {
            writer.submit(storage::write_job{
                [i](repository& r) { r.upsert_hub(hub_with_id(100 + i)); },
                [&, i](std::exception_ptr error) {
                    CHECK_FALSE(error);
                    covered_by[static_cast<std::size_t>(i)].set_value(order.last_flush_start());
                }});
        };
        syncer.after_next_flush([](std::exception_ptr) {});
        held.wait_until_held();
        // These commit while the first flush is held at its start.
        for (int i = 0; i < writes; ++i) {
            submit(i);
            while (hooks.committed_so_far() != static_cast<std::size_t>(i) + 1) std::this_thread::yield();
        }
        held.release();
        for (int i = 0; i < writes; ++i) {
            CAPTURE(i);
            const auto flush = covered_by[static_cast<std::size_t>(i)].get_future().get();
            std::lock_guard lock(hooks.mutex);
            CHECK(flush > hooks.commits[static_cast<std::size_t>(i)]);
        }
    }
}
