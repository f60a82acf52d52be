#include "hsoauth/http/server.hpp"

#include <arpa/inet.h>
#include <openssl/crypto.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <boost/asio/bind_executor.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/ssl/context.hpp>
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
#include <atomic>
#include <cctype>
#include <chrono>
#include <fstream>
#include <iterator>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <thread>
#include <type_traits>
#include <unordered_set>
#include <vector>

#include "hsoauth/http/body_stream.hpp"
#include "hsoauth/http/correlation_id.hpp"
#include "hsoauth/http/log_event.hpp"
#include "hsoauth/http/request_log.hpp"
#include "hsoauth/http/request_observer.hpp"
#include "hsoauth/http/router.hpp"
#include "hsoauth/http/transport_error.hpp"
#include "hsoauth/http/wire.hpp"
#include "network_thread.hpp"
#include "request_arena.hpp"

namespace hsoauth::http {
namespace {

namespace asio = boost::asio;
namespace ssl = boost::asio::ssl;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;
using steady = std::chrono::steady_clock;

using plain_stream = beast::tcp_stream;
using tls_stream = beast::ssl_stream<beast::tcp_stream>;

// Mozilla's "intermediate" configuration (v5.7) for TLS 1.2: ECDHE key exchange with AES-GCM or
// ChaCha20-Poly1305 only. TLS 1.3 keeps OpenSSL's default suites, which are the same three.
constexpr const char* intermediate_tls12_ciphers =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
    "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
    "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305";

// The interim answer to "Expect: 100-continue" (RFC 9110 §10.1.1).
constexpr std::string_view continue_line = "HTTP/1.1 100 Continue\r\n\r\n";

// What every session type offers the drain, whatever its stream.
class session_base : public connection_port {
public:
    // Drain: a connection that is not handling a request is closed now.
    virtual void close_if_idle() = 0;
    // The read or write under way has outlived its deadline (server_limits) at `now`: the
    // connection is closed, and the operation completes with an error.
    virtual void close_if_late(steady::time_point now) = 0;
};

// One network thread: its io_context and the sessions living on it (touched only from it).
// `sessions` is declared first so that it outlives the sessions the io_context destroys; the
// inbox after `ctx`, so that work still in it (holding sessions) goes while their sockets' context lives.
struct worker {
    std::unordered_set<session_base*> sessions;
    asio::io_context ctx{1};
    // Closes the sessions whose deadline has passed, every `tick`: one timer per thread instead
    // of one per read and write (Beast's tcp_stream deadlines each cost a timer operation).
    // Started by server::run; a deadline is enforced at most one tick late, never early.
    asio::steady_timer sweep_timer{ctx};
    std::vector<session_base*> late;  // this thread only

    void sweep_every(std::chrono::milliseconds tick) {
        sweep_timer.expires_after(tick);
        sweep_timer.async_wait([this, tick](beast::error_code ec) {
            if (ec) return;
            const auto now = steady::now();
            late.assign(sessions.begin(), sessions.end());  // closing never destroys a session at once
            for (auto* s : late) s->close_if_late(now);
            late.clear();
            sweep_every(tick);
        });
    }

    // Runs `work` on this thread, from any other. Work handed over while earlier work still
    // waits joins it: a batch of write completions costs one handler and at most one wake-up.
    void hand_in(std::function<void()> work) { hand_in(inbox_entry{std::move(work), nullptr, {}}); }

    // Sends `answer` on `port`'s connection from this thread, then drops `port` there; from any
    // other thread, in order with hand_in's work. Allocates nothing once the inbox has grown.
    void hand_in(std::shared_ptr<connection_port> port, response answer) {
        hand_in(inbox_entry{nullptr, std::move(port), std::move(answer)});
    }

private:
    // Work to run, or an answer to send on a port.
    struct inbox_entry {
        std::function<void()> work;
        std::shared_ptr<connection_port> port;
        response answer;
    };

    void hand_in(inbox_entry entry) {
        {
            std::lock_guard lock(inbox_mutex);
            inbox.push_back(std::move(entry));
            if (inbox_drain_posted) return;
            inbox_drain_posted = true;
        }
        asio::post(ctx, [this] { drain_inbox(); });
    }

    void drain_inbox() {
        {
            std::lock_guard lock(inbox_mutex);
            running.swap(inbox);
            inbox_drain_posted = false;
        }
        for (auto& entry : running) {
            if (entry.port) {
                const auto port = std::move(entry.port);
                port->send(std::move(entry.answer));
            } else {
                entry.work();
            }
        }
        running.clear();  // keeps its capacity for the next drain
    }

