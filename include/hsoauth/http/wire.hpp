#pragma once
// A response as the bytes that go on the wire: status line, headers and body in one buffer, so a
// reply is one write. The server adds the headers every response carries here.
#include <string>
#include <string_view>

#include "hsoauth/http/message.hpp"

namespace hsoauth::http {

// The RFC 9110 reason phrase of `status` ("" for a code without one).
std::string_view reason_phrase(int status);

// HTTP/1.1 bytes of `r`, with Server, X-HubSpot-Correlation-Id, Cache-Control: no-store and
// Pragma: no-cache (unless `r` sets its own Cache-Control), Connection: close when the
// connection ends after it, and Content-Length (except for 1xx, 204 and 304, which have no
// body). An answer to HEAD keeps its Content-Length and leaves the body out (`head_request`).
// With `keep_alive` and `announce_keep_alive` (an HTTP/1.0 client that asked to keep the
// connection), Connection: keep-alive, without which such a client closes it.
// CR, LF and NUL in a header value are replaced by spaces: no value can split a header. A
// streamed response (r.stream) gets Transfer-Encoding: chunked and no body here: the server
// sends the stream's pieces as chunks.
std::string to_wire(const response& r, std::string_view correlation_id, bool keep_alive,
                    bool head_request = false, bool announce_keep_alive = false);
// The same bytes into `out`, replacing what it held (its capacity kept: a connection's buffer
// allocates no more once it has held its largest answer).
void write_wire(std::string& out, const response& r, std::string_view correlation_id, bool keep_alive,
                bool head_request = false, bool announce_keep_alive = false);

}  // namespace hsoauth::http
