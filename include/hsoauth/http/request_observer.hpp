#pragma once
// What the server tells an observer (the request log, metrics) about each request once its
// answer has been written: one call per answer, on the connection's thread, after the last
// byte went out (or the write failed). The observer must be quick and must not block.
#include <cstdint>
#include <string_view>

#include "hsoauth/service/call.hpp"

namespace hsoauth::http {

struct finished_request {
    std::string_view method;          // as sent (unescaped: escape before logging)
    std::string_view path;            // as sent: may hold a token, never log it unmasked
    std::string_view route;           // the route's stable name; "" when none matched
    std::string_view version;         // the route's wire version; "" when none
    std::string_view correlation_id;
    std::string_view hubspot_status;  // an error answer's HubSpot `status`; "" otherwise
    const service::call_notes* notes = nullptr;  // who the request was about
    int status = 0;
    std::int64_t duration_micros = 0;  // from the request's first byte to its answer's last
};

class request_observer {
  public:
    virtual ~request_observer() = default;
    virtual void finished(const finished_request& r) = 0;
};

}  // namespace hsoauth::http
