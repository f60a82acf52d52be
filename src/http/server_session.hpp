#pragma once
// One connection of http::server: reads requests (with server_request_reader.hpp's checks),
// hands them to the router, writes the answers, streams answers that come in pieces, and
// closes. The same code serves plain TCP and TLS; only the start (the handshake) and the
// graceful close differ. A session lives on one network thread (its worker) and is touched
// only from it; other threads reach it through its connection_port side. Private to src/http/
// (Beast: included by server.cpp only, so that the session is compiled once).
#include <boost/asio/bind_allocator.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include <algorithm>
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>

#include "hsoauth/http/body_buffers.hpp"
#include "hsoauth/http/body_stream.hpp"
#include "hsoauth/http/correlation_id.hpp"
#include "hsoauth/http/request_log.hpp"
#include "hsoauth/http/request_observer.hpp"
#include "hsoauth/http/router.hpp"
#include "hsoauth/http/transport_error.hpp"
#include "hsoauth/http/wire.hpp"
#include "hsoauth/util/pooled_allocator.hpp"
#include "request_arena.hpp"
#include "server_request_reader.hpp"
#include "server_state.hpp"
#include "server_tls.hpp"
#include "server_worker.hpp"

namespace hsoauth::http::detail {

// Internal linkage, as when this lived in server.cpp: the header is included by server.cpp
// alone, and the compiler may then inline the per-request path across it.
namespace {

namespace ssl = boost::asio::ssl;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;

// A connection's socket, bound to its worker's io_context: Asio runs its handlers through that
// executor directly, not through the type-erased any_io_executor, and no Beast layer wraps a
// plain connection (its deadlines are the worker's sweep, not Beast's timers).
using connection_socket = asio::basic_stream_socket<tcp, asio::io_context::executor_type>;
using plain_stream = connection_socket;
using tls_stream = beast::ssl_stream<beast::tcp_stream>;

// The interim answer to "Expect: 100-continue" (RFC 9110 §10.1.1).
inline constexpr std::string_view continue_line = "HTTP/1.1 100 Continue\r\n\r\n";

// `handler` with the calling thread's block pool as its allocator (pooled_allocator.hpp): the
// state of a read or write started for every request comes from the network thread's free lists.
// Asio's own per-thread cache holds two blocks, fewer than the reads and writes a thread's
// connections have under way at once (a flush answers dozens).
template <class Handler>
auto with_pooled_state(Handler handler) {
    return asio::bind_allocator(pooled_allocator<char>{}, std::move(handler));
}

// The address of `socket`'s peer as text ("127.0.0.1", "::1"); "" when it has none.
template <class Socket>
std::string peer_address(const Socket& socket) {
    beast::error_code ec;
    const auto peer = socket.remote_endpoint(ec);
    return ec ? std::string() : peer.address().to_string();
}

// One connection: reads requests, hands them to the router, writes the answers. The same code
// serves plain TCP and TLS; only the start (the handshake) and the graceful close differ.
template <class Stream>
class session final : public session_base, public std::enable_shared_from_this<session<Stream>> {
    static constexpr bool is_tls = std::is_same_v<Stream, tls_stream>;

public:
    session(connection_socket&& socket, shared_state& state, worker& home)
        : stream_(open_stream(std::move(socket), state)),
          state_(state),
          home_(home),
          buffer_(state.limits.max_header_bytes + state.limits.max_body_bytes + 8192) {
        request_.remote_address = peer_address(tcp_socket());  // every request of the connection
    }

    ~session() override {
        home_.sessions.erase(this);
        state_.connections.fetch_sub(1);
    }

    void start() {
        home_.sessions.insert(this);
        if constexpr (is_tls) {
            // The handshake has its own deadline; the connection already counts against
            // max_connections from accept.
            expire_after(state_.limits.tls_handshake_timeout_ms);
            stream_.async_handshake(ssl::stream_base::server, [self = this->shared_from_this()](beast::error_code ec) {
                if (ec) return self->close_now();
                self->read_header();
            });
        } else {
            read_header();
        }
    }

    void close_if_idle() override {
        if (body_ || streaming_) return end_stream();  // a streamed answer (follow) ends at the drain
        if (!busy_) close_now();
    }

    void close_if_late(steady::time_point now) override {
        if (deadline_ > now) return;
        deadline_ = steady::time_point::max();
        close_socket();
    }

