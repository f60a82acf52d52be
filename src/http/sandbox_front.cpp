#include "hsoauth/http/sandbox_front.hpp"

#include <exception>
#include <memory>
#include <utility>

#include "hsoauth/http/failure.hpp"
#include "hsoauth/http/hosted_sandbox.hpp"
#include "hsoauth/http/router.hpp"
#include "hsoauth/http/transport_error.hpp"
#include "hsoauth/storage/errors.hpp"

namespace hsoauth::http {
namespace {

// The connection's port with a sandbox's lease: the sandbox stays open while the request's
// answer, and any work it deferred to the connection's thread, is pending.
class leased_port final : public connection_port {
  public:
    leased_port(std::shared_ptr<connection_port> inner, std::shared_ptr<service::sandbox_site> site)
        : inner_(std::move(inner)), site_(std::move(site)) {}
    void send(response r) override { inner_->send(std::move(r)); }
    void post(std::function<void()> work) override { inner_->post(std::move(work)); }
    bool on_own_thread() const override { return inner_->on_own_thread(); }
    void defer(std::function<void()> work) override {
        inner_->defer([site = site_, work = std::move(work)] { work(); });
    }

  private:
    std::shared_ptr<connection_port> inner_;
    std::shared_ptr<service::sandbox_site> site_;
};

}  // namespace

void sandbox_front::dispatch(request& req, responder respond) const {
    const std::string_view after = std::string_view(req.path).substr(path_prefix.size());
    const auto slash = after.find('/');
    if (slash == 0 || slash == std::string_view::npos) {
        return respond(transport_error_response(transport_errc::route_not_found, req.correlation_id, "no such endpoint"));
    }
    const std::string_view id = after.substr(0, slash);
    service::sandbox_registry::lease lease;
    try {
        lease = registry_.find(id);
    } catch (...) {
        return respond(failure_response(service::failure{std::current_exception()}, req.correlation_id, log_));
    }
    if (lease.status == service::sandbox_registry::lookup::unknown) {
        return respond(transport_error_response(transport_errc::route_not_found, req.correlation_id,
                                                "no sandbox " + std::string(id)));
    }
    if (lease.status == service::sandbox_registry::lookup::busy) {
        const storage::storage_error busy(0, "the sandbox is being restored or removed", true);
        return respond(failure_response(service::failure{std::make_exception_ptr(busy)}, req.correlation_id, log_));
    }
    // The registry's sites are hosted_sandbox (app::assembly gives it that factory).
    const endpoints& served = static_cast<const hosted_sandbox&>(*lease.site).served();
    const std::size_t prefix_size = path_prefix.size() + slash;
    auto port = std::make_shared<leased_port>(respond.port(), std::move(lease.site));
    // The route table sees the path as the root would; the log sees it whole again once the
    // handler returns (views copy what they keep of the path). The target stays without the
    // prefix: the gateway forwards it, possibly after the handler returned.
    std::string prefix = req.path.substr(0, prefix_size);
    req.path.erase(0, prefix_size);
    req.target.erase(0, prefix_size);
    http::dispatch(served, req, responder(std::move(port)));
    req.path.insert(0, prefix);
}

}  // namespace hsoauth::http
