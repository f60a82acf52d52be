#include "hsoauth/http/server.hpp"

#include <boost/asio/bind_executor.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>

#include <atomic>
#include <chrono>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_set>
#include <vector>

#include "hsoauth/http/correlation_id.hpp"
#include "hsoauth/http/request_log.hpp"
#include "hsoauth/http/router.hpp"
#include "hsoauth/http/transport_error.hpp"
#include "hsoauth/http/wire.hpp"

namespace hsoauth::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;
using steady = std::chrono::steady_clock;

class session;

// One network thread: its io_context and the sessions living on it (touched only from it).
// `sessions` is declared first so that it outlives the sessions the io_context destroys; the
// inbox after `ctx`, so that work still in it (holding sessions) goes while their sockets' context lives.
struct worker {
    std::unordered_set<session*> sessions;
    asio::io_context ctx{1};

    // Runs `work` on this thread, from any other. Work handed over while earlier work still
    // waits joins it: a batch of write completions costs one handler and at most one wake-up.
    void hand_in(std::function<void()> work) {
        {
            std::lock_guard lock(inbox_mutex);
            inbox.push_back(std::move(work));
            if (inbox_drain_posted) return;
            inbox_drain_posted = true;
        }
        asio::post(ctx, [this] { drain_inbox(); });
    }

private:
    void drain_inbox() {
        {
            std::lock_guard lock(inbox_mutex);
            running.swap(inbox);
            inbox_drain_posted = false;
        }
        for (auto& work : running) work();
        running.clear();  // keeps its capacity for the next drain
    }

    std::mutex inbox_mutex;
    std::vector<std::function<void()>> inbox;  // guarded by inbox_mutex
    bool inbox_drain_posted = false;           // guarded by inbox_mutex
    std::vector<std::function<void()>> running;  // this thread only
};

// State shared by every session. Set up before the threads start; counters are atomic.
struct shared_state {
    const endpoints& svc;
    server_limits limits;
    std::atomic<std::size_t> connections{0};
    std::atomic<bool> draining{false};
};

class session final : public std::enable_shared_from_this<session>, public connection_port {
public:
    session(tcp::socket&& socket, shared_state& state, worker& home)
        : stream_(std::move(socket)),
          state_(state),
          home_(home),
          buffer_(state.limits.max_header_bytes + state.limits.max_body_bytes + 8192) {}

    ~session() override {
        home_.sessions.erase(this);
        state_.connections.fetch_sub(1);
    }

    void start() {
        home_.sessions.insert(this);
        read_header();
    }

    // Drain: a connection that is not handling a request is closed now.
    void close_if_idle() {
        if (!busy_) {
            beast::error_code ignored;
            stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
            stream_.close();
        }
    }

    void send(response r) override {
        if (home_.ctx.get_executor().running_in_this_thread()) return write_response(std::move(r));
        home_.hand_in([self = shared_from_this(), r = std::move(r)]() mutable { self->write_response(std::move(r)); });
    }

    void post(std::function<void()> work) override {
        // Already on this connection's thread (a handler answering a read at once): no hop.
        if (home_.ctx.get_executor().running_in_this_thread()) return work();
        home_.hand_in(std::move(work));
    }

    void defer(std::function<void()> work) override { asio::post(home_.ctx, std::move(work)); }

    bool on_own_thread() const override { return home_.ctx.get_executor().running_in_this_thread(); }

private:
    void read_header() {
        parser_.emplace();
        parser_->header_limit(static_cast<std::uint32_t>(state_.limits.max_header_bytes));
        parser_->body_limit(state_.limits.max_body_bytes);
        const auto timeout = served_ == 0 ? state_.limits.header_timeout_ms : state_.limits.idle_timeout_ms;
        stream_.expires_after(std::chrono::milliseconds(timeout));
        fill_header();
    }

    // Reads until the buffer holds a whole header block, checking the raw bytes on the way
    // (Beast accepts obsolete line folding, which must be refused here), then lets Beast parse
    // the header from the buffer.
    void fill_header() {
        const auto data = buffer_.data();
        const std::string_view raw(static_cast<const char*>(data.data()), data.size());
        const auto verdict = check_header_bytes(raw);
        if (verdict.problem) {
            begin_request();
            return reject(transport_errc::bad_request, verdict.problem);
        }
        if (verdict.complete || raw.size() > state_.limits.max_header_bytes) {
            bhttp::async_read_header(stream_, buffer_, *parser_,
                                     [self = shared_from_this()](beast::error_code ec, std::size_t) {
                                         self->on_header(ec);
                                     });
            return;
        }
        stream_.async_read_some(buffer_.prepare(4096),
                                [self = shared_from_this()](beast::error_code ec, std::size_t n) {
                                    if (ec) {
                                        self->begin_request();
                                        return self->on_read_error(ec);
                                    }
                                    self->buffer_.commit(n);
                                    self->fill_header();
                                });
    }