    void send(response r) override {
        if (home_.ctx.get_executor().running_in_this_thread()) return write_response(std::move(r));
        home_.hand_in(this->shared_from_this(), std::move(r));
    }

    void send_and_release(std::shared_ptr<connection_port> self, response r) override {
        home_.hand_in(std::move(self), std::move(r));
    }

    void post(service::handed_work work) override {
        // Already on this connection's thread (a handler answering a read at once): no hop.
        if (home_.ctx.get_executor().running_in_this_thread()) return work();
        home_.hand_in(std::move(work));
    }

    void defer(std::function<void()> work) override {
        // The lease rides in Asio's handler, whose memory Asio recycles: no allocation.
        if (on_own_thread() && lease_) {
            return asio::post(home_.ctx, [lease = lease_, work = std::move(work)] { work(); });
        }
        asio::post(home_.ctx, std::move(work));
    }

    void defer_for(std::chrono::milliseconds delay, std::function<void()> work) override {
        auto timer = std::make_shared<asio::steady_timer>(home_.ctx, delay);
        std::shared_ptr<void> lease = on_own_thread() ? lease_ : nullptr;
        timer->async_wait([timer, lease = std::move(lease), work = std::move(work)](beast::error_code ec) {
            if (!ec) work();
        });
    }

    void hold(std::shared_ptr<void> lease) override { lease_ = std::move(lease); }

    bool on_own_thread() const override { return home_.ctx.get_executor().running_in_this_thread(); }

private:
    static Stream open_stream(connection_socket&& socket, shared_state& state) {
        if constexpr (is_tls) {
            return Stream(tcp::socket(std::move(socket)), state.tls->ctx);
        } else {
            return Stream(std::move(socket));
        }
    }

    // The connection's TCP socket, beneath TLS too.
    auto& tcp_socket() {
        if constexpr (is_tls) {
            return beast::get_lowest_layer(stream_).socket();
        } else {
            return stream_;
        }
    }

    void close_socket() {
        beast::error_code ignored;
        tcp_socket().close(ignored);
    }

    // The read or write about to start must end within `ms` (the worker's sweep enforces it).
    void expire_after(std::int64_t ms) { deadline_ = steady::now() + std::chrono::milliseconds(ms); }

    void read_header() {
        // The last request's header goes back to the arena and its body buffer to the new parser:
        // a request that fits what the connection has held allocates nothing.
        std::string spare_body;
        if (parser_) {
            spare_body.swap(parser_->get().body());
            parser_.reset();
        }
        header_arena_.reset();
        parser_.emplace(std::piecewise_construct, std::make_tuple(),
                        std::make_tuple(header_allocator(header_arena_)));
        spare_body.clear();
        parser_->get().body().swap(spare_body);
        parser_->header_limit(static_cast<std::uint32_t>(state_.limits.max_header_bytes));
        parser_->body_limit(state_.limits.max_body_bytes);
        const auto timeout = served_ == 0 ? state_.limits.header_timeout_ms : state_.limits.idle_timeout_ms;
        expire_after(timeout);
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
        if (verdict.complete) {
            beast::error_code ec;
            if (parse_buffered_header(*parser_, buffer_, ec)) return on_header(ec);
        }
        if (verdict.complete || raw.size() > state_.limits.max_header_bytes) {
            auto on_read = [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
                self->on_header(ec);
            };
            bhttp::async_read_header(stream_, buffer_, *parser_,
                                     with_pooled_state(std::move(on_read)));
            return;
        }
        auto on_read = [self = this->shared_from_this()](beast::error_code ec, std::size_t n) {
            if (ec) {
                self->begin_request();
                return self->on_read_error(ec);
            }
            self->buffer_.commit(n);
            self->fill_header();
        };
        stream_.async_read_some(buffer_.prepare(4096), with_pooled_state(std::move(on_read)));
    }

    // The first bytes of a request (or a failure to read one) have arrived.
    void begin_request() {
        busy_ = true;
        started_ = steady::now();
        if (state_.ids) {
            std::lock_guard lock(state_.ids->mutex);
            state_.ids->source.next(correlation_id_);
        } else {
            correlation_ids_.next(correlation_id_);
        }
        request_.route = {};
        request_.version = {};
        request_.mount_size = 0;  // a request refused before dispatch is not under the last one's mount
        request_.notes.clear();
    }

