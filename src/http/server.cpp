// http::server: the listeners and their accept loop, the network threads (server_worker.hpp)
// that run the sessions (server_session.hpp), the drain on SIGTERM or stop(), and the server's
// settings. TLS loading is in server_tls.cpp.
#include "hsoauth/http/server.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "hsoauth/http/log_event.hpp"
#include "hsoauth/util/thread_name.hpp"
#include "network_thread.hpp"
#include "server_session.hpp"
#include "server_state.hpp"
#include "server_tls.hpp"
#include "server_worker.hpp"

namespace hsoauth::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
using tcp = asio::ip::tcp;
using steady = std::chrono::steady_clock;
using detail::plain_stream;
using detail::session;
using detail::session_base;
using detail::shared_state;
using detail::tls_stream;
using detail::worker;

}  // namespace

struct server::impl {
    struct listener {
        tcp::acceptor acceptor;
        bool tls;
    };

    impl(const endpoints* s, server_limits limits, std::size_t thread_count)
        : state{s, limits, nullptr, {}, true, {}, {}}, workers(thread_count == 0 ? 1 : thread_count) {
        for (auto& w : workers) w = std::make_unique<worker>();
        // Caught from construction on, not from run(): a SIGTERM that comes while the caller still
        // starts up (or right after it announced the address) is held, and drains at once in run().
        signals.emplace(workers[0]->ctx, SIGTERM, SIGINT);
    }

    std::uint16_t add_listener(const std::string& host, std::uint16_t port, bool tls) {
        const std::string shown =
            (host.find(':') != std::string::npos ? "[" + host + "]" : host) + ":" + std::to_string(port);
        beast::error_code ec;
        const auto address = asio::ip::make_address(host, ec);
        if (ec) {
            throw listen_error("cannot listen on " + shown + ": the host must be an IP address, such as 127.0.0.1, ::1 or 0.0.0.0",
                               false);
        }
        const tcp::endpoint endpoint(address, port);
        auto l = std::make_unique<listener>(listener{tcp::acceptor(workers[0]->ctx), tls});
        l->acceptor.open(endpoint.protocol(), ec);
        if (!ec) l->acceptor.set_option(asio::socket_base::reuse_address(true), ec);
        if (!ec) l->acceptor.bind(endpoint, ec);
        if (!ec) l->acceptor.listen(asio::socket_base::max_listen_connections, ec);
        if (ec == asio::error::address_in_use) throw listen_error(shown + " is already in use", true);
        if (ec) throw listen_error("cannot listen on " + shown + ": " + ec.message(), false);
        const std::uint16_t bound = l->acceptor.local_endpoint().port();
        listeners.push_back(std::move(l));
        return bound;
    }

    void accept(listener& l) {
        worker& target = *workers[next_worker++ % workers.size()];
        l.acceptor.async_accept(target.ctx, [this, &l, &target](beast::error_code ec,
                                                                 detail::connection_socket socket) {
            if (ec) {
                if (ec == asio::error::operation_aborted || !l.acceptor.is_open()) return;
                return accept(l);  // e.g. EMFILE: keep serving the connections we have
            }
            if (state.draining.load() || state.connections.load() >= state.limits.max_connections) {
                beast::error_code ignored;
                socket.close(ignored);
            } else {
                state.connections.fetch_add(1);
                asio::post(target.ctx, [this, &target, tls = l.tls, s = std::move(socket)]() mutable {
                    if (tls) {
                        std::make_shared<session<tls_stream>>(std::move(s), state, target)->start();
                    } else {
                        std::make_shared<session<plain_stream>>(std::move(s), state, target)->start();
                    }
                });
            }
            accept(l);
        });
    }

    // How often each network thread looks for connections past their deadline: an eighth of
    // the shortest timeout, within 5 to 250 ms.
    std::chrono::milliseconds sweep_tick() const {
        const auto& l = state.limits;
        const std::int64_t shortest = std::min({l.header_timeout_ms, l.body_timeout_ms, l.idle_timeout_ms,
                                                l.write_timeout_ms, l.tls_handshake_timeout_ms});
        return std::chrono::milliseconds(std::clamp<std::int64_t>(shortest / 8, 5, 250));
    }

    void begin_drain() {
        if (state.draining.exchange(true)) return;
        log_event(state.svc->log, log_level::info, "drain")
            .add("open_connections", static_cast<std::uint64_t>(state.connections.load()))
            .add("timeout_ms", state.limits.drain_timeout_ms);
        asio::post(workers[0]->ctx, [this] {
            beast::error_code ignored;
            for (auto& l : listeners) l->acceptor.close(ignored);
        });
        for (auto& w : workers) {
            asio::post(w->ctx, [&w = *w] {
                const std::vector<session_base*> snapshot(w.sessions.begin(), w.sessions.end());
                for (auto* s : snapshot) s->close_if_idle();
            });
        }
        drain_deadline = steady::now() + std::chrono::milliseconds(state.limits.drain_timeout_ms);
        asio::post(workers[0]->ctx, [this] { watch_drain(); });
    }

