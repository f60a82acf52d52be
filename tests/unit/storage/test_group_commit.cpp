// The single writer: queued writes commit together (group commit), each job in its own savepoint
// or, when it goes without, undone with its batch.
#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <future>
#include <latch>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "temp_database.hpp"

using namespace hsoauth;
using storage::sqlite::sqlite_store;
using storage::repository;
using test::hub_with_id;

namespace {

// Holds the writer thread inside a write job until released, so that jobs submitted meanwhile
// queue up and are taken as one batch. Releases on destruction, so a failing test cannot hang.
class writer_gate {
public:
    explicit writer_gate(storage::store& db) {
        auto entered = entered_.get_future();
        auto released = release_.get_future().share();
        db.submit(storage::write_job{
            [this, released](repository&) {
                entered_.set_value();
                released.wait();
            },
            {}});
        entered.wait();  // the writer is now busy inside this job
    }
    ~writer_gate() { open(); }
    writer_gate(const writer_gate&) = delete;
    writer_gate& operator=(const writer_gate&) = delete;

    void open() {
        if (!opened_) {
            opened_ = true;
            release_.set_value();
        }
    }

private:
    std::promise<void> entered_;
    std::promise<void> release_;
    bool opened_ = false;
};

}  // namespace

TEST_CASE("storage: 500 writes from 4 threads all commit, batched into few transactions") {
    test::temp_database t("FULL");
    constexpr int threads = 4;
    constexpr int per_thread = 125;
    constexpr int total = threads * per_thread;

    std::latch completed(total);
    std::atomic<int> failures{0};
    const auto commits_before = t.db.statistics().commits;
    {
        writer_gate gate(t.db);
        std::vector<std::thread> submitters;
        for (int k = 0; k < threads; ++k) {
            submitters.emplace_back([&, k] {
                for (int i = 0; i < per_thread; ++i) {
                    const std::int64_t id = 1000 + k * per_thread + i;
                    t.db.submit(storage::write_job{
                        [id](repository& repo) { repo.upsert_hub(hub_with_id(id)); },
                        [&](std::exception_ptr error) {
                            if (error) ++failures;
                            completed.count_down();
                        }});
                }
            });
        }
        for (auto& s : submitters) s.join();
        gate.open();
        completed.wait();
    }
    CHECK(failures.load() == 0);
    const auto hubs = storage::read_value(t.db, [](repository& repo) { return repo.list_hubs(); });
    REQUIRE(hubs.size() == static_cast<std::size_t>(total));
    for (int i = 0; i < total; ++i) CHECK(hubs[static_cast<std::size_t>(i)].hub_id == 1000 + i);
    const auto commits = t.db.statistics().commits - commits_before;
    CHECK(commits < static_cast<std::uint64_t>(total));
    // The gate's own batch, then everything that queued behind it in one transaction.
    CHECK(commits <= 2);
}

TEST_CASE("storage: more writes queued than max_batch commit in order, max_batch at a time") {
    test::temp_dir dir;
    auto options = test::temp_db_options(dir, "FULL");
    options.max_batch = 64;
    sqlite_store db(options);
    constexpr int total = 300;
    std::latch completed(total);
    std::atomic<int> failures{0};
    const auto commits_before = db.statistics().commits;
    {
        writer_gate gate(db);
        for (int i = 0; i < total; ++i) {
            db.submit(storage::write_job{
                [i](repository& repo) { repo.upsert_hub(hub_with_id(3000 + i)); },
                [&](std::exception_ptr error) {
                    if (error) ++failures;
                    completed.count_down();
                }});
        }
        gate.open();
        completed.wait();
    }
    CHECK(failures.load() == 0);
    const auto hubs = storage::read_value(db, [](repository& repo) { return repo.list_hubs(); });
    REQUIRE(hubs.size() == static_cast<std::size_t>(total));
    for (int i = 0; i < total; ++i) CHECK(hubs[static_cast<std::size_t>(i)].hub_id == 3000 + i);
    // The gate's own batch, then 64, 64, 64, 64 and 44.
    CHECK(db.statistics().commits - commits_before == 6);
}

