#pragma once
// What a use case hands back: a value, a domain error (the client's mistake), or a failure
// (broken infrastructure). Views shape the first two into their wire version's answer and the
// third into 503 (transient) or 500 (anything else), never echoing its cause.
#include <exception>
#include <functional>
#include <string>
#include <utility>
#include <variant>

#include "hsoauth/oauth/result.hpp"

namespace hsoauth::service {

// Broken infrastructure, as caught while serving a request.
struct failure {
    std::exception_ptr cause;
};

// What a failure means for the answer, without naming the storage engine.
struct failure_report {
    bool transient = false;  // storage unavailable for now (disk full, read-only, I/O error): retry
    std::string cause;       // for the log only
};
failure_report describe(const failure& f);

template <class T>
class outcome {
  public:
    outcome(T value) : v_(std::move(value)) {}
    outcome(oauth::error e) : v_(std::move(e)) {}
    outcome(failure f) : v_(std::move(f)) {}
    outcome(oauth::result<T> r) : v_(from(std::move(r))) {}

    bool ok() const { return v_.index() == 0; }
    T& value() { return std::get<0>(v_); }
    const T& value() const { return std::get<0>(v_); }
    // The domain error, or nullptr.
    const oauth::error* error() const { return std::get_if<1>(&v_); }
    // The failure, or nullptr.
    const service::failure* failed() const { return std::get_if<2>(&v_); }

  private:
    using variant = std::variant<T, oauth::error, service::failure>;
    static variant from(oauth::result<T>&& r) {
        if (r.ok()) return variant(std::in_place_index<0>, std::move(*r));
        return variant(std::in_place_index<1>, r.err());
    }
    variant v_;
};

// How a use case answers: called exactly once, on any thread (at once on the calling thread
// for reads, on the storage engine's thread once a write is durable). It must not block.
template <class T>
using reply = std::function<void(outcome<T>)>;

}  // namespace hsoauth::service
