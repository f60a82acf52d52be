#pragma once
// ring_buffer<T>: a first-in first-out queue over one array, for queues whose elements leave in
// the order they came (the event journal and its token directory). std::deque allocates a block
// for every 512 bytes pushed (every event, as large as it is) and frees it once they are popped;
// a ring allocates only when it grows, by doubling, up to `growth_limit` elements (beyond that,
// only when more are pushed than it holds). A popped slot keeps its element, moved-from or
// stale, until a push assigns over it; clear() gives the array back. T must be default
// constructible and move assignable. Not thread-safe.
#include <algorithm>
#include <cstddef>
#include <utility>
#include <vector>

namespace hsoauth {

template <class T>
class ring_buffer {
  public:
    explicit ring_buffer(std::size_t growth_limit) : growth_limit_(std::max<std::size_t>(growth_limit, 1)) {}

    std::size_t size() const noexcept { return size_; }
    bool empty() const noexcept { return size_ == 0; }

    // The i-th element, 0 the oldest. i < size().
    T& operator[](std::size_t i) noexcept { return slots_[slot_of(i)]; }
    const T& operator[](std::size_t i) const noexcept { return slots_[slot_of(i)]; }
    T& front() noexcept { return slots_[head_]; }
    const T& front() const noexcept { return slots_[head_]; }
    T& back() noexcept { return (*this)[size_ - 1]; }
    const T& back() const noexcept { return (*this)[size_ - 1]; }

    void push_back(T&& value) {
        if (size_ == slots_.size()) grow();
        slots_[slot_of(size_)] = std::move(value);
        ++size_;
    }

    // Drops the oldest element. !empty().
    void pop_front() noexcept {
        head_ = head_ + 1 == slots_.size() ? 0 : head_ + 1;
        --size_;
    }

    void clear() noexcept {
        std::vector<T>().swap(slots_);
        head_ = 0;
        size_ = 0;
    }

  private:
    std::size_t slot_of(std::size_t i) const noexcept {
        const std::size_t at = head_ + i;
        return at < slots_.size() ? at : at - slots_.size();
    }

    void grow() {
        const std::size_t doubled = std::max<std::size_t>(slots_.size() * 2, 16);
        const std::size_t capacity = std::max(size_ + 1, std::min(doubled, growth_limit_));
        std::vector<T> larger(capacity);
        for (std::size_t i = 0; i < size_; ++i) larger[i] = std::move((*this)[i]);
        slots_.swap(larger);
        head_ = 0;
    }

    std::size_t growth_limit_;
    std::vector<T> slots_;
    std::size_t head_ = 0;  // the oldest element's slot
    std::size_t size_ = 0;
};

}  // namespace hsoauth