    struct header_verdict {
        bool complete = false;         // a whole header block (ending in an empty line) is here
        const char* problem = nullptr; // why the bytes are refused
    };

    // Scans the start of `raw` up to the end of the first header block: NUL bytes, bare CR or LF
    // and obsolete line folding are refused (RFC 9112 §2.2, §5.2), as request-smuggling vectors.
    static header_verdict check_header_bytes(std::string_view raw) {
        header_verdict verdict;
        bool line_start = true;
        bool seen_request_line = false;
        for (std::size_t i = 0; i < raw.size(); ++i) {
            const char c = raw[i];
            if (c == '\0') return {false, "NUL byte in the request header"};
            if (c == '\n') return {false, "bare LF in the request header"};
            if (c == '\r') {
                if (i + 1 >= raw.size()) return verdict;  // need the next byte
                if (raw[i + 1] != '\n') return {false, "bare CR in the request header"};
                ++i;
                if (line_start && seen_request_line) {
                    verdict.complete = true;  // the empty line that ends the header block
                    return verdict;
                }
                if (!line_start) seen_request_line = true;
                line_start = true;
                continue;
            }
            if (line_start && seen_request_line && (c == ' ' || c == '\t')) {
                return {false, "obsolete line folding in the request header"};
            }
            line_start = false;
        }
        return verdict;
    }

    // The first bytes of a request (or a failure to read one) have arrived.
    void begin_request() {
        busy_ = true;
        started_ = steady::now();
        correlation_id_ = correlation_ids_.next();
    }

    void on_header(beast::error_code ec) {
        begin_request();
        if (ec) return on_read_error(ec);
        if (const auto problem = framing_problem()) {
            return reject(transport_errc::bad_request, problem);
        }
        if (parser_->is_done()) return on_request();
        stream_.expires_after(std::chrono::milliseconds(state_.limits.body_timeout_ms));
        bhttp::async_read(stream_, buffer_, *parser_,
                          [self = shared_from_this()](beast::error_code body_ec, std::size_t) {
                              if (body_ec) return self->on_read_error(body_ec);
                              self->on_request();
                          });
    }

    // Request-smuggling defences Beast does not apply itself. Returns why the framing is
    // refused, or nullptr.
    const char* framing_problem() const {
        const auto& header = parser_->get();
        std::size_t transfer_encodings = 0;
        std::size_t content_lengths = 0;
        for (const auto& field : header) {
            if (field.name() == bhttp::field::transfer_encoding) {
                ++transfer_encodings;
                if (!iequals(field.value(), "chunked")) return "Transfer-Encoding other than chunked";
            } else if (field.name() == bhttp::field::content_length) {
                ++content_lengths;
            }
        }
        if (transfer_encodings > 1) return "Transfer-Encoding given more than once";
        if (transfer_encodings > 0 && content_lengths > 0) return "Transfer-Encoding together with Content-Length";
        if (content_lengths > 1) return "Content-Length given more than once";
        return nullptr;
    }

    void on_read_error(beast::error_code ec) {
        if (ec == bhttp::error::end_of_stream || ec == asio::error::eof ||
            ec == beast::error::timeout || ec == asio::error::operation_aborted ||
            ec == asio::error::connection_reset || ec == asio::error::bad_descriptor) {
            return close();  // the client went away, or was too slow: nobody to answer
        }
        if (ec == bhttp::error::header_limit) return reject(transport_errc::headers_too_large);
        if (ec == bhttp::error::body_limit) return reject(transport_errc::payload_too_large);
        if (ec == bhttp::error::partial_message) return close();
        if (ec.category() == bhttp::make_error_code(bhttp::error::bad_method).category()) {
            return reject(transport_errc::bad_request, "the request is not valid HTTP/1.1");
        }
        close();
    }

    // Answers a request that cannot be read further and closes the connection after it.
    void reject(transport_errc code, std::string_view detail = {}) {
        request_.method = parser_ ? std::string(parser_->get().method_string()) : "-";
        const std::string_view target = parser_ ? std::string_view(parser_->get().target()) : std::string_view("-");
        request_.path = std::string(target.substr(0, target.find('?')));  // never log a query
        keep_alive_ = false;
        write_response(transport_error_response(code, correlation_id_, detail));
    }

    void on_request() {
        auto& message = parser_->get();
        // Assigned field by field: the strings keep their capacity from request to request.
        request_.method.assign(message.method_string());
        request_.target.assign(message.target());
        const auto question = request_.target.find('?');
        request_.path.assign(request_.target, 0, question);
        if (question != std::string::npos) {
            request_.query.assign(request_.target, question + 1);
        } else {
            request_.query.clear();
        }
        request_.headers.clear();
        for (const auto& field : message) {
            std::string name(field.name_string());
            for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
            request_.headers.emplace_back(std::move(name), std::string(field.value()));
        }
        request_.body = std::move(message.body());
        request_.correlation_id = correlation_id_;
        keep_alive_ = message.keep_alive();
        dispatch(state_.svc, request_, responder(shared_from_this()));
    }

