// The request reader's checks that need no parser state (server_request_reader.hpp).
#include "server_request_reader.hpp"

#include <boost/asio/error.hpp>
#include <boost/beast/core/error.hpp>

#include <algorithm>
#include <array>

#include "hsoauth/util/byte_words.hpp"

namespace hsoauth::http::detail {

namespace {

// The bytes check_header_bytes stops at: the ends of lines and NUL. Every other byte passes.
constexpr std::array<bool, 256> header_stop_bytes = [] {
    std::array<bool, 256> stops{};
    stops['\0'] = stops['\n'] = stops['\r'] = true;
    return stops;
}();

// Whether the eight bytes at `p` are all 0x20 or above: none of them is a stop byte.
bool all_at_least_space(const unsigned char* p) {
    return util::byte_below(util::load_word(reinterpret_cast<const char*>(p)), 0x20) == 0;
}

}  // namespace

header_verdict check_header_bytes(std::string_view raw) {
    const auto* p = reinterpret_cast<const unsigned char*>(raw.data());
    const auto* const end = p + raw.size();
    const auto* line = p;  // where the current line begins
    bool seen_request_line = false;
    for (;; ++p) {
        // Eight bytes at a time while none is below 0x20 (every stop byte is), then byte by byte
        // through a word that holds one (a tab passes, and the words resume after it).
        for (;;) {
            while (end - p >= 8 && all_at_least_space(p)) p += 8;
            if (p == end || header_stop_bytes[*p]) break;
            ++p;
        }
        if (p == end) return {};  // need more bytes
        if (*p == '\0') return {false, "NUL byte in the request header"};
        if (*p == '\n') return {false, "bare LF in the request header"};
        if (p + 1 == end) return {};  // a CR: need the next byte
        if (p[1] != '\n') return {false, "bare CR in the request header"};
        if (p != line) {
            seen_request_line = true;
        } else if (seen_request_line) {
            return {true, nullptr};  // the empty line that ends the header block
        }
        ++p;  // the LF; the loop steps past it
        line = p + 1;
        if (seen_request_line && line != end && (*line == ' ' || *line == '\t')) {
            return {false, "obsolete line folding in the request header"};
        }
    }
}

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

read_failure classify_read_error(boost::beast::error_code ec, bool header_done) {
    namespace asio = boost::asio;
    namespace beast = boost::beast;
    namespace bhttp = boost::beast::http;
    if (ec == bhttp::error::end_of_stream || ec == asio::error::eof ||
        ec == beast::error::timeout || ec == asio::error::operation_aborted ||
        ec == asio::error::connection_reset || ec == asio::error::bad_descriptor) {
        return {};  // the client went away, or was too slow: nobody to answer
    }
    if (ec == bhttp::error::header_limit) return {true, transport_errc::headers_too_large, {}};
    if (ec == bhttp::error::body_limit) return {true, transport_errc::payload_too_large, {}};
    // A chunk line (size and extensions) that does not fit the read buffer.
    if (ec == bhttp::error::buffer_overflow && header_done) return {true, transport_errc::payload_too_large, {}};
    if (ec == bhttp::error::partial_message) return {};
    if (ec.category() == bhttp::make_error_code(bhttp::error::bad_method).category()) {
        return {true, transport_errc::bad_request, "the request is not valid HTTP/1.1"};
    }
    return {};  // TLS errors among others: no answer can be sent on a broken stream
}

}  // namespace hsoauth::http::detail