TEST_CASE("storage: batch after batch (buffers passed on), each write completes once, in order") {
    // At FULL each batch's buffers leave with its acknowledgements and come back emptied for a
    // later batch; batches of growing and shrinking size take buffers kept from smaller or larger
    // ones.
    test::temp_database t("FULL");
    std::mutex order_mutex;
    std::vector<int> order;
    int submitted = 0;
    for (const int size : {1, 40, 3, 200, 7, 64, 64, 2, 150, 1, 90, 5}) {
        std::latch completed(size);
        {
            writer_gate gate(t.db);
            for (int i = 0; i < size; ++i) {
                const int n = submitted++;
                t.db.submit(storage::write_job{
                    [n](repository& repo) { repo.upsert_hub(hub_with_id(5000 + n)); },
                    [&, n](std::exception_ptr error) {
                        CHECK(!error);
                        {
                            const std::lock_guard lock(order_mutex);
                            order.push_back(n);
                        }
                        completed.count_down();
                    }});
            }
        }
        completed.wait();
    }
    REQUIRE(order.size() == static_cast<std::size_t>(submitted));
    for (int i = 0; i < submitted; ++i) CHECK(order[static_cast<std::size_t>(i)] == i);
    const auto hubs = storage::read_value(t.db, [](repository& repo) { return repo.list_hubs(); });
    CHECK(hubs.size() == static_cast<std::size_t>(submitted));
}

TEST_CASE("storage: 500 concurrent write_and_wait calls from 4 threads all commit") {
    test::temp_database t("FULL");
    const auto commits_before = t.db.statistics().commits;
    std::vector<std::thread> writers;
    for (int k = 0; k < 4; ++k) {
        writers.emplace_back([&t, k] {
            for (int i = 0; i < 125; ++i) {
                const std::int64_t id = 5000 + k * 125 + i;
                storage::write_and_wait(t.db, [id](repository& repo) { repo.upsert_hub(hub_with_id(id)); });
            }
        });
    }
    for (auto& w : writers) w.join();
    CHECK(storage::read_value(t.db, [](repository& repo) { return repo.list_hubs().size(); }) == 500);
    CHECK(t.db.statistics().commits - commits_before >= 1);
}

TEST_CASE("storage: a job that throws is rolled back alone; the rest of its batch commits") {
    test::temp_database t;
    std::vector<std::exception_ptr> outcomes(3);
    std::latch completed(3);
    const auto commits_before = t.db.statistics().commits;
    {
        writer_gate gate(t.db);
        const auto job = [&](std::size_t index, std::int64_t hub_id, bool fail) {
            t.db.submit(storage::write_job{
                [hub_id, fail](repository& repo) {
                    repo.upsert_hub(hub_with_id(hub_id));
                    if (fail) throw std::runtime_error("job 2 fails");
                },
                [&outcomes, &completed, index](std::exception_ptr error) {
                    outcomes[index] = error;
                    completed.count_down();
                }});
        };
        job(0, 1, false);
        job(1, 2, true);
        job(2, 3, false);
        gate.open();
        completed.wait();
    }
    CHECK_FALSE(outcomes[0]);
    CHECK_FALSE(outcomes[2]);
    REQUIRE(outcomes[1]);
    CHECK_THROWS_WITH_AS(std::rethrow_exception(outcomes[1]), "job 2 fails", std::runtime_error);
    storage::read_value(t.db, [](repository& repo) {
        CHECK(repo.find_hub(1).has_value());
        CHECK_FALSE(repo.find_hub(2).has_value());
        CHECK(repo.find_hub(3).has_value());
    });
    CHECK(t.db.statistics().commits - commits_before == 2);  // the gate's batch and the three jobs' batch
}