    std::mutex inbox_mutex;
    std::vector<inbox_entry> inbox;     // guarded by inbox_mutex
    bool inbox_drain_posted = false;    // guarded by inbox_mutex
    std::vector<inbox_entry> running;   // this thread only
};

}  // namespace

struct tls_credentials::impl {
    explicit impl(ssl::context c) : ctx(std::move(c)) {}
    ssl::context ctx;  // not changed once loaded: sessions on every thread share it
    std::vector<std::string> names;
};

namespace {

// State shared by every session. Set up before the threads start (the TLS context and the host
// list are not changed after that); counters are atomic.
struct shared_state {
    const endpoints* svc;  // set before run() (server::serve)
    server_limits limits;
    std::shared_ptr<tls_credentials::impl> tls;
    std::vector<std::string> allowed_hosts;  // lower-case
    bool any_host = true;
    std::atomic<std::size_t> connections{0};
    std::atomic<bool> draining{false};
    // Reproducible runs: one seeded source for every thread, in the order requests begin
    // (server::seed_correlation_ids); null: each thread its own random source.
    struct seeded_ids {
        std::mutex mutex;
        correlation_id_source source;  // guarded by mutex
    };
    std::unique_ptr<seeded_ids> ids = nullptr;
};

// The host of a Host field value without its port: "[::1]:8080" → "[::1]", "a.example:80" →
// "a.example". A value whose port is not digits comes back whole, so it matches no host name.
std::string_view host_without_port(std::string_view value) {
    std::size_t colon = std::string_view::npos;
    if (!value.empty() && value.front() == '[') {
        const auto close = value.find(']');
        if (close == std::string_view::npos || close + 1 == value.size()) return value;
        colon = close + 1;
        if (value[colon] != ':') return value;
    } else {
        colon = value.rfind(':');
        if (colon == std::string_view::npos) return value;
    }
    const std::string_view port = value.substr(colon + 1);
    if (!std::all_of(port.begin(), port.end(), [](char c) { return c >= '0' && c <= '9'; })) return value;
    return value.substr(0, colon);
}

// The address of `socket`'s peer as text ("127.0.0.1", "::1"); "" when it has none.
std::string peer_address(const tcp::socket& socket) {
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
    session(tcp::socket&& socket, shared_state& state, worker& home)
        : stream_(open_stream(std::move(socket), state)),
          state_(state),
          home_(home),
          buffer_(state.limits.max_header_bytes + state.limits.max_body_bytes + 8192) {
        request_.remote_address = peer_address(lowest().socket());  // every request of the connection
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
        lowest().close();
    }

    void send(response r) override {
        if (home_.ctx.get_executor().running_in_this_thread()) return write_response(std::move(r));
        home_.hand_in(this->shared_from_this(), std::move(r));
    }

    void send_and_release(std::shared_ptr<connection_port> self, response r) override {
        home_.hand_in(std::move(self), std::move(r));
    }

    void post(std::function<void()> work) override {
        // Already on this connection's thread (a handler answering a read at once): no hop.
        if (home_.ctx.get_executor().running_in_this_thread()) return work();
        home_.hand_in(std::move(work));
    }

    void defer(std::function<void()> work) override { asio::post(home_.ctx, std::move(work)); }

    void defer_for(std::chrono::milliseconds delay, std::function<void()> work) override {
        auto timer = std::make_shared<asio::steady_timer>(home_.ctx, delay);
        timer->async_wait([timer, work = std::move(work)](beast::error_code ec) {
            if (!ec) work();
        });
    }

    bool on_own_thread() const override { return home_.ctx.get_executor().running_in_this_thread(); }

private:
    static Stream open_stream(tcp::socket&& socket, shared_state& state) {
        if constexpr (is_tls) {
            return Stream(std::move(socket), state.tls->ctx);
        } else {
            return Stream(std::move(socket));
        }
    }

    beast::tcp_stream& lowest() { return beast::get_lowest_layer(stream_); }

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
        if (verdict.complete && parse_buffered_header()) return;
        if (verdict.complete || raw.size() > state_.limits.max_header_bytes) {
            bhttp::async_read_header(stream_, buffer_, *parser_,
                                     [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
                                         self->on_header(ec);
                                     });
            return;
        }
        stream_.async_read_some(buffer_.prepare(4096),
                                [self = this->shared_from_this()](beast::error_code ec, std::size_t n) {
                                    if (ec) {
                                        self->begin_request();
                                        return self->on_read_error(ec);
                                    }
                                    self->buffer_.commit(n);
                                    self->fill_header();
                                });
    }

