#pragma once
// function_ref<R(Args...)>: a non-owning reference to a callable, for parameters that are called
// before the function taking them returns (no allocation, unlike std::function). The callable
// must outlive every call through the reference. With R = void, the callable's own result (if
// any) is discarded.
#include <functional>
#include <memory>
#include <type_traits>
#include <utility>

namespace hsoauth {

template <class Signature>
class function_ref;

template <class R, class... Args>
class function_ref<R(Args...)> {
public:
    template <class F>
        requires(!std::is_same_v<std::remove_cvref_t<F>, function_ref> &&
                 std::is_invocable_r_v<R, F&, Args...>)
    function_ref(F&& callable) noexcept  // NOLINT(google-explicit-constructor): used like a lambda parameter
        : object_(const_cast<void*>(static_cast<const void*>(std::addressof(callable)))),
          call_([](void* object, Args... args) -> R {
              auto& target = *static_cast<std::remove_reference_t<F>*>(object);
              if constexpr (std::is_void_v<R>) {
                  std::invoke(target, std::forward<Args>(args)...);
              } else {
                  return std::invoke(target, std::forward<Args>(args)...);
              }
          }) {}

    R operator()(Args... args) const { return call_(object_, std::forward<Args>(args)...); }

private:
    void* object_;
    R (*call_)(void*, Args...);
};

}  // namespace hsoauth