namespace {

// Submits, behind `gate`, jobs without a savepoint of their own: job k upserts hub k+1 (unless it
// throws first) and throws when told; returns once every job has completed, with their outcomes.
std::vector<std::exception_ptr> run_without_savepoints(storage::store& db, const std::vector<char>& plan) {
    std::vector<std::exception_ptr> outcomes(plan.size());
    std::latch completed(static_cast<std::ptrdiff_t>(plan.size()));
    {
        writer_gate gate(db);
        for (std::size_t k = 0; k < plan.size(); ++k) {
            const char what = plan[k];  // '.' succeeds, 'b' throws before its write, 'a' after it
            storage::write_job job{[k, what](repository& repo) {
                                       if (what == 'b') throw std::runtime_error("refused before writing");
                                       repo.upsert_hub(hub_with_id(static_cast<std::int64_t>(k) + 1));
                                       if (what == 'a') throw std::runtime_error("failed after writing");
                                   },
                                   [&outcomes, &completed, k](std::exception_ptr error) {
                                       outcomes[k] = error;
                                       completed.count_down();
                                   }};
            job.own_savepoint = false;
            db.submit(std::move(job));
        }
        gate.open();
        completed.wait();
    }
    return outcomes;
}

}  // namespace

TEST_CASE("storage: a job without a savepoint that throws before any change fails alone") {
    test::temp_database t;
    const auto outcomes = run_without_savepoints(t.db, {'.', 'b', '.'});
    CHECK_FALSE(outcomes[0]);
    REQUIRE(outcomes[1]);
    CHECK_THROWS_WITH_AS(std::rethrow_exception(outcomes[1]), "refused before writing", std::runtime_error);
    CHECK_FALSE(outcomes[2]);
    storage::read_value(t.db, [](repository& repo) {
        CHECK(repo.find_hub(1).has_value());
        CHECK_FALSE(repo.find_hub(2).has_value());
        CHECK(repo.find_hub(3).has_value());
    });
}

TEST_CASE("storage: a job without a savepoint that throws after a change fails its whole batch") {
    test::temp_database t;
    const auto failed_before = t.db.statistics().failed_batches;
    const auto outcomes = run_without_savepoints(t.db, {'.', 'a', '.'});
    for (const auto& outcome : outcomes) {
        REQUIRE(outcome);
        CHECK_THROWS_WITH_AS(std::rethrow_exception(outcome), "failed after writing", std::runtime_error);
    }
    storage::read_value(t.db, [](repository& repo) {
        for (std::int64_t hub = 1; hub <= 3; ++hub) CHECK_FALSE(repo.find_hub(hub).has_value());
    });
    CHECK(t.db.statistics().failed_batches - failed_before == 1);
    // The writer goes on working.
    storage::write_and_wait(t.db, [](repository& repo) { repo.upsert_hub(hub_with_id(10)); });
    CHECK(storage::read_value(t.db, [](repository& repo) { return repo.find_hub(10).has_value(); }));
}

TEST_CASE("storage: write_and_wait rethrows what the job threw and keeps none of its writes") {
    test::temp_database t;
    CHECK_THROWS_WITH_AS(storage::write_and_wait(t.db, [](repository& repo) {
        repo.upsert_hub(hub_with_id(9));
        throw std::logic_error("broken");
    }),
                         "broken", std::logic_error);
    CHECK_FALSE(storage::read_value(t.db, [](repository& repo) { return repo.find_hub(9).has_value(); }));
    // The writer goes on working.
    storage::write_and_wait(t.db, [](repository& repo) { repo.upsert_hub(hub_with_id(10)); });
    CHECK(storage::read_value(t.db, [](repository& repo) { return repo.find_hub(10).has_value(); }));
}

