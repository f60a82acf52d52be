#pragma once
// Memory for one request's parsed header, taken from a block the connection keeps, so that
// reading a request allocates nothing in the steady state. Private to src/http/.
#include <cstddef>
#include <memory>
#include <new>

namespace hsoauth::http::detail {

// A bump allocator over a fixed block: allocations are carved from the block in order and
// given back all at once by reset(); what does not fit comes from operator new (and goes back
// to operator delete). One connection's, on its own thread only.
class request_arena {
  public:
    static constexpr std::size_t capacity = 2048;

    void* allocate(std::size_t bytes, std::size_t alignment) {
        const std::size_t start = (used_ + alignment - 1) & ~(alignment - 1);
        if (alignment <= alignof(std::max_align_t) && start + bytes <= capacity) {
            used_ = start + bytes;
            return block_ + start;
        }
        return ::operator new(bytes, std::align_val_t(alignment));
    }

    void deallocate(void* p, std::size_t alignment) {
        if (owns(p)) return;  // given back by reset()
        ::operator delete(p, std::align_val_t(alignment));
    }

    // Every block carved so far is free again. Only once nothing allocated from it is in use.
    void reset() { used_ = 0; }

  private:
    bool owns(const void* p) const {
        const auto* byte = static_cast<const std::byte*>(p);
        return byte >= block_ && byte < block_ + capacity;
    }

    alignas(std::max_align_t) std::byte block_[capacity];
    std::size_t used_ = 0;
};

// The standard allocator interface over a request_arena (for Beast's header fields).
template <class T>
class arena_allocator {
  public:
    using value_type = T;

    explicit arena_allocator(request_arena& arena) noexcept : arena_(&arena) {}
    template <class U>
    arena_allocator(const arena_allocator<U>& other) noexcept : arena_(other.arena()) {}

    T* allocate(std::size_t n) { return static_cast<T*>(arena_->allocate(n * sizeof(T), alignof(T))); }
    void deallocate(T* p, std::size_t) noexcept { arena_->deallocate(p, alignof(T)); }

    request_arena* arena() const noexcept { return arena_; }

    template <class U>
    bool operator==(const arena_allocator<U>& other) const noexcept {
        return arena_ == other.arena();
    }

  private:
    request_arena* arena_;
};

}  // namespace hsoauth::http::detail
