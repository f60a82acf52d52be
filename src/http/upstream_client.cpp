#include "hsoauth/http/upstream_client.hpp"

#include <sys/socket.h>

#include <boost/asio/basic_waitable_timer.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/basic_parser.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>

#include <cerrno>
#include <chrono>
#include <optional>
#include <stdexcept>
#include <string_view>
#include <utility>
#include <vector>

#include "hsoauth/http/upstream_request.hpp"
#include "network_thread.hpp"

namespace hsoauth::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;
using steady = std::chrono::steady_clock;
// The network thread's own executor type: no type-erased executor on every operation.
using executor = asio::io_context::executor_type;
using socket_type = asio::basic_stream_socket<tcp, executor>;
using timer_type = asio::basic_waitable_timer<steady, asio::wait_traits<steady>, executor>;

// What a connection's buffer holds from the start: an answer of up to this size is read in
// one receive (Beast reads at most the buffer's free space, at least 512 bytes, at a time).
constexpr std::size_t initial_read_bytes = 16 << 10;

// One kept-alive connection to the upstream, owned by one network thread.
struct connection {
    explicit connection(asio::io_context& ctx) : socket(ctx.get_executor()) { buffer.reserve(initial_read_bytes); }
    socket_type socket;
    beast::flat_buffer buffer;
};

struct idle_connection {
    const void* client;  // the upstream_client::impl it belongs to
    std::unique_ptr<connection> conn;
};

// This network thread's idle connections, newest last; emptied when the thread's scope ends.
thread_local std::vector<idle_connection> idle_connections;
thread_local bool cleanup_registered = false;

// Whether a kept-alive socket is still usable: no byte and no end of stream waiting (an upstream
// that closed an idle connection leaves EOF to read). One non-blocking peek.
bool still_open(connection& c) {
    if (c.buffer.size() != 0) return false;
    char byte = 0;
    const auto n = ::recv(c.socket.native_handle(), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
    return n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
}

// Whether a header of the upstream's answer is not relayed, by Beast's name for it: framing and
// hop-by-hop headers (RFC 9110 §7.6.1), and those hsoauth sets itself.
bool dropped_answer_field(bhttp::field f, std::string_view name) {
    switch (f) {
        case bhttp::field::connection:
        case bhttp::field::keep_alive:
        case bhttp::field::proxy_connection:
        case bhttp::field::proxy_authenticate:
        case bhttp::field::te:
        case bhttp::field::trailer:
        case bhttp::field::transfer_encoding:
        case bhttp::field::upgrade:
        case bhttp::field::content_length:
        case bhttp::field::server: return true;
        case bhttp::field::unknown:
            return iequals(name, "x-hubspot-correlation-id") || istarts_with(name, "x-hubspot-ratelimit-");
        default: return false;
    }
}

// Beast's parser of one answer, keeping only what is relayed: the status, the headers less the
// dropped ones (chosen as they are parsed, the others never stored), and the body. Limits,
// keep-alive and framing are basic_parser's.
class answer_parser final : public bhttp::basic_parser<false> {
  public:
    int status = 0;
    response relayed;

  private:
    void on_request_impl(bhttp::verb, beast::string_view, beast::string_view, int, beast::error_code&) override {}

    void on_response_impl(int code, beast::string_view, int, beast::error_code&) override { status = code; }

    void on_field_impl(bhttp::field f, beast::string_view name, beast::string_view value, beast::error_code&) override {
        const std::string_view n(name.data(), name.size());
        const std::string_view v(value.data(), value.size());
        if (f == bhttp::field::connection) {
            if (!connection_tokens_.empty()) connection_tokens_ += ',';
            connection_tokens_ += v;
        }
        if (dropped_answer_field(f, n)) return;
        relayed.headers.emplace_back(n, v);
    }

    // Headers the Connection field names are the hop's too, wherever they came.
    void on_header_impl(beast::error_code&) override {
        if (connection_tokens_.empty()) return;
        std::erase_if(relayed.headers, [&](const auto& h) { return names_token(connection_tokens_, h.first); });
    }

    void on_body_init_impl(const boost::optional<std::uint64_t>& length, beast::error_code&) override {
        if (length) relayed.body.reserve(static_cast<std::size_t>(*length));
    }

    std::size_t on_body_impl(beast::string_view body, beast::error_code&) override {
        relayed.body.append(body.data(), body.size());
        return body.size();
    }

    void on_chunk_header_impl(std::uint64_t, beast::string_view, beast::error_code&) override {}

    std::size_t on_chunk_body_impl(std::uint64_t, beast::string_view body, beast::error_code&) override {
        relayed.body.append(body.data(), body.size());
        return body.size();
    }

    void on_finish_impl(beast::error_code&) override {}

    std::string connection_tokens_;
};

}  // namespace