    // A whole header block is in the buffer: Beast parses it from there (enforcing its header
    // limit) and on_header runs without a read operation. Returns false when the parser wants
    // more bytes after all (then the read goes on as usual).
    bool parse_buffered_header() {
        beast::error_code ec;
        const std::size_t used = parser_->put(buffer_.data(), ec);
        buffer_.consume(used);
        if (ec == bhttp::error::need_more && !parser_->is_header_done()) return false;
        if (!ec && !parser_->is_header_done()) return false;
        on_header(ec == bhttp::error::need_more ? beast::error_code{} : ec);
        return true;
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
        if (state_.ids) {
            std::lock_guard lock(state_.ids->mutex);
            state_.ids->source.next(correlation_id_);
        } else {
            correlation_ids_.next(correlation_id_);
        }
        request_.route = {};
        request_.version = {};
        request_.notes.clear();
    }

    // What the header says beyond what Beast checks itself.
    struct header_facts {
        const char* framing_problem = nullptr;  // why the framing is refused (request smuggling)
        std::size_t hosts = 0;                  // Host fields
        std::string_view host;                  // the first Host field's value
        bool expects_continue = false;          // Expect: 100-continue
    };

    void on_header(beast::error_code ec) {
        begin_request();
        if (ec) return on_read_error(ec);
        const header_facts facts = inspect_header();
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
        if (parse_buffered_body()) return;
        bhttp::async_read(stream_, buffer_, *parser_,
                          [self = this->shared_from_this()](beast::error_code body_ec, std::size_t) {
                              if (body_ec) return self->on_read_error(body_ec);
                              self->on_request();
                          });
    }