TEST_CASE("storage: rollback_only undoes a job's writes and reaches its completion") {
    test::temp_database t;
    CHECK_THROWS_AS(storage::write_and_wait(t.db, [](repository& repo) {
        repo.upsert_hub(hub_with_id(20));
        repo.set_state("marker", 1);
        throw storage::rollback_only{};
    }),
                    storage::rollback_only);
    storage::read_value(t.db, [](repository& repo) {
        CHECK_FALSE(repo.find_hub(20).has_value());
        CHECK_FALSE(repo.get_state("marker").has_value());
    });

    std::promise<std::exception_ptr> outcome;
    t.db.submit(storage::write_job{
        [](repository& repo) {
            repo.upsert_hub(hub_with_id(21));
            throw storage::rollback_only{};
        },
        [&outcome](std::exception_ptr error) { outcome.set_value(error); }});
    const auto error = outcome.get_future().get();
    REQUIRE(error);
    CHECK_THROWS_AS(std::rethrow_exception(error), storage::rollback_only);
    CHECK_FALSE(storage::read_value(t.db, [](repository& repo) { return repo.find_hub(21).has_value(); }));
}

TEST_CASE("storage: the destructor commits everything still queued") {
    // At FULL the last batches wait for the WAL flush too: the destructor acknowledges them.
    for (const char* mode : {"NORMAL", "FULL"}) {
        CAPTURE(mode);
        test::temp_dir dir;
        const auto options = test::temp_db_options(dir, mode);
        std::atomic<int> completed{0};
        {
            sqlite_store db(options);
            for (std::int64_t id = 1; id <= 50; ++id) {
                db.submit(storage::write_job{[id](repository& repo) { repo.upsert_hub(hub_with_id(id)); },
                                              [&completed](std::exception_ptr e) {
                                                  if (!e) ++completed;
                                              }});
            }
        }
        CHECK(completed.load() == 50);
        sqlite_store reopened(options);
        CHECK(storage::read_value(reopened, [](repository& repo) { return repo.list_hubs().size(); }) == 50);
    }
}

TEST_CASE("storage: a burst's writes wait for their thread to seal the burst, then commit together") {
    test::temp_dir dir;
    auto options = test::temp_db_options(dir);
    options.burst_wait = std::chrono::minutes(1);  // no commit before the seal while the test runs
    sqlite_store db(options);
    const auto hub_visible = [&](std::int64_t id) {
        return storage::read_value(db, [id](repository& repo) { return repo.find_hub(id).has_value(); });
    };
    const std::uint64_t commits_before = db.statistics().commits;
    std::atomic<int> ran{0};
    std::promise<std::exception_ptr> done_first, done_second;

    CHECK_FALSE(db.in_burst());
    db.submit_in_burst(storage::write_job{
        [&](repository& repo) {
            repo.upsert_hub(hub_with_id(7));
            ++ran;
        },
        [&](std::exception_ptr e) { done_first.set_value(e); }});
    CHECK(db.in_burst());
    db.submit_in_burst(storage::write_job{
        [&](repository& repo) {
            repo.upsert_hub(hub_with_id(8));
            ++ran;
        },
        [&](std::exception_ptr e) { done_second.set_value(e); }});
    // Neither runs while the burst is open: the writer is not woken for each of them.
    auto first = done_first.get_future();
    auto second = done_second.get_future();
    CHECK(first.wait_for(std::chrono::milliseconds(50)) == std::future_status::timeout);
    CHECK(ran.load() == 0);
    CHECK_FALSE(hub_visible(7));
    CHECK_FALSE(hub_visible(8));

    db.seal_burst();
    CHECK_FALSE(db.in_burst());
    REQUIRE(first.wait_for(std::chrono::seconds(10)) == std::future_status::ready);
    REQUIRE(second.wait_for(std::chrono::seconds(10)) == std::future_status::ready);
    CHECK(ran.load() == 2);
    CHECK(first.get() == nullptr);
    CHECK(second.get() == nullptr);
    CHECK(hub_visible(7));
    CHECK(hub_visible(8));
    CHECK(db.statistics().commits == commits_before + 1);  // one transaction for the burst
}

