#pragma once
// The router of /sandboxes/{id}/…: finds the sandbox (opening it when closed) and serves the rest
// of the path through the same route table, over that sandbox's endpoints, as the root serves
// it. The request holds the sandbox open until its answer is sent and its deferred work ran
// (a port of its own carries the lease).
//   unknown id, or no path after it  404 with HubSpot's body (as an unknown route)
//   a restore or removal under way   503 with Retry-After: 1
// The request log shows the whole path, prefix included. Thread-safe.
#include <string_view>

#include "hsoauth/http/endpoints.hpp"
#include "hsoauth/http/message.hpp"
#include "hsoauth/http/responder.hpp"
#include "hsoauth/service/sandbox_registry.hpp"

namespace hsoauth::http {

class sandbox_front {
  public:
    static constexpr std::string_view path_prefix = "/sandboxes/";

    // `registry` makes http::hosted_sandbox sites; both references must outlive this object.
    sandbox_front(service::sandbox_registry& registry, log_writer& log) : registry_(registry), log_(log) {}

    // `req.path` starts with path_prefix.
    void dispatch(request& req, responder respond) const;

  private:
    service::sandbox_registry& registry_;
    log_writer& log_;
};

}  // namespace hsoauth::http
