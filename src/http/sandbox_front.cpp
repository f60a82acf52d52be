#include "hsoauth/http/sandbox_front.hpp"

#include <exception>
#include <string>
#include <string_view>
#include <utility>

#include "hsoauth/http/failure.hpp"
#include "hsoauth/http/hosted_sandbox.hpp"
#include "hsoauth/http/transport_error.hpp"
#include "hsoauth/storage/errors.hpp"

namespace hsoauth::http {

const endpoints* sandbox_front::mount(request& req, const responder& respond) const {
    const std::string_view after = std::string_view(req.path).substr(path_prefix.size());
    const auto slash = after.find('/');
    if (slash == 0 || slash == std::string_view::npos) {
        respond(transport_error_response(transport_errc::route_not_found, req.correlation_id, "no such endpoint"));
        return nullptr;
    }
    const std::string_view id = after.substr(0, slash);
    service::sandbox_registry::lease lease;
    try {
        lease = registry_.find(id);
    } catch (...) {
        respond(failure_response(service::failure{std::current_exception()}, req.correlation_id, log_));
        return nullptr;
    }
    if (lease.status == service::sandbox_registry::lookup::unknown) {
        respond(transport_error_response(transport_errc::route_not_found, req.correlation_id,
                                         "no sandbox " + std::string(id)));
        return nullptr;
    }
    if (lease.status == service::sandbox_registry::lookup::busy) {
        const storage::storage_error busy(0, "the sandbox is being restored or removed", true);
        respond(failure_response(service::failure{std::make_exception_ptr(busy)}, req.correlation_id, log_));
        return nullptr;
    }
    // The registry's sites are hosted_sandbox (app::assembly gives it that factory).
    const endpoints& served = static_cast<const hosted_sandbox&>(*lease.site).served();
    respond.hold(std::move(lease.site));
    // The route table and the views see the path and target after "/sandboxes/{id}", as the root
    // would; `path` and `target` stay whole (the log shows the path with its prefix).
    req.mount_size = path_prefix.size() + slash;
    return &served;
}

}  // namespace hsoauth::http