TEST_CASE("storage: a burst its thread does not seal is committed after burst_wait") {
    test::temp_dir dir;
    auto options = test::temp_db_options(dir);
    options.burst_wait = std::chrono::milliseconds(20);
    sqlite_store db(options);
    std::promise<std::exception_ptr> done;
    db.submit_in_burst(storage::write_job{[](repository& repo) { repo.upsert_hub(hub_with_id(9)); },
                                           [&](std::exception_ptr e) { done.set_value(e); }});
    auto outcome = done.get_future();
    REQUIRE(outcome.wait_for(std::chrono::seconds(10)) == std::future_status::ready);
    CHECK(outcome.get() == nullptr);
    CHECK(storage::read_value(db, [](repository& repo) { return repo.find_hub(9).has_value(); }));
    // A plain write while the burst is still open is not held up beyond burst_wait either.
    storage::write_and_wait(db, [](repository& repo) { repo.upsert_hub(hub_with_id(10)); });
    CHECK(storage::read_value(db, [](repository& repo) { return repo.find_hub(10).has_value(); }));
    db.seal_burst();
}

TEST_CASE("storage: writes that keep arriving in an unsealed burst still commit every burst_wait") {
    // As from several network threads whose bursts overlap: the transaction never finds every
    // burst sealed, and commits anyway once it has been open burst_wait.
    test::temp_dir dir;
    auto options = test::temp_db_options(dir);
    options.burst_wait = std::chrono::milliseconds(20);
    sqlite_store db(options);
    std::atomic<int> acknowledged{0};
    const std::uint64_t commits_before = db.statistics().commits;
    for (int i = 1; i <= 150; ++i) {
        db.submit_in_burst(storage::write_job{[i](repository& repo) { repo.upsert_hub(hub_with_id(i)); },
                                               [&](std::exception_ptr e) {
                                                   if (!e) ++acknowledged;
                                               }});
        std::this_thread::sleep_for(std::chrono::milliseconds(1));  // the pace of arriving requests
    }
    // 150 ms of writes, none sealed: several commits, most writes acknowledged already.
    CHECK(db.statistics().commits >= commits_before + 2);
    CHECK(acknowledged.load() > 0);
    db.seal_burst();
    storage::write_and_wait(db, [](repository&) {});
    CHECK(acknowledged.load() == 150);
}

TEST_CASE("storage: a job of a burst that throws is rolled back alone") {
    test::temp_dir dir;
    auto options = test::temp_db_options(dir);
    options.burst_wait = std::chrono::minutes(1);
    sqlite_store db(options);
    std::promise<std::exception_ptr> failed, kept;
    db.submit_in_burst(storage::write_job{[](repository& repo) {
                                               repo.upsert_hub(hub_with_id(11));
                                               throw std::runtime_error("this job fails");
                                           },
                                           [&](std::exception_ptr e) { failed.set_value(e); }});
    db.submit_in_burst(storage::write_job{[](repository& repo) { repo.upsert_hub(hub_with_id(12)); },
                                           [&](std::exception_ptr e) { kept.set_value(e); }});
    db.seal_burst();
    auto failed_outcome = failed.get_future();
    auto kept_outcome = kept.get_future();
    REQUIRE(failed_outcome.wait_for(std::chrono::seconds(10)) == std::future_status::ready);
    REQUIRE(kept_outcome.wait_for(std::chrono::seconds(10)) == std::future_status::ready);
    CHECK_THROWS_AS(std::rethrow_exception(failed_outcome.get()), std::runtime_error);
    CHECK(kept_outcome.get() == nullptr);
    CHECK_FALSE(storage::read_value(db, [](repository& repo) { return repo.find_hub(11).has_value(); }));
    CHECK(storage::read_value(db, [](repository& repo) { return repo.find_hub(12).has_value(); }));
}