struct upstream_client::impl {
    upstream_options options;
    std::vector<tcp::endpoint> endpoints;
};

namespace {

// One request and its answer, from choosing a connection to calling `done`. One timer bounds
// the whole exchange: when it fires, the socket is closed and the pending operation fails.
class exchange_op : public std::enable_shared_from_this<exchange_op> {
  public:
    exchange_op(std::shared_ptr<const upstream_client::impl> client, asio::io_context& ctx,
                std::string request, bool head, bool idempotent, std::function<void(upstream_answer)> done)
        : client_(std::move(client)),
          ctx_(ctx),
          request_(std::move(request)),
          head_(head),
          idempotent_(idempotent),
          done_(std::move(done)),
          timer_(ctx.get_executor()) {}

    void start() {
        timer_.expires_after(std::chrono::milliseconds(client_->options.timeout_ms));
        timer_.async_wait([self = shared_from_this()](beast::error_code ec) {
            if (ec || self->finished_) return;
            self->timed_out_ = true;
            beast::error_code ignored;
            if (self->conn_) self->conn_->socket.close(ignored);  // the pending operation fails
        });
        conn_ = take_idle();
        reused_ = conn_ != nullptr;
        if (reused_) return send();
        connect();
    }

  private:
    std::unique_ptr<connection> take_idle() {
        // Newest first: the one least likely to have been closed by the upstream meanwhile.
        for (auto i = idle_connections.size(); i-- > 0;) {
            if (idle_connections[i].client != client_.get()) continue;
            auto conn = std::move(idle_connections[i].conn);
            idle_connections.erase(idle_connections.begin() + static_cast<std::ptrdiff_t>(i));
            if (still_open(*conn)) return conn;
        }
        return nullptr;
    }

    void connect() {
        conn_ = std::make_unique<connection>(ctx_);
        asio::async_connect(conn_->socket, client_->endpoints,
                            [self = shared_from_this()](beast::error_code ec, const tcp::endpoint&) {
                                if (ec || self->timed_out_) return self->fail(ec, true);
                                beast::error_code ignored;
                                self->conn_->socket.set_option(tcp::no_delay(true), ignored);
                                self->send();
                            });
    }

    void send() {
        asio::async_write(conn_->socket, asio::buffer(request_),
                          [self = shared_from_this()](beast::error_code ec, std::size_t) {
                              if (ec || self->timed_out_) return self->fail(ec, true);
                              self->read();
                          });
    }

    void read() {
        parser_.emplace();
        parser_->header_limit(static_cast<std::uint32_t>(client_->options.max_header_bytes));
        parser_->body_limit(client_->options.max_response_bytes);
        if (head_) parser_->skip(true);
        bhttp::async_read(conn_->socket, conn_->buffer, *parser_,
                          [self = shared_from_this()](beast::error_code ec, std::size_t) {
                              if (ec || self->timed_out_) return self->fail(ec, false);
                              self->finish();
                          });
    }