    // A body sized by Content-Length that came in the same reads as its header (as most small
    // forms do) is parsed from the buffer at once, and the request answered without another
    // read operation. Returns false, with the bytes used so far consumed, when the body is not
    // all here yet: the read continues where this left off.
    bool parse_buffered_body() {
        while (!parser_->is_done() && buffer_.size() > 0) {
            beast::error_code ec;
            const std::size_t used = parser_->put(buffer_.data(), ec);
            buffer_.consume(used);
            if (ec == bhttp::error::need_more) break;
            if (ec) {
                on_read_error(ec);
                return true;
            }
            if (used == 0) break;
        }
        if (!parser_->is_done()) return false;
        on_request();
        return true;
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

    // Request-smuggling defences Beast does not apply itself, and the fields the session acts on,
    // in one pass over the header.
    header_facts inspect_header() const {
        header_facts facts;
        std::size_t transfer_encodings = 0;
        std::size_t content_lengths = 0;
        for (const auto& field : parser_->get()) {
            switch (field.name()) {
                case bhttp::field::transfer_encoding:
                    ++transfer_encodings;
                    if (!iequals(field.value(), "chunked")) facts.framing_problem = "Transfer-Encoding other than chunked";
                    break;
                case bhttp::field::content_length:
                    ++content_lengths;
                    break;
                case bhttp::field::host:
                    if (facts.hosts++ == 0) facts.host = field.value();
                    break;
                case bhttp::field::expect:
                    facts.expects_continue = iequals(field.value(), "100-continue");
                    break;
                default:
                    break;
            }
        }
        if (facts.framing_problem) return facts;
        if (transfer_encodings > 1) {
            facts.framing_problem = "Transfer-Encoding given more than once";
        } else if (transfer_encodings > 0 && content_lengths > 0) {
            facts.framing_problem = "Transfer-Encoding together with Content-Length";
        } else if (content_lengths > 1) {
            facts.framing_problem = "Content-Length given more than once";
        }
        return facts;
    }

    bool host_allowed(std::string_view host_field) const {
        if (state_.any_host) return true;
        const std::string_view host = host_without_port(host_field);
        return std::any_of(state_.allowed_hosts.begin(), state_.allowed_hosts.end(),
                           [host](const std::string& allowed) { return iequals(allowed, host); });
    }

    void on_read_error(beast::error_code ec) {
        if (ec == bhttp::error::end_of_stream || ec == asio::error::eof ||
            ec == beast::error::timeout || ec == asio::error::operation_aborted ||
            ec == asio::error::connection_reset || ec == asio::error::bad_descriptor) {
            return close_now();  // the client went away, or was too slow: nobody to answer
        }
        if (ec == bhttp::error::header_limit) return reject(transport_errc::headers_too_large);
        if (ec == bhttp::error::body_limit) return reject(transport_errc::payload_too_large);
        // A chunk line (size and extensions) that does not fit the read buffer.
        if (ec == bhttp::error::buffer_overflow && parser_ && parser_->is_header_done()) {
            return reject(transport_errc::payload_too_large);
        }
        if (ec == bhttp::error::partial_message) return close_now();
        if (ec.category() == bhttp::make_error_code(bhttp::error::bad_method).category()) {
            return reject(transport_errc::bad_request, "the request is not valid HTTP/1.1");
        }
        close_now();  // TLS errors among others: no answer can be sent on a broken stream
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
        expire_after(state_.limits.write_timeout_ms);
        asio::async_write(stream_, asio::buffer(wire_),
                          [self = this->shared_from_this()](beast::error_code ec, std::size_t) { self->on_write(ec); });
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
        log_finished();
        busy_ = false;
        wire_.clear();
        if (ec) return close_now();
        if (!keep_alive_ || state_.draining.load()) return close();
        read_header();
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
        log_finished();
        beast::error_code ignored;
        lowest().socket().set_option(asio::socket_base::linger(true, 0), ignored);
        lowest().close();
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
        log_finished();
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
        lowest().socket().shutdown(tcp::socket::shutdown_send, ignored);
        lowest().close();
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

// The whole content of `path`, or nullopt when it cannot be read.
std::optional<std::string> read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return std::nullopt;
    std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (in.bad()) return std::nullopt;
    return content;
}

// The names a server certificate is for: subjectAltName DNS names and IP addresses.
std::vector<std::string> certificate_names(X509* cert) {
    std::vector<std::string> names;
    auto* general = static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(cert, NID_subject_alt_name, nullptr, nullptr));
    if (general == nullptr) return names;
    for (int i = 0; i < sk_GENERAL_NAME_num(general); ++i) {
        const GENERAL_NAME* name = sk_GENERAL_NAME_value(general, i);
        if (name->type == GEN_DNS) {
            const auto* data = reinterpret_cast<const char*>(ASN1_STRING_get0_data(name->d.dNSName));
            std::string dns(data, static_cast<std::size_t>(ASN1_STRING_length(name->d.dNSName)));
            if (dns.empty() || dns.find('*') != std::string::npos) continue;
            for (auto& c : dns) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
            names.push_back(std::move(dns));
        } else if (name->type == GEN_IPADD) {
            const int length = ASN1_STRING_length(name->d.iPAddress);
            const unsigned char* bytes = ASN1_STRING_get0_data(name->d.iPAddress);
            char text[INET6_ADDRSTRLEN] = {};
            if (length == 4 && inet_ntop(AF_INET, bytes, text, sizeof text)) {
                names.emplace_back(text);
            } else if (length == 16 && inet_ntop(AF_INET6, bytes, text, sizeof text)) {
                names.push_back("[" + std::string(text) + "]");
            }
        }
    }
    GENERAL_NAMES_free(general);
    return names;
}

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
        l.acceptor.async_accept(target.ctx, [this, &l, &target](beast::error_code ec, tcp::socket socket) {
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

const std::vector<std::string>& tls_credentials::names() const { return impl_->names; }

tls_credentials load_tls(const std::string& cert_file, const std::string& key_file) {
    ssl::context ctx(ssl::context::tls_server);
    SSL_CTX* native = ctx.native_handle();
    SSL_CTX_set_min_proto_version(native, TLS1_2_VERSION);
    SSL_CTX_set_max_proto_version(native, TLS1_3_VERSION);
    // No compression (CRIME), no renegotiation; the client's cipher order wins, as Mozilla's
    // intermediate profile says (every suite offered is strong).
    SSL_CTX_set_options(native, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION);
    SSL_CTX_clear_options(native, SSL_OP_CIPHER_SERVER_PREFERENCE);
    if (SSL_CTX_set_cipher_list(native, intermediate_tls12_ciphers) != 1) {
        throw std::runtime_error("OpenSSL refused the TLS 1.2 cipher list");
    }
    // An encrypted key must fail here, not prompt on the terminal.
    ctx.set_password_callback([](std::size_t, ssl::context::password_purpose) { return std::string(); });

    if (!read_file(cert_file)) throw std::runtime_error("the TLS certificate file " + cert_file + " cannot be read");
    beast::error_code ec;
    ctx.use_certificate_chain_file(cert_file, ec);
    if (ec) {
        throw std::runtime_error("the TLS certificate file " + cert_file +
                                 " does not hold a usable PEM certificate chain (" + ec.message() + ")");
    }
    std::optional<std::string> key = read_file(key_file);
    if (!key) throw std::runtime_error("the TLS key file " + key_file + " cannot be read");
    ctx.use_private_key(asio::buffer(*key), ssl::context::pem, ec);
    OPENSSL_cleanse(key->data(), key->size());
    if (ec) {
        throw std::runtime_error("the TLS key file " + key_file +
                                 " does not hold an unencrypted PEM private key for the certificate in " + cert_file +
                                 " (" + ec.message() + ")");
    }
    if (SSL_CTX_check_private_key(native) != 1) {
        throw std::runtime_error("the TLS key file " + key_file + " does not match the certificate in " + cert_file);
    }
    tls_credentials loaded;
    loaded.impl_ = std::make_shared<tls_credentials::impl>(std::move(ctx));
    loaded.impl_->names = certificate_names(SSL_CTX_get0_certificate(loaded.impl_->ctx.native_handle()));
    return loaded;
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
        threads.emplace_back([&ctx = impl_->workers[i]->ctx] {
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
