#pragma once
// Reading one request off a connection's buffer, the parts that need no asynchronous operation:
// the raw header-byte check that refuses request-smuggling vectors Beast lets through, the
// framing and Host facts of a parsed header, the parse of a header or a Content-Length body
// already in the read buffer (parser.put, no Beast read operation), and what a read error
// means for the client. The session (server_session.hpp) drives the reads around them.
// Private to src/http/ (Beast: included by server*.cpp only). No function here allocates.
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/field.hpp>

#include <cstddef>
#include <string_view>

#include "hsoauth/http/message.hpp"
#include "hsoauth/http/transport_error.hpp"

namespace hsoauth::http::detail {

struct header_verdict {
    bool complete = false;         // a whole header block (ending in an empty line) is here
    const char* problem = nullptr; // why the bytes are refused
};

// Scans the start of `raw` up to the end of the first header block: NUL bytes, bare CR or LF
// and obsolete line folding are refused (RFC 9112 §2.2, §5.2), as request-smuggling vectors.
// Beast accepts obsolete line folding, so this runs on the raw bytes before Beast parses them.
header_verdict check_header_bytes(std::string_view raw);

// The host of a Host field value without its port: "[::1]:8080" → "[::1]", "a.example:80" →
// "a.example". A value whose port is not digits comes back whole, so it matches no host name.
std::string_view host_without_port(std::string_view value);

// What the header says beyond what Beast checks itself.
struct header_facts {
    const char* framing_problem = nullptr;  // why the framing is refused (request smuggling)
    std::size_t hosts = 0;                  // Host fields
    std::string_view host;                  // the first Host field's value (a view into `header`)
    bool expects_continue = false;          // Expect: 100-continue
};

// The templates below have internal linkage, as when they lived in server.cpp, so that the
// compiler inlines them into the session's per-request path.
namespace {

// Request-smuggling defences Beast does not apply itself, and the fields the session acts on,
// in one pass over a parsed `header` (a Beast request header of any fields allocator).
template <class Header>
header_facts inspect_header(const Header& header) {
    namespace bhttp = boost::beast::http;
    header_facts facts;
    std::size_t transfer_encodings = 0;
    std::size_t content_lengths = 0;
    for (const auto& field : header) {
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

// A whole header block is in `buffer` (check_header_bytes said so): `parser` parses it from
// there, enforcing its header limit, and the bytes it used are consumed. Returns true when the
// header is done or refused (`ec` says which: empty when done), false when the parser wants
// more bytes after all (then the read goes on as usual).
template <class Parser>
inline bool parse_buffered_header(Parser& parser, boost::beast::flat_buffer& buffer, boost::beast::error_code& ec) {
    namespace bhttp = boost::beast::http;
    const std::size_t used = parser.put(buffer.data(), ec);
    buffer.consume(used);
    if (ec == bhttp::error::need_more && !parser.is_header_done()) return false;
    if (!ec && !parser.is_header_done()) return false;
    if (ec == bhttp::error::need_more) ec = {};
    return true;
}

// A body sized by Content-Length that came in the same reads as its header (as most small
// forms do) is parsed from `buffer` at once. Returns true when the message is done (`ec`
// empty) or refused (`ec` set); false, with the bytes used so far consumed, when the body is
// not all here yet: the read continues where this left off.
template <class Parser>
inline bool parse_buffered_body(Parser& parser, boost::beast::flat_buffer& buffer, boost::beast::error_code& ec) {
    namespace bhttp = boost::beast::http;
    while (!parser.is_done() && buffer.size() > 0) {
        ec = {};
        const std::size_t used = parser.put(buffer.data(), ec);
        buffer.consume(used);
        if (ec == bhttp::error::need_more) break;
        if (ec) return true;
        if (used == 0) break;
    }
    ec = {};
    return parser.is_done();
}

}  // namespace

// What a failed read of a request means for the client: either nobody to answer (the client
// went away, was too slow, or the stream broke) or an error answer before the connection closes.
struct read_failure {
    bool answer = false;      // false: close the connection without an answer
    transport_errc code{};    // when answer: the error to send
    std::string_view detail;  // when answer: its detail (a static string), or empty
};

// Classifies `ec` from a read of a request; `header_done` says whether its header was parsed.
read_failure classify_read_error(boost::beast::error_code ec, bool header_done);

}  // namespace hsoauth::http::detail
