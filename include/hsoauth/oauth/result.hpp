#pragma once
// result<T>: a value or a client error. Expected failures travel as values; broken
// infrastructure throws (see storage/errors.hpp).
#include <cstdint>
#include <string>
#include <utility>
#include <variant>

#include "hsoauth/oauth/errc.hpp"

namespace hsoauth::oauth {

struct error {
    errc code;
    std::string detail;        // what exactly was wrong, in words; empty: the wire's default text
    std::string field;         // the offending request field, when there is one
    std::int64_t seconds = 0;  // expired_token: since when; client_throttled: until it lifts
};

inline error make_error(errc code, std::string detail = {}, std::string field = {}) {
    return error{code, std::move(detail), std::move(field), 0};
}

template <class T>
class result {
  public:
    // The value goes straight into place: one move (a by-value parameter would cost a second).
    result(T&& value) : v_(std::in_place_index<0>, std::move(value)) {}
    result(const T& value) : v_(std::in_place_index<0>, value) {}
    result(error e) : v_(std::move(e)) {}

    bool ok() const { return v_.index() == 0; }
    explicit operator bool() const { return ok(); }
    T& value() { return std::get<0>(v_); }
    const T& value() const { return std::get<0>(v_); }
    T* operator->() { return &value(); }
    const T* operator->() const { return &value(); }
    T& operator*() { return value(); }
    const T& operator*() const { return value(); }
    const error& err() const { return std::get<1>(v_); }

  private:
    std::variant<T, error> v_;
};

struct done {};  // the value of an operation that returns nothing

}  // namespace hsoauth::oauth