    void watch_drain() {
        if (state.connections.load() == 0 || steady::now() >= drain_deadline) {
            for (auto& w : workers) w->ctx.stop();
            return;
        }
        drain_timer.emplace(workers[0]->ctx, std::chrono::milliseconds(10));
        drain_timer->async_wait([this](beast::error_code) { watch_drain(); });
    }

    shared_state state;
    std::vector<std::unique_ptr<worker>> workers;
    std::vector<std::unique_ptr<listener>> listeners;
    std::size_t next_worker = 0;
    steady::time_point drain_deadline{};
    std::optional<asio::steady_timer> drain_timer;
    std::vector<std::unique_ptr<asio::steady_timer>> periodic;
    std::vector<std::shared_ptr<std::function<void()>>> periodic_ticks;
    std::optional<asio::signal_set> signals;
};

server::server(const endpoints& s, server_limits limits, std::size_t threads)
    : impl_(std::make_unique<impl>(&s, limits, threads)) {}

server::server(server_limits limits, std::size_t threads)
    : impl_(std::make_unique<impl>(nullptr, limits, threads)) {}

void server::serve(const endpoints& e) { impl_->state.svc = &e; }

server::~server() = default;

std::uint16_t server::listen(const std::string& host, std::uint16_t port) {
    return impl_->add_listener(host, port, false);
}

std::uint16_t server::listen_tls(const std::string& host, std::uint16_t port, const tls_credentials& credentials) {
    // One context serves every TLS listener (a second certificate would need SNI selection).
    impl_->state.tls = credentials.impl_;
    return impl_->add_listener(host, port, true);
}

void server::allow_hosts(std::vector<std::string> hosts) {
    auto& state = impl_->state;
    state.any_host = std::find(hosts.begin(), hosts.end(), "*") != hosts.end();
    for (auto& host : hosts) {
        for (auto& c : host) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    state.allowed_hosts = std::move(hosts);
}

void server::every(std::int64_t interval_seconds, std::function<void()> work) {
    if (interval_seconds <= 0) return;
    auto& timer = impl_->periodic.emplace_back(std::make_unique<asio::steady_timer>(impl_->workers[0]->ctx));
    auto tick = std::make_shared<std::function<void()>>();
    *tick = [t = timer.get(), interval_seconds, work = std::move(work), weak = std::weak_ptr(tick)] {
        t->expires_after(std::chrono::seconds(interval_seconds));
        t->async_wait([&work, weak](beast::error_code ec) {
            if (ec) return;
            work();
            if (auto next = weak.lock()) (*next)();
        });
    };
    (*tick)();
    impl_->periodic_ticks.push_back(tick);
}

void server::run() {
    if (impl_->state.svc == nullptr) throw std::logic_error("http::server::run before serve()");
    impl_->signals->async_wait([this](beast::error_code ec, int) {
        if (!ec) impl_->begin_drain();
    });
    for (auto& l : impl_->listeners) impl_->accept(*l);
    for (auto& w : impl_->workers) w->sweep_every(impl_->sweep_tick());
    std::vector<std::thread> threads;
    for (std::size_t i = 1; i < impl_->workers.size(); ++i) {
        threads.emplace_back([&ctx = impl_->workers[i]->ctx, i] {
            // hs-net-1, hs-net-2, ...: network loop 0 runs on the calling thread, which keeps the
            // process's name (hsoauth), so that ps, top, pidof and killall still find the server.
            util::name_this_thread("hs-net-" + std::to_string(i));
            const detail::network_thread_scope network_thread(ctx);
            auto guard = asio::make_work_guard(ctx);
            ctx.run();
        });
    }
    {
        const detail::network_thread_scope network_thread(impl_->workers[0]->ctx);
        auto guard = asio::make_work_guard(impl_->workers[0]->ctx);
        impl_->workers[0]->ctx.run();
    }
    for (auto& t : threads) t.join();
}

void server::stop() { impl_->begin_drain(); }

void server::seed_correlation_ids(std::uint64_t seed) {
    impl_->state.ids = std::make_unique<shared_state::seeded_ids>();
    impl_->state.ids->source = correlation_id_source(seed);
}

std::size_t server::open_connections() const { return impl_->state.connections.load(std::memory_order_relaxed); }

}  // namespace hsoauth::http
