#include "hsoauth/storage/sqlite/reader_pool.hpp"

#include <exception>
#include <utility>

namespace hsoauth::storage::sqlite {
namespace {

// How long a reader may keep one snapshot while nothing is committed here: the bound on how late
// it sees a change made by another process.
constexpr auto snapshot_reuse_limit = std::chrono::milliseconds(10);

}  // namespace

reader_pool::reader_pool(std::string path, std::shared_ptr<id_sequence> access_ids)
    : path_(std::move(path)), access_ids_(std::move(access_ids)) {}

reader_pool::~reader_pool() = default;

reader_pool::lease::lease(reader_pool& pool, reader& leased)
    : pool_(pool), reader_(leased), failing_at_start_(std::uncaught_exceptions()) {}

reader_pool::lease::~lease() {
    // A read that failed may have left its transaction in any state: start afresh next time.
    if (std::uncaught_exceptions() > failing_at_start_) end_snapshot(reader_);
    pool_.release(reader_);
}

repository& reader_pool::lease::repo() { return *reader_.repo; }

reader_pool::lease reader_pool::acquire() {
    reader* r = nullptr;
    {
        std::lock_guard lock(mutex_);
        if (!idle_.empty()) {
            r = idle_.back();
            idle_.pop_back();
        }
    }
    if (r == nullptr) {
        auto fresh = std::make_unique<reader>();
        fresh->conn = std::make_unique<connection>(path_, /*create=*/false);
        configure_reader(*fresh->conn);
        fresh->repo = std::make_unique<sqlite_repository>(*fresh->conn, access_ids_);
        fresh->begin = std::make_unique<statement>(fresh->conn->prepare("BEGIN"));
        fresh->end = std::make_unique<statement>(fresh->conn->prepare("COMMIT"));
        r = fresh.get();
        std::lock_guard lock(mutex_);
        readers_.push_back(std::move(fresh));
    }
    try {
        open_snapshot(*r);
    } catch (...) {
        release(*r);
        throw;
    }
    return lease(*this, *r);
}

void reader_pool::open_snapshot(reader& r) {
    // A commit since the snapshot began: the snapshot may miss a write already acknowledged.
    const std::uint64_t generation = generation_.load(std::memory_order_acquire);
    const auto now = std::chrono::steady_clock::now();
    if (r.in_transaction && (r.generation != generation || now - r.opened > snapshot_reuse_limit)) {
        end_snapshot(r);
    }
    if (r.in_transaction) return;
    // BEGIN takes the snapshot at the first read, after `generation` was loaded: the snapshot is
    // at least as new as that generation.
    statement_scope begin(*r.begin);
    begin->run();
    r.in_transaction = true;
    r.generation = generation;
    r.opened = now;
}

void reader_pool::end_snapshot(reader& r) {
    if (!r.in_transaction) return;
    r.in_transaction = false;
    try {
        statement_scope end(*r.end);
        end->run();
    } catch (...) {
        if (r.conn->in_transaction()) {
            try {
                r.conn->exec("ROLLBACK");
            } catch (...) {
                // Ignored: a connection that stays broken fails its next BEGIN, which reports it.
            }
        }
    }
}

void reader_pool::end_idle_snapshots() {
    std::lock_guard lock(mutex_);
    for (reader* r : idle_) end_snapshot(*r);
}

void reader_pool::release(reader& r) {
    std::lock_guard lock(mutex_);
    idle_.push_back(&r);
}

}  // namespace hsoauth::storage::sqlite