    void on_header(beast::error_code ec) {
        begin_request();
        if (ec) return on_read_error(ec);
        const header_facts facts = inspect_header(parser_->get());
        if (facts.framing_problem) {
            return reject(transport_errc::bad_request, facts.framing_problem);
        }
        // Host (RFC 9112 §3.2, and the defence against DNS rebinding): refused before the body
        // is read, so no 100 Continue goes out for it.
        const bool http11 = parser_->get().version() >= 11;
        if (facts.hosts > 1) {
            return refuse(transport_errc::bad_request, "Host given more than once");
        }
        if ((facts.hosts == 0 && http11) || (facts.hosts == 1 && facts.host.empty())) {
            return refuse(transport_errc::bad_request, "the request has no Host");
        }
        if (facts.hosts == 1 && !host_allowed(facts.host)) {
            return refuse(transport_errc::misdirected_request);
        }
        if (parser_->is_done()) return on_request();
        if (facts.expects_continue && http11) {
            expire_after(state_.limits.write_timeout_ms);
            asio::async_write(stream_, asio::buffer(continue_line.data(), continue_line.size()),
                              [self = this->shared_from_this()](beast::error_code write_ec, std::size_t) {
                                  if (write_ec) return self->close_now();
                                  self->read_body();
                              });
            return;
        }
        read_body();
    }

    void read_body() {
        expire_after(state_.limits.body_timeout_ms);
        if (parser_->chunked()) {
            body_wire_bytes_ = 0;
            return read_chunks();
        }
        beast::error_code ec;
        if (parse_buffered_body(*parser_, buffer_, ec)) return ec ? on_read_error(ec) : on_request();
        auto on_read = [self = this->shared_from_this()](beast::error_code body_ec, std::size_t) {
            if (body_ec) return self->on_read_error(body_ec);
            self->on_request();
        };
        bhttp::async_read(stream_, buffer_, *parser_, with_pooled_state(std::move(on_read)));
    }

    // A chunked body is read piece by piece so that its framing counts: Beast's body limit
    // sees only the payload, and a body of one-byte chunks with long extensions is many times
    // its size on the wire.
    void read_chunks() {
        bhttp::async_read_some(stream_, buffer_, *parser_,
                               [self = this->shared_from_this()](beast::error_code ec, std::size_t used) {
                                   if (ec) return self->on_read_error(ec);
                                   self->body_wire_bytes_ += used;
                                   if (self->body_wire_bytes_ > chunked_wire_limit(self->state_.limits.max_body_bytes)) {
                                       return self->reject(transport_errc::payload_too_large);
                                   }
                                   if (self->parser_->is_done()) return self->on_request();
                                   self->read_chunks();
                               });
    }

    bool host_allowed(std::string_view host_field) const {
        if (state_.any_host) return true;
        const std::string_view host = host_without_port(host_field);
        return std::any_of(state_.allowed_hosts.begin(), state_.allowed_hosts.end(),
                           [host](const std::string& allowed) { return iequals(allowed, host); });
    }

    void on_read_error(beast::error_code ec) {
        const read_failure failure = classify_read_error(ec, parser_ && parser_->is_header_done());
        if (!failure.answer) return close_now();
        reject(failure.code, failure.detail);
    }

    // Answers a request that cannot be read further and closes the connection after it.
    void reject(transport_errc code, std::string_view detail = {}) {
        note_request_line();
        keep_alive_ = false;
        write_response(transport_error_response(code, correlation_id_, detail));
    }

    // Answers a request refused on its header alone. The connection stays open as for any
    // answer when nothing of the request is left unread; otherwise (a body follows) it closes.
    void refuse(transport_errc code, std::string_view detail = {}) {
        note_request_line();
        const auto& header = parser_->get();
        keep_alive_ = parser_->is_done() && header.keep_alive();
        announce_keep_alive_ = keep_alive_ && header.version() < 11;
        write_response(transport_error_response(code, correlation_id_, detail));
    }

    // What the log and the HEAD rule need of a request answered before on_request.
    void note_request_line() {
        request_.method = parser_ ? std::string(parser_->get().method_string()) : "-";
        const std::string_view target = parser_ ? std::string_view(parser_->get().target()) : std::string_view("-");
        request_.path = std::string(target.substr(0, target.find('?')));  // never log a query
        announce_keep_alive_ = false;
    }

