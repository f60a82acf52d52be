#pragma once
// pooled_allocator<T>: an allocator for objects made once per request and let go once it is
// answered (the state an intercepting decorator shares between an operation and its reply,
// through std::allocate_shared). A single object's block comes from a free list of blocks of its
// size kept by the calling thread, and goes back to the free list of the thread that lets it go
// (a block may move from thread to thread that way); arrays and blocks beyond a list's
// `kept_per_thread` go to operator new and delete. A thread's list gives its blocks back to
// operator delete when the thread ends. Taking or giving back a block touches no lock and no
// other thread's memory: in the steady state no request pays malloc and free for them.
#include <cstddef>
#include <new>
#include <utility>

namespace hsoauth {

namespace detail {

// The free blocks of `Size` bytes (aligned for any scalar) of the calling thread.
template <std::size_t Size>
class block_free_list {
  public:
    static constexpr std::size_t kept_per_thread = 256;

    static void* take() {
        if (ended()) return ::operator new(Size);
        free_list& list = mine();
        if (list.head == nullptr) return ::operator new(Size);
        node* n = list.head;
        list.head = n->next;
        --list.count;
        return n;
    }

    static void give_back(void* block) noexcept {
        if (ended()) return ::operator delete(block);  // from another thread_local's destructor
        free_list& list = mine();
        if (list.count == kept_per_thread) return ::operator delete(block);
        list.head = ::new (block) node{list.head};
        ++list.count;
    }

  private:
    struct node {
        node* next;
    };
    struct free_list {
        node* head = nullptr;
        std::size_t count = 0;
        ~free_list() {
            while (head != nullptr) ::operator delete(std::exchange(head, head->next));
            ended() = true;
        }
    };
    // Whether the thread's list was destroyed (the thread is ending). Trivially destructible,
    // so it can still be read then.
    static bool& ended() {
        thread_local bool gone = false;
        return gone;
    }
    static free_list& mine() {
        thread_local free_list list;
        return list;
    }
};

// A block's size: rounded up to 64 bytes, so that close sizes share a list.
constexpr std::size_t pooled_block_size(std::size_t bytes) { return (bytes + 63) / 64 * 64; }

}  // namespace detail

template <class T>
class pooled_allocator {
    static_assert(alignof(T) <= alignof(std::max_align_t), "pooled blocks are aligned as operator new's");
    using pool = detail::block_free_list<detail::pooled_block_size(sizeof(T))>;

  public:
    using value_type = T;

    pooled_allocator() noexcept = default;
    template <class U>
    pooled_allocator(const pooled_allocator<U>&) noexcept {}  // NOLINT(google-explicit-constructor): rebinding

    T* allocate(std::size_t n) {
        if (n == 1) return static_cast<T*>(pool::take());
        return static_cast<T*>(::operator new(n * sizeof(T)));
    }
    void deallocate(T* p, std::size_t n) noexcept {
        if (n == 1) return pool::give_back(p);
        ::operator delete(p);
    }

    template <class U>
    bool operator==(const pooled_allocator<U>&) const noexcept {
        return true;
    }
};

}  // namespace hsoauth
