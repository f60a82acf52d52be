#pragma once
// block_queue<T>: a first-in first-out queue of large elements (the journal's events and token
// owners) kept in blocks of `block_size` elements, the blocks in a ring_buffer of pointers. Like
// std::deque it never moves an element to grow (a ring of elements moves all of them at each
// doubling, a pause proportional to the journal's size); unlike std::deque it keeps the block
// its front lets go and reuses it for the back, so a queue whose size stays put (a journal at
// its cap) allocates nothing. A popped slot keeps its element, moved-from or stale, until a push
// assigns over it. T must be default constructible and move assignable. Not thread-safe.
#include <cstddef>
#include <memory>
#include <utility>

#include "hsoauth/util/ring_buffer.hpp"

namespace hsoauth {

template <class T, std::size_t block_size = 64>
class block_queue {
  public:
    // `expected_limit`: about how many elements it holds at most (sizes the ring of blocks).
    explicit block_queue(std::size_t expected_limit) : blocks_(expected_limit / block_size + 2) {}

    std::size_t size() const noexcept { return size_; }
    bool empty() const noexcept { return size_ == 0; }

    // The i-th element, 0 the oldest. i < size().
    T& operator[](std::size_t i) noexcept {
        const std::size_t at = head_ + i;
        return blocks_[at / block_size][at % block_size];
    }
    const T& operator[](std::size_t i) const noexcept {
        const std::size_t at = head_ + i;
        return blocks_[at / block_size][at % block_size];
    }
    T& front() noexcept { return (*this)[0]; }
    const T& front() const noexcept { return (*this)[0]; }
    T& back() noexcept { return (*this)[size_ - 1]; }
    const T& back() const noexcept { return (*this)[size_ - 1]; }

    void push_back(T&& value) {
        if (head_ + size_ == blocks_.size() * block_size) {
            blocks_.push_back(spare_ ? std::move(spare_) : std::make_unique<T[]>(block_size));
        }
        (*this)[size_] = std::move(value);
        ++size_;
    }

    // Drops the oldest element. !empty().
    void pop_front() noexcept {
        --size_;
        if (++head_ == block_size) {
            spare_ = std::move(blocks_.front());  // one block kept for the back, an older spare freed
            blocks_.pop_front();
            head_ = 0;
        }
    }

    void clear() noexcept {
        blocks_.clear();
        spare_.reset();
        head_ = 0;
        size_ = 0;
    }

  private:
    ring_buffer<std::unique_ptr<T[]>> blocks_;
    std::unique_ptr<T[]> spare_;
    std::size_t head_ = 0;  // the oldest element's place in the first block
    std::size_t size_ = 0;
};

}  // namespace hsoauth