    void on_request() {
        deadline_ = steady::time_point::max();  // read whole: no deadline while it is handled
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
        // Into the entries the connection's last request left: their strings keep their capacity.
        std::size_t count = 0;
        for (const auto& field : message) {
            if (count == request_.headers.size()) request_.headers.emplace_back();
            auto& [name, value] = request_.headers[count++];
            name.assign(field.name_string());
            for (auto& c : name) c = ascii_lower(c);
            value.assign(field.value());
        }
        request_.headers.erase(request_.headers.begin() + static_cast<std::ptrdiff_t>(count), request_.headers.end());
        request_.body.swap(message.body());  // the parser gets the last body's buffer back
        request_.correlation_id = correlation_id_;
        request_.secure = is_tls;
        keep_alive_ = message.keep_alive();
        // An HTTP/1.0 client keeps the connection only when told so (RFC 9112 §9.3).
        announce_keep_alive_ = keep_alive_ && message.version() < 11;
        dispatch(*state_.svc, request_, responder(this->shared_from_this()));
    }

    void write_response(response r) {
        ++served_;
        if (state_.draining.load() || served_ >= state_.limits.max_requests_per_connection) keep_alive_ = false;
        status_ = r.status;
        hubspot_status_ = r.hubspot_status;
        if (r.how == delivery::reset) return reset_connection();
        if (r.stream) keep_alive_ = false;  // the stream's end is the connection's
        write_wire(wire_, r, correlation_id_, keep_alive_, request_.method == "HEAD", announce_keep_alive_);
        body_ = std::move(r.stream);
        if (r.how == delivery::truncated) {
            // The status line and headers as they are (Content-Length of the whole body), half
            // of the body, then the connection closes.
            const auto header_end = wire_.find("\r\n\r\n");
            if (header_end != std::string::npos) wire_.resize(header_end + 4 + r.body.size() / 2);
            keep_alive_ = false;
            cut_ = true;
        }
        give_back_body_buffer(std::move(r.body));  // on the wire now: the next answer reuses it
        expire_after(state_.limits.write_timeout_ms);
        auto on_written = [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
            self->on_write(ec);
        };
        asio::async_write(stream_, asio::buffer(wire_), with_pooled_state(std::move(on_written)));
    }

    void on_write(beast::error_code ec) {
        if (body_ && !ec) return begin_stream();
        if (body_) {
            body_->cancel();
            body_.reset();
        }
        if (cut_) {
            cut_ = false;
            ec = asio::error::connection_aborted;  // logged as sent, then closed at once
        }
        end_request();
        busy_ = false;
        wire_.clear();
        if (ec) return close_now();
        if (!keep_alive_ || state_.draining.load()) return close();
        read_header();
    }

    // The answer went out (or none will): the observer hears of it, and what the request held
    // (hold()) is let go.
    void end_request() {
        log_finished();
        lease_.reset();
    }

    // Tells the observer (log line, metrics) of the answer just sent, or logs it itself.
    void log_finished() {
        if (state_.svc->observer != nullptr || state_.limits.log_requests) {
            const auto micros =
                std::chrono::duration_cast<std::chrono::microseconds>(steady::now() - started_).count();
            if (state_.svc->observer != nullptr) {
                state_.svc->observer->finished({request_.method, request_.path, request_.route, request_.version,
                                               correlation_id_, hubspot_status_, &request_.notes, status_, micros});
            } else {
                log_request(state_.svc->log, request_.method, request_.path, status_, micros, correlation_id_);
            }
        }
    }

    // A fault rule's reset: no answer, and the peer sees the connection reset (SO_LINGER 0).
    void reset_connection() {
        status_ = 0;
        end_request();
        beast::error_code ignored;
        tcp_socket().set_option(asio::socket_base::linger(true, 0), ignored);
        close_socket();
    }

    // A streamed answer (response::stream) after its headers went out: pieces are pulled from
    // the stream and sent as chunks one at a time. A read stays open meanwhile, so that the
    // client's leaving (or anything it sends) ends the stream; so does the drain. The
    // connection closes when the stream ends (at once, without TLS's close_notify, which would
    // need a second read beside the one kept open).
    void begin_stream() {
        streaming_ = true;
        deadline_ = steady::time_point::max();
        stream_.async_read_some(buffer_.prepare(512), [self = this->shared_from_this()](beast::error_code, std::size_t) {
            self->client_left_ = true;
            self->end_stream();
        });
        if (ending_) return end_stream();
        pull_piece();
    }