TEST_CASE("storage: under a steady stream of writes the WAL starts over instead of growing") {
    // One write after another, as from a client that waits for each answer: without a restart
    // every commit appends to the WAL (some 3 pages each here, 24,000 in all, 95 MB). The
    // checkpointer is woken at 1,000 pages and the writer starts the WAL over when it next waits
    // for work; the file keeps the largest size it ever had (6.6 to 13.2 MB in ten runs here).
    test::temp_database t("OFF");
    constexpr int writes = 8000;
    for (int i = 1; i <= writes; ++i) {
        storage::write_and_wait(t.db, [i](repository& repo) { repo.upsert_hub(hub_with_id(i)); });
        // A pause now and then, as a client's think time: on a loaded machine (ctest -j2 beside
        // other builds) the checkpoint thread could otherwise be starved of CPU until the writer
        // reaches its own backstop, which is what this test tells apart from a restart.
        if (i % 1000 == 0) std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    CHECK(storage::read_value(t.db, [](repository& repo) { return repo.list_hubs().size(); }) == writes);
    const auto wal_bytes = std::filesystem::file_size(t.dir.file("test.db-wal"));
    MESSAGE("WAL: " << wal_bytes << " bytes after " << t.db.statistics().commits << " commits");
    CHECK(wal_bytes < 6000u * (4096 + 24));  // without a restart: the 8,000-page backstop
}

TEST_CASE("storage: faults fail writes as unavailable while they last; reads go on; clearing them recovers") {
    test::temp_database t;
    storage::write_and_wait(t.db, [](repository& repo) { repo.upsert_hub(hub_with_id(1)); });
    // Writes hub `id` and 300 more with long domains (some 20 pages); true when refused as unavailable.
    const auto refused = [&](std::int64_t id) {
        try {
            storage::write_and_wait(t.db, [id](repository& repo) {
                repo.upsert_hub(hub_with_id(id));
                for (std::int64_t k = 1; k <= 300; ++k) {
                    auto hub = hub_with_id(id * 1000 + k);
                    hub.hub_domain += std::string(200, 'x');
                    repo.upsert_hub(hub);
                }
            });
        } catch (const storage::storage_error& e) {
            return e.unavailable();
        }
        return false;
    };

    t.db.set_faults({/*read_only=*/true, 0});
    CHECK(t.db.faults().read_only);
    CHECK(refused(2));
    CHECK(storage::read_value(t.db, [](repository& repo) { return repo.find_hub(1).has_value(); }));

    // A cap below the database's size: a write that needs a new page fails as a full disk.
    t.db.set_faults({false, 2});
    CHECK(t.db.faults().max_page_count == 2);
    CHECK(refused(3));

    t.db.set_faults({});
    CHECK_FALSE(refused(4));
    storage::read_value(t.db, [](repository& repo) {
        CHECK(repo.find_hub(4).has_value());
        CHECK_FALSE(repo.find_hub(2).has_value());
        CHECK_FALSE(repo.find_hub(3).has_value());
    });
}

TEST_CASE("storage: access-token ids taken on any thread are never taken twice") {
    test::temp_database t;
    std::vector<std::int64_t> taken;
    std::mutex taken_mutex;
    std::vector<std::thread> takers;
    for (int k = 0; k < 4; ++k) {
        takers.emplace_back([&] {
            std::vector<std::int64_t> mine;
            for (int i = 0; i < 500; ++i) mine.push_back(t.db.allocate_access_id());
            // The writer's repository draws from the same sequence.
            mine.push_back(storage::write_and_wait(t.db, [](repository& repo) { return repo.allocate_access_id(); }));
            const std::lock_guard lock(taken_mutex);
            taken.insert(taken.end(), mine.begin(), mine.end());
        });
    }
    for (auto& taker : takers) taker.join();
    std::sort(taken.begin(), taken.end());
    CHECK(std::adjacent_find(taken.begin(), taken.end()) == taken.end());
    CHECK(taken.front() >= 1);
}
