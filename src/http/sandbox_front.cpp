#include "hsoauth/http/sandbox_front.hpp"

#include <chrono>
#include <exception>
#include <functional>
#include <memory>
#include <utility>

#include "hsoauth/http/failure.hpp"
#include "hsoauth/http/hosted_sandbox.hpp"
#include "hsoauth/http/router.hpp"
#include "hsoauth/http/transport_error.hpp"
#include "hsoauth/storage/errors.hpp"

namespace hsoauth::http {
namespace {

// A port that cannot hold a lease itself (connection_port::hold), with a sandbox's lease: the
// sandbox stays open while the request's answer, and any work it deferred to the connection's
// thread, is pending. The server's connections hold the lease themselves, without this.
class leased_port final : public connection_port {
  public:
    leased_port(std::shared_ptr<connection_port> inner, std::shared_ptr<void> lease)
        : inner_(std::move(inner)), lease_(std::move(lease)) {}
    void send(response r) override { inner_->send(std::move(r)); }
    void post(service::handed_work work) override { inner_->post(std::move(work)); }
    bool on_own_thread() const override { return inner_->on_own_thread(); }
    void defer(std::function<void()> work) override {
        inner_->defer([lease = lease_, work = std::move(work)] { work(); });
    }
    void defer_for(std::chrono::milliseconds delay, std::function<void()> work) override {
        inner_->defer_for(delay, [lease = lease_, work = std::move(work)] { work(); });
    }

  private:
    std::shared_ptr<connection_port> inner_;
    std::shared_ptr<void> lease_;
};

// `respond`, with `lease` held until the request's answer is sent and its deferred work ran.
responder holding(responder respond, std::shared_ptr<void> lease) {
    if (respond.port()->hold(lease)) return respond;
    return responder(std::make_shared<leased_port>(respond.port(), std::move(lease)));
}

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
    responder leased = holding(std::move(respond), std::move(lease.site));
    // The route table sees the path as the root would; the log sees it whole again once the
    // handler returns (views copy what they keep of the path). The target stays without the
    // prefix: the gateway forwards it, possibly after the handler returned.
    req.mount.assign(req.path, 0, prefix_size);
    req.path.erase(0, prefix_size);
    req.target.erase(0, prefix_size);
    http::dispatch(served, req, std::move(leased));
    req.path.insert(0, req.mount);
    req.mount.clear();
}

}  // namespace hsoauth::http
