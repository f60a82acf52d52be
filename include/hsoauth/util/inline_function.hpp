#pragma once
// inline_function<R(Args...), Capacity>: an owning, copyable callable like std::function, that
// keeps a callable of up to `Capacity` bytes (nothrow-movable, not over-aligned) in its own
// storage instead of on the heap; a larger one is kept on the heap, as std::function would.
// libstdc++'s std::function keeps only trivially copyable callables of 16 bytes or less in
// place, so every lambda that captures a shared_ptr or another std::function allocates: this
// type is for callbacks made once per request (service replies), where that allocation counts.
// Calling an empty inline_function throws std::bad_function_call. Not thread-safe.
#include <cstddef>
#include <cstring>
#include <functional>
#include <memory>
#include <new>
#include <type_traits>
#include <utility>

namespace hsoauth {

template <class Signature, std::size_t Capacity>
class inline_function;

template <class R, class... Args, std::size_t Capacity>
class inline_function<R(Args...), Capacity> {
  public:
    inline_function() noexcept = default;
    inline_function(std::nullptr_t) noexcept {}  // NOLINT(google-explicit-constructor): as std::function

    template <class F>
        requires(!std::is_same_v<std::remove_cvref_t<F>, inline_function> &&
                 !std::is_same_v<std::remove_cvref_t<F>, std::nullptr_t> &&
                 std::is_copy_constructible_v<std::decay_t<F>> &&
                 std::is_invocable_r_v<R, std::decay_t<F>&, Args...>)
    inline_function(F&& callable)  // NOLINT(google-explicit-constructor): used like a lambda parameter
    {
        using target = std::decay_t<F>;
        if constexpr (fits<target>) {
            ::new (static_cast<void*>(storage_)) target(std::forward<F>(callable));
            ops_ = &in_place_ops<target>;
        } else {
            ::new (static_cast<void*>(storage_)) target*(new target(std::forward<F>(callable)));
            ops_ = &on_heap_ops<target>;
        }
    }

    inline_function(const inline_function& other) : ops_(nullptr) {
        if (other.ops_ != nullptr) {
            other.ops_->copy(other.storage_, storage_);
            ops_ = other.ops_;
        }
    }
    inline_function(inline_function&& other) noexcept : ops_(other.ops_) {
        if (ops_ != nullptr) {
            relocate(other.storage_, storage_);
            other.ops_ = nullptr;
        }
    }
    inline_function& operator=(const inline_function& other) {
        if (this != &other) *this = inline_function(other);
        return *this;
    }
    inline_function& operator=(inline_function&& other) noexcept {
        if (this != &other) {
            reset();
            if (other.ops_ != nullptr) {
                ops_ = other.ops_;
                relocate(other.storage_, storage_);
                other.ops_ = nullptr;
            }
        }
        return *this;
    }
    inline_function& operator=(std::nullptr_t) noexcept {
        reset();
        return *this;
    }
    ~inline_function() { reset(); }

    explicit operator bool() const noexcept { return ops_ != nullptr; }
    friend bool operator==(const inline_function& f, std::nullptr_t) noexcept { return f.ops_ == nullptr; }

    // As std::function: const, and calls the callable it owns as a non-const object.
    R operator()(Args... args) const {
        if (ops_ == nullptr) throw std::bad_function_call();
        return ops_->call(const_cast<unsigned char*>(storage_), std::forward<Args>(args)...);
    }

  private:
    struct operations {
        R (*call)(void* self, Args... args);
        void (*copy)(const void* from, void* to);
        // Moves `from` to `to` and destroys `from`; nullptr: copying the bytes does (a trivially
        // copyable callable, or the pointer to one on the heap).
        void (*move)(void* from, void* to) noexcept;
        void (*destroy)(void* self) noexcept;  // nullptr: nothing to do (trivially destructible)
    };

    template <class T>
    static constexpr bool fits = sizeof(T) <= Capacity && alignof(T) <= alignof(std::max_align_t) &&
                                 std::is_nothrow_move_constructible_v<T>;

    template <class T>
    static R invoke(T& target, Args... args) {
        if constexpr (std::is_void_v<R>) {
            std::invoke(target, std::forward<Args>(args)...);
        } else {
            return std::invoke(target, std::forward<Args>(args)...);
        }
    }

    template <class T>
    static constexpr bool trivial = std::is_trivially_copyable_v<T> && std::is_trivially_destructible_v<T>;

    template <class T>
    static constexpr operations in_place_ops{
        [](void* self, Args... args) -> R { return invoke(*static_cast<T*>(self), std::forward<Args>(args)...); },
        [](const void* from, void* to) { ::new (to) T(*static_cast<const T*>(from)); },
        trivial<T> ? nullptr
                   : +[](void* from, void* to) noexcept {
                         ::new (to) T(std::move(*static_cast<T*>(from)));
                         static_cast<T*>(from)->~T();
                     },
        trivial<T> ? nullptr : +[](void* self) noexcept { static_cast<T*>(self)->~T(); }};

    template <class T>
    static constexpr operations on_heap_ops{
        [](void* self, Args... args) -> R { return invoke(**static_cast<T**>(self), std::forward<Args>(args)...); },
        [](const void* from, void* to) { ::new (to) T*(new T(**static_cast<T* const*>(from))); },
        nullptr,
        [](void* self) noexcept { delete *static_cast<T**>(self); }};

    // Moves the callable in `from` (this object's ops_) to `to`, leaving `from` destroyed.
    void relocate(void* from, void* to) noexcept {
        if (ops_->move != nullptr) {
            ops_->move(from, to);
        } else {
            std::memcpy(to, from, sizeof storage_);
        }
    }

    void reset() noexcept {
        if (ops_ != nullptr) {
            if (ops_->destroy != nullptr) ops_->destroy(storage_);
            ops_ = nullptr;
        }
    }

    alignas(std::max_align_t) unsigned char storage_[Capacity < sizeof(void*) ? sizeof(void*) : Capacity];
    const operations* ops_ = nullptr;
};

}  // namespace hsoauth