    void write_response(response r) {
        ++served_;
        if (state_.draining.load() || served_ >= state_.limits.max_requests_per_connection) keep_alive_ = false;
        status_ = r.status;
        wire_ = to_wire(r, correlation_id_, keep_alive_, request_.method == "HEAD");
        stream_.expires_after(std::chrono::milliseconds(state_.limits.write_timeout_ms));
        asio::async_write(stream_, asio::buffer(wire_), [self = shared_from_this()](beast::error_code ec, std::size_t) {
            self->on_write(ec);
        });
    }

    void on_write(beast::error_code ec) {
        if (state_.limits.log_requests) {
            const auto micros =
                std::chrono::duration_cast<std::chrono::microseconds>(steady::now() - started_).count();
            log_request(state_.svc.log, request_.method, request_.path, status_, micros, correlation_id_);
        }
        busy_ = false;
        wire_.clear();
        if (ec || !keep_alive_ || state_.draining.load()) return close();
        read_header();
    }

    void close() {
        beast::error_code ignored;
        stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
        stream_.close();
    }

    beast::tcp_stream stream_;
    shared_state& state_;
    worker& home_;
    beast::flat_buffer buffer_;
    std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
    std::string wire_;  // the response being written
    request request_;
    std::string correlation_id_;
    inline static thread_local correlation_id_source correlation_ids_;
    steady::time_point started_{};
    std::size_t served_ = 0;
    int status_ = 0;
    bool keep_alive_ = true;
    bool busy_ = false;
};

}  // namespace

struct server::impl {
    impl(const endpoints& s, server_limits limits, std::size_t thread_count)
        : state{s, limits}, workers(thread_count == 0 ? 1 : thread_count) {
        for (auto& w : workers) w = std::make_unique<worker>();
        acceptor.emplace(workers[0]->ctx);
    }

    void accept() {
        worker& target = *workers[next_worker++ % workers.size()];
        acceptor->async_accept(target.ctx, [this, &target](beast::error_code ec, tcp::socket socket) {
            if (ec) {
                if (ec == asio::error::operation_aborted || !acceptor->is_open()) return;
                return accept();  // e.g. EMFILE: keep serving the connections we have
            }
            if (state.draining.load() || state.connections.load() >= state.limits.max_connections) {
                beast::error_code ignored;
                socket.close(ignored);
            } else {
                state.connections.fetch_add(1);
                asio::post(target.ctx, [this, &target, s = std::move(socket)]() mutable {
                    std::make_shared<session>(std::move(s), state, target)->start();
                });
            }
            accept();
        });
    }

    void begin_drain() {
        if (state.draining.exchange(true)) return;
        asio::post(workers[0]->ctx, [this] {
            beast::error_code ignored;
            acceptor->close(ignored);
        });
        for (auto& w : workers) {
            asio::post(w->ctx, [&w = *w] {
                const std::vector<session*> snapshot(w.sessions.begin(), w.sessions.end());
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
    std::optional<tcp::acceptor> acceptor;
    std::size_t next_worker = 0;
    steady::time_point drain_deadline{};
    std::optional<asio::steady_timer> drain_timer;
    std::vector<std::unique_ptr<asio::steady_timer>> periodic;
    std::vector<std::shared_ptr<std::function<void()>>> periodic_ticks;
};

server::server(const endpoints& s, server_limits limits, std::size_t threads)
    : impl_(std::make_unique<impl>(s, limits, threads)) {}

server::~server() = default;

std::uint16_t server::listen(const std::string& host, std::uint16_t port) {
    const tcp::endpoint endpoint(asio::ip::make_address(host), port);
    auto& acceptor = *impl_->acceptor;
    acceptor.open(endpoint.protocol());
    acceptor.set_option(asio::socket_base::reuse_address(true));
    acceptor.bind(endpoint);
    acceptor.listen(asio::socket_base::max_listen_connections);
    return acceptor.local_endpoint().port();
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
    asio::signal_set signals(impl_->workers[0]->ctx, SIGTERM, SIGINT);
    signals.async_wait([this](beast::error_code ec, int) {
        if (!ec) impl_->begin_drain();
    });
    impl_->accept();
    std::vector<std::thread> threads;
    for (std::size_t i = 1; i < impl_->workers.size(); ++i) {
        threads.emplace_back([&ctx = impl_->workers[i]->ctx] {
            auto guard = asio::make_work_guard(ctx);
            ctx.run();
        });
    }
    {
        auto guard = asio::make_work_guard(impl_->workers[0]->ctx);
        impl_->workers[0]->ctx.run();
    }
    for (auto& t : threads) t.join();
}

void server::stop() { impl_->begin_drain(); }

}  // namespace hsoauth::http