    // A failure before a whole answer. `before_answer`: nothing of the answer can have come.
    void fail(beast::error_code ec, bool before_answer) {
        const bool nothing_came = before_answer || !parser_ || !parser_->got_some();
        conn_.reset();
        if (timed_out_) return answer(upstream_failure::timed_out);
        if (reused_ && !retried_ && nothing_came && (idempotent_ || before_answer)) {
            // A kept-alive connection the upstream closed meanwhile: once more on a new one.
            retried_ = true;
            reused_ = false;
            parser_.reset();
            return connect();
        }
        if (ec == bhttp::error::body_limit || ec == bhttp::error::header_limit ||
            ec == bhttp::error::buffer_overflow) {
            return answer(upstream_failure::too_large);
        }
        if (ec.category() == bhttp::make_error_code(bhttp::error::bad_version).category() &&
            ec != bhttp::error::end_of_stream && ec != bhttp::error::partial_message) {
            return answer(upstream_failure::malformed);
        }
        answer(upstream_failure::unreachable);
    }

    void finish() {
        const int status = parser_->status;
        if (status >= 100 && status < 200) {
            if (status == 101) {
                conn_.reset();
                return answer(upstream_failure::malformed);  // no upgrades through the gateway
            }
            return read();  // an interim answer (100 Continue, 103): the real one follows
        }
        upstream_answer out;
        out.relayed = std::move(parser_->relayed);
        out.relayed.status = status;
        const bool reusable = parser_->keep_alive() && parser_->is_done();
        parser_.reset();
        if (reusable && idle_connections.size() < client_->options.max_idle_per_thread) {
            if (!cleanup_registered) {
                cleanup_registered = true;
                detail::at_network_thread_end([] {
                    idle_connections.clear();
                    cleanup_registered = false;
                });
            }
            idle_connections.push_back({client_.get(), std::move(conn_)});
        } else {
            conn_.reset();
        }
        complete(std::move(out));
    }

    void answer(upstream_failure failed) {
        upstream_answer out;
        out.failed = failed;
        complete(std::move(out));
    }

    void complete(upstream_answer out) {
        finished_ = true;
        timer_.cancel();
        done_(std::move(out));
    }

    std::shared_ptr<const upstream_client::impl> client_;
    asio::io_context& ctx_;
    std::string request_;
    bool head_;
    bool idempotent_;
    std::function<void(upstream_answer)> done_;
    timer_type timer_;
    std::unique_ptr<connection> conn_;
    std::optional<answer_parser> parser_;
    bool reused_ = false;
    bool retried_ = false;
    bool timed_out_ = false;
    bool finished_ = false;
};

}  // namespace

upstream_client::upstream_client(upstream_options options) : impl_(std::make_shared<impl>()) {
    impl_->options = std::move(options);
    asio::io_context resolving;
    tcp::resolver resolver(resolving);
    beast::error_code ec;
    const auto results = resolver.resolve(impl_->options.host, std::to_string(impl_->options.port),
                                          tcp::resolver::numeric_service, ec);
    if (ec || results.empty()) {
        throw std::runtime_error("gateway_upstream: cannot resolve " + impl_->options.host + " (" +
                                 (ec ? ec.message() : std::string("no address")) + ")");
    }
    for (const auto& entry : results) impl_->endpoints.push_back(entry.endpoint());
}

upstream_client::~upstream_client() = default;

const upstream_options& upstream_client::options() const { return impl_->options; }

void upstream_client::exchange(std::string request_bytes, bool head, bool idempotent,
                               std::function<void(upstream_answer)> done) const {
    asio::io_context* ctx = detail::this_network_context();
    if (!ctx) {
        upstream_answer out;
        out.failed = upstream_failure::unreachable;
        return done(std::move(out));
    }
    std::make_shared<exchange_op>(impl_, *ctx, std::move(request_bytes), head, idempotent, std::move(done))
        ->start();
}

}  // namespace hsoauth::http
