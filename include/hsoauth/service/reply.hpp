#pragma once
// How a use case answers: reply<T>, called exactly once with the outcome, on any thread (at once
// on the calling thread for reads, on the storage engine's thread once a write is durable). It
// must not block; the outcome is the reply's to move from.
//
// A reply is the answer (the callable the view made, shaping the outcome for its connection)
// plus the taps the decorators between the view and the service added on the way in: each tap
// sees the outcome, and may change it, before the answer gets it, the last added first (the
// decorator nearest the service sees it first, as if each had wrapped the reply). Decorators add
// a tap instead of wrapping the reply in a new callable, so that a request's reply is built
// without an allocation: the answer and the taps are kept in the reply's own storage as long as
// they are small enough (answer_capacity, tap_capacity bytes), on the heap otherwise.
#include <array>
#include <cstddef>
#include <type_traits>
#include <utility>

#include "hsoauth/util/inline_function.hpp"

namespace hsoauth::service {

template <class T>
class outcome;

template <class T>
class reply {
  public:
    static constexpr std::size_t answer_capacity = 96;  // the views' answers: a responder and a few views
    static constexpr std::size_t tap_capacity = 48;     // a decorator's tap: a few pointers, or a string
    static constexpr std::size_t max_taps = 4;          // beyond: the reply is wrapped (allocates)

    using answer_function = inline_function<void(outcome<T>&&), answer_capacity>;
    using tap_function = inline_function<void(outcome<T>&), tap_capacity>;

    reply() noexcept = default;
    reply(std::nullptr_t) noexcept {}  // NOLINT(google-explicit-constructor): as std::function
    // The answer: `answer(outcome<T>&&)`.
    template <class F>
        requires(!std::is_same_v<std::remove_cvref_t<F>, reply> &&
                 !std::is_same_v<std::remove_cvref_t<F>, std::nullptr_t> &&
                 std::is_constructible_v<answer_function, F>)
    reply(F&& answer)  // NOLINT(google-explicit-constructor): a lambda is a reply, as with std::function
        : answer_(std::forward<F>(answer)) {}

    reply(const reply&) = default;
    reply& operator=(const reply&) = default;
    // Moves the answer and the taps there are, nothing more (a reply moves at each hop).
    reply(reply&& other) noexcept : answer_(std::move(other.answer_)), taps_(std::exchange(other.taps_, 0)) {
        for (std::size_t i = 0; i < taps_; ++i) taps_list_[i] = std::move(other.taps_list_[i]);
    }
    reply& operator=(reply&& other) noexcept {
        if (this != &other) {
            answer_ = std::move(other.answer_);
            for (std::size_t i = 0; i < taps_; ++i) taps_list_[i] = nullptr;
            taps_ = std::exchange(other.taps_, 0);
            for (std::size_t i = 0; i < taps_; ++i) taps_list_[i] = std::move(other.taps_list_[i]);
        }
        return *this;
    }
    ~reply() = default;

    explicit operator bool() const noexcept { return static_cast<bool>(answer_); }

    // Adds `tap(outcome<T>&)`, run before the taps added earlier and before the answer.
    template <class F>
    void tap(F&& f) {
        if (taps_ == max_taps) {
            // Full: what is there so far becomes the answer (on the heap), the tap the first.
            reply inner = std::move(*this);
            answer_ = answer_function([inner = std::move(inner)](outcome<T>&& out) { inner(std::move(out)); });
        }
        taps_list_[taps_++] = tap_function(std::forward<F>(f));
    }

    // Runs the taps, the last added first, then the answer. Const as std::function's call is.
    void operator()(outcome<T>&& out) const {
        for (std::size_t i = taps_; i > 0; --i) taps_list_[i - 1](out);
        answer_(std::move(out));
    }

  private:
    answer_function answer_;
    std::array<tap_function, max_taps> taps_list_;
    std::size_t taps_ = 0;
};

}  // namespace hsoauth::service
