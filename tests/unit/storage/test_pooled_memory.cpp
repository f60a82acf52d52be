// SQLite's memory from per-thread pools (storage/sqlite/pooled_memory.hpp): sizes as SQLite is
// told they are, a block given back is the next taken on its thread, blocks may be freed on
// another thread, a block grows with its contents, and SQLite allocates through the pools.
#include <doctest/doctest.h>
#include <sqlite3.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "hsoauth/storage/sqlite/connection.hpp"
#include "hsoauth/storage/sqlite/pooled_memory.hpp"

using namespace hsoauth::storage::sqlite;

TEST_CASE("pooled memory: a block holds what was asked, rounded as pooled_roundup says") {
    for (const int bytes : {-5, 0, 1, 16, 17, 100, 1000, 4096, 4097, 100'000}) {
        CAPTURE(bytes);
        void* block = pooled_allocate(bytes);
        REQUIRE(block != nullptr);
        CHECK(pooled_size(block) >= std::max(bytes, 1));
        CHECK(pooled_size(block) == pooled_roundup(bytes));
        CHECK(reinterpret_cast<std::uintptr_t>(block) % alignof(std::max_align_t) == 0);
        std::memset(block, 0x5a, static_cast<std::size_t>(pooled_size(block)));  // all of it usable
        pooled_release(block);
    }
    CHECK(pooled_roundup(1) == 16);
    CHECK(pooled_roundup(17) == 32);
    CHECK(pooled_roundup(4096) == 4096);
    CHECK(pooled_roundup(4097) == 4104);  // beyond the classes: rounded up to 8
}

TEST_CASE("pooled memory: the block given back is the next one of its class taken on the thread") {
    void* first = pooled_allocate(200);
    pooled_release(first);
    void* again = pooled_allocate(150);  // the same class (256 bytes)
    CHECK(again == first);
    void* other_class = pooled_allocate(20);
    CHECK(other_class != first);
    pooled_release(other_class);
    pooled_release(again);
}

TEST_CASE("pooled memory: a block made on one thread is freed on another, and reused there") {
    // This thread's list of the class may be full from earlier tests (a full list lets a block
    // go): taking more blocks than a list keeps empties it first.
    std::vector<void*> emptying(300);
    for (auto& block : emptying) block = pooled_allocate(300);
    void* made_elsewhere = nullptr;
    std::thread([&] { made_elsewhere = pooled_allocate(300); }).join();
    REQUIRE(made_elsewhere != nullptr);
    pooled_release(made_elsewhere);
    void* taken_here = pooled_allocate(300);
    CHECK(taken_here == made_elsewhere);
    pooled_release(taken_here);
    for (void* block : emptying) pooled_release(block);
}

TEST_CASE("pooled memory: a block resized keeps its contents, and stays itself while it fits") {
    auto* block = static_cast<char*>(pooled_allocate(10));
    std::memcpy(block, "0123456789", 10);
    CHECK(pooled_resize(block, 16) == block);  // the class holds 16
    auto* grown = static_cast<char*>(pooled_resize(block, 5000));
    REQUIRE(grown != nullptr);
    CHECK(std::string(grown, 10) == "0123456789");
    CHECK(pooled_size(grown) >= 5000);
    pooled_release(grown);
}

#ifndef __SANITIZE_ADDRESS__
TEST_CASE("pooled memory: SQLite allocates from the pools once a connection has opened") {
    connection conn(":memory:", /*create=*/true);  // applies the library settings first
    void* block = sqlite3_malloc(100);
    REQUIRE(block != nullptr);
    // malloc's own block of 100 bytes has 104 usable (glibc): only the pools round it to 128.
    REQUIRE(sqlite3_msize(block) == 128);
    CHECK(pooled_size(block) == 128);  // read only once the block is known to be the pools
    sqlite3_free(block);
    conn.exec("CREATE TABLE t(a TEXT); INSERT INTO t VALUES ('works')");
}
#endif