    void pull_piece() {
        if (!body_) return;
        body_->pull([self = this->shared_from_this()](std::string text, bool last) mutable {
            auto& port = *self;
            port.post([self = std::move(self), text = std::move(text), last]() mutable {
                self->send_piece(std::move(text), last);
            });
        });
    }

    void send_piece(std::string text, bool last) {
        if (!body_ || writing_ || ending_) return;  // ended meanwhile
        wire_.clear();
        if (!text.empty()) {
            static constexpr char digits[] = "0123456789abcdef";
            std::string size;
            for (std::size_t n = text.size(); n > 0; n >>= 4) size.insert(size.begin(), digits[n & 15]);
            wire_ += size;
            wire_ += "\r\n";
            wire_ += text;
            wire_ += "\r\n";
        }
        if (last) {
            wire_ += "0\r\n\r\n";
            drop_stream();
        }
        write_chunk(last);
    }

    void write_chunk(bool last) {
        writing_ = true;
        expire_after(state_.limits.write_timeout_ms);
        asio::async_write(stream_, asio::buffer(wire_),
                          [self = this->shared_from_this(), last](beast::error_code ec, std::size_t) {
                              self->writing_ = false;
                              self->deadline_ = steady::time_point::max();  // until the next chunk
                              if (ec || last || self->client_left_) return self->finish_stream();
                              if (self->ending_) return self->end_stream();
                              self->pull_piece();
                          });
    }

    // Ends the streamed answer: once no chunk is being written, the last chunk goes out (unless
    // the client left) and the connection closes.
    void end_stream() {
        ending_ = true;
        if (!streaming_ || writing_ || stream_finished_) return;
        drop_stream();
        if (client_left_) return finish_stream();
        wire_ = "0\r\n\r\n";
        write_chunk(true);
    }

    void drop_stream() {
        if (!body_) return;
        body_->cancel();
        body_.reset();
    }

    void finish_stream() {
        if (stream_finished_) return;
        stream_finished_ = true;
        drop_stream();
        end_request();
        busy_ = false;
        wire_.clear();
        close_now();
    }

    // Ends the connection after its last answer. Over TLS the close_notify alert goes first
    // (at most a second's wait for the client's), so the client can tell the end from a cut.
    void close() {
        if constexpr (is_tls) {
            busy_ = true;  // the drain leaves the shutdown to its own deadline
            expire_after(std::min<std::int64_t>(state_.limits.write_timeout_ms, 1000));
            stream_.async_shutdown([self = this->shared_from_this()](beast::error_code) { self->close_now(); });
        } else {
            close_now();
        }
    }

    void close_now() {
        beast::error_code ignored;
        tcp_socket().shutdown(tcp::socket::shutdown_send, ignored);
        close_socket();
    }

    Stream stream_;
    shared_state& state_;
    worker& home_;
    beast::flat_buffer buffer_;
    using header_allocator = detail::arena_allocator<char>;
    detail::request_arena header_arena_;  // the parsed header's memory; outlives parser_
    std::optional<bhttp::request_parser<bhttp::string_body, header_allocator>> parser_;
    std::string wire_;  // the response being written
    request request_;
    std::string correlation_id_;
    inline static thread_local correlation_id_source correlation_ids_;
    steady::time_point started_{};
    steady::time_point deadline_ = steady::time_point::max();  // of the read or write under way
    std::size_t served_ = 0;
    std::size_t body_wire_bytes_ = 0;  // bytes of a chunked body read so far, framing included
    int status_ = 0;
    std::shared_ptr<body_stream> body_;  // the streamed answer being sent, if any
    std::shared_ptr<void> lease_;        // what the request in hand holds (hold()); this thread only
    bool streaming_ = false;    // its headers went out; chunks follow
    bool stream_finished_ = false;
    bool writing_ = false;      // a chunk of the stream is being written
    bool ending_ = false;       // the stream is to end (drain) once the write in flight is done
    bool client_left_ = false;  // the read kept open during a stream completed
    bool cut_ = false;          // the answer being written is truncated on purpose
    std::string_view hubspot_status_;  // of the answer being written (a static string)
    bool keep_alive_ = true;
    bool announce_keep_alive_ = false;  // Connection: keep-alive goes out (HTTP/1.0 asked for it)
    bool busy_ = false;
};

}  // namespace
}  // namespace hsoauth::http::detail
