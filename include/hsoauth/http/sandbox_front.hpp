#pragma once
// The front of /sandboxes/{id}/…: finds the sandbox (opening it when closed), so that the same
// route table serves the rest of the path over that sandbox's endpoints, as the root serves it.
// The request holds the sandbox open until its answer is sent and its deferred work ran (the
// connection's port holds the lease, connection_port::hold); the route table and the views see
// the path after the prefix (request::mount_size), while its path and target stay whole.
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

    // Mounts `req` (whose path starts with path_prefix) on the sandbox it names: holds the
    // sandbox's lease through `respond` (connection_port::hold), sets req.mount_size to the
    // prefix's length and returns the sandbox's endpoints, over which http::dispatch routes the
    // rest of the path. Null when it answered itself (the 404 and 503 above, a failure). On the
    // connection's thread.
    const endpoints* mount(request& req, const responder& respond) const;

  private:
    service::sandbox_registry& registry_;
    log_writer& log_;
};

}  // namespace hsoauth::http
