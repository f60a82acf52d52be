#include "hsoauth/storage/sqlite/pooled_memory.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <array>
#include <bit>
#include <climits>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <new>
#include <utility>

#include "hsoauth/util/pooled_allocator.hpp"

namespace hsoauth::storage::sqlite {
namespace {

constexpr int class_count = 9;           // usable sizes of 16 << c bytes, c = 0 .. 8
constexpr int largest_pooled = 16 << 8;  // 4,096
constexpr std::size_t header_bytes = alignof(std::max_align_t);  // keeps the block aligned

constexpr int class_size(int c) { return 16 << c; }

// The class of a block of `bytes` usable bytes (1 .. largest_pooled): the smallest that holds it.
int class_of(int bytes) { return bytes <= 16 ? 0 : std::bit_width(static_cast<unsigned>(bytes - 1)) - 4; }

template <int C>
using class_list = detail::block_free_list<header_bytes + class_size(C)>;

template <int... C>
constexpr auto takers(std::integer_sequence<int, C...>) {
    return std::array<void* (*)(), class_count>{&class_list<C>::take...};
}
template <int... C>
constexpr auto givers(std::integer_sequence<int, C...>) {
    return std::array<void (*)(void*) noexcept, class_count>{&class_list<C>::give_back...};
}
constexpr auto take_from = takers(std::make_integer_sequence<int, class_count>{});
constexpr auto give_back_to = givers(std::make_integer_sequence<int, class_count>{});

char* raw_of(void* block) { return static_cast<char*>(block) - header_bytes; }

std::int64_t& usable_of(void* block) { return *reinterpret_cast<std::int64_t*>(raw_of(block)); }

void* with_header(void* raw, int usable) {
    void* block = static_cast<char*>(raw) + header_bytes;
    usable_of(block) = usable;
    return block;
}

int memory_init(void*) { return SQLITE_OK; }
void memory_shutdown(void*) {}

}  // namespace

void* pooled_allocate(int bytes) try {
    const int usable = pooled_roundup(bytes);
    if (usable > largest_pooled) {
        return with_header(::operator new(header_bytes + static_cast<std::size_t>(usable)), usable);
    }
    return with_header(take_from[static_cast<std::size_t>(class_of(usable))](), usable);
} catch (const std::bad_alloc&) {
    return nullptr;  // SQLite reports SQLITE_NOMEM
}

void pooled_release(void* block) {
    const auto usable = static_cast<int>(usable_of(block));
    if (usable > largest_pooled) return ::operator delete(raw_of(block));
    give_back_to[static_cast<std::size_t>(class_of(usable))](raw_of(block));
}

void* pooled_resize(void* block, int bytes) {
    const int usable = pooled_size(block);
    if (bytes <= usable) return block;
    void* bigger = pooled_allocate(bytes);
    if (bigger == nullptr) return nullptr;
    std::memcpy(bigger, block, static_cast<std::size_t>(usable));
    pooled_release(block);
    return bigger;
}

int pooled_size(void* block) { return static_cast<int>(usable_of(block)); }

int pooled_roundup(int bytes) {
    bytes = std::max(bytes, 1);
    if (bytes <= largest_pooled) return class_size(class_of(bytes));
    return bytes > INT_MAX - 7 ? bytes : (bytes + 7) & ~7;
}

bool install_pooled_memory() {
    static const sqlite3_mem_methods methods{
        pooled_allocate, pooled_release, pooled_resize, pooled_size, pooled_roundup,
        memory_init,     memory_shutdown, nullptr};
    return sqlite3_config(SQLITE_CONFIG_MALLOC, &methods) == SQLITE_OK;
}

}  // namespace hsoauth::storage::sqlite
