#pragma once
// What a use case hands back: a value, a domain error (the client's mistake), or a failure
// (broken infrastructure). Views shape the first two into their wire version's answer and the
// third into 503 (transient) or 500 (anything else), never echoing its cause.
#include <exception>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <variant>

#include "hsoauth/controls/fault.hpp"
#include "hsoauth/oauth/result.hpp"
#include "hsoauth/service/reply.hpp"

namespace hsoauth::service {

// Broken infrastructure, as caught while serving a request, or a fault rule that fired
// (`injected` set; `cause` then describes the rule, for logs). Forward a failure unchanged, so
// that an injected fault reaches the wire, which shapes HubSpot's answer for it.
struct failure {
    std::exception_ptr cause;
    std::shared_ptr<const controls::fired_fault> injected = nullptr;
};

// What a failure means for the answer, without naming the storage engine.
struct failure_report {
    bool transient = false;  // storage unavailable for now (disk full, read-only, I/O error): retry
    std::string cause;       // for the log only
};
failure_report describe(const failure& f);

// A value is moved in (made from a result, it is moved once, out of the result); an outcome is
// handed on by rvalue reference (reply), so that a large value (an introspection) is not moved
// again at each hop between the service and the view.
template <class T>
class outcome {
  public:
    outcome(T&& value) : v_(std::in_place_index<0>, std::move(value)) {}
    outcome(const T& value) : v_(std::in_place_index<0>, value) {}
    outcome(oauth::error e) : v_(std::move(e)) {}
    outcome(failure f) : v_(std::move(f)) {}
    outcome(oauth::result<T>&& r) : v_(from(std::move(r))) {}

    bool ok() const { return v_.index() == 0; }
    T& value() { return std::get<0>(v_); }
    const T& value() const { return std::get<0>(v_); }
    // The domain error, or nullptr.
    const oauth::error* error() const { return std::get_if<1>(&v_); }
    // The failure, or nullptr.
    const service::failure* failed() const { return std::get_if<2>(&v_); }

    // A fault rule that breaks this answer on its way to the client (reset, truncate), or
    // nullptr. Set by the controls; the wire shapes the answer as usual and then breaks it.
    const controls::fired_fault* broken_delivery() const { return broken_.get(); }
    void break_delivery(std::shared_ptr<const controls::fired_fault> fault) { broken_ = std::move(fault); }

  private:
    using variant = std::variant<T, oauth::error, service::failure>;
    static variant from(oauth::result<T>&& r) {
        if (r.ok()) return variant(std::in_place_index<0>, std::move(*r));
        return variant(std::in_place_index<1>, r.err());
    }
    variant v_;
    std::shared_ptr<const controls::fired_fault> broken_;
};

}  // namespace hsoauth::service
