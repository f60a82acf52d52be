#pragma once
// The HTTP surface as one table (see routes.cpp): method, path pattern, handler, and whether the
// route needs the admin key. Patterns are literal segments and {name} segments; a {name} matches
// one non-empty segment, percent-decoded, and is passed to the handler in order.
#include <array>
#include <cstddef>
#include <stdexcept>
#include <string>
#include <utility>
#include <string_view>
#include <vector>

#include "hsoauth/http/endpoints.hpp"
#include "hsoauth/http/message.hpp"
#include "hsoauth/http/responder.hpp"

namespace hsoauth::http {

// The decoded {name} segments of the matched route, in order, kept in place: no route of the
// table has more than `capacity` (a longer pattern is a programming error: push_back throws
// std::length_error). The handler may move values out.
class route_params {
  public:
    static constexpr std::size_t capacity = 4;

    std::string& operator[](std::size_t i) { return values_[i]; }
    const std::string& operator[](std::size_t i) const { return values_[i]; }
    std::size_t size() const { return size_; }
    bool empty() const { return size_ == 0; }
    void clear() { size_ = 0; }
    void push_back(std::string&& value) {
        if (size_ == capacity) throw std::length_error("a route pattern has more parameters than route_params holds");
        values_[size_++] = std::move(value);
    }

  private:
    std::array<std::string, capacity> values_;
    std::size_t size_ = 0;
};
using handler = void (*)(const endpoints&, const request&, route_params&, responder);

enum class access { open, admin };

struct route {
    std::string_view method;
    std::string_view pattern;
    handler fn;
    access needs;
    std::string_view name;     // stable across releases: what metrics, fault rules and the journal name
    std::string_view version;  // the wire version serving it ("v1", "admin", …); "" when none
};

// Every route hsoauth serves (routes.cpp).
const std::vector<route>& all_routes();
// What serves a path that no route has, whatever the method: the API gateway (routes.cpp).
const route& fallback_route();

// Finds the route, notes its name and version in `req`, and calls its handler (fallback_route's
// for a path no route has); under /sandboxes/{id}/ (e.sandbox_routes), over the sandbox's
// endpoints with the rest of the path (request::mount_size). Answers 405 (with Allow), 400 (a
// route's parameter badly encoded) or 401 (admin key missing or wrong) itself. A handler that
// throws is answered with 500 (or 503 for a storage fault that passes). `req` comes unmounted
// (mount_size 0): a new request, or one its session has begun anew.
void dispatch(const endpoints& e, request& req, responder respond);

}  // namespace hsoauth::http
