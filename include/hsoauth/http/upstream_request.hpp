#pragma once
// What the gateway sends upstream for a checked API call: the request as the client sent it,
// less the headers of its own hop, plus who is calling. Pure functions.
#include <string>
#include <string_view>

#include "hsoauth/http/message.hpp"

namespace hsoauth::http {

// Whether a request header is not forwarded: hop-by-hop and framing headers (Connection and the
// headers it names, Keep-Alive, Proxy-Connection, Proxy-Authorization, TE, Trailer,
// Transfer-Encoding, Upgrade, Content-Length, Expect: RFC 9110 §7.6.1, §10.1.1) and the headers
// the gateway sets itself (X-HubSpot-Hub-Id, -User-Id, -App-Id, -Scopes, -Correlation-Id), so
// that no client can pose as another hub. `connection_tokens` is the request's Connection value.
bool dropped_request_header(std::string_view name, std::string_view connection_tokens);

// Whether the comma-separated `tokens` (a Connection value) name `name`, ASCII
// case-insensitively, with the blanks around each token ignored.
bool names_token(std::string_view tokens, std::string_view name);

// The HTTP/1.1 bytes forwarded for `req`: its method, routed target (without a sandbox's prefix)
// and body unchanged, its headers but the dropped ones (Authorization and Host kept), then
// `added` and X-HubSpot-Correlation-Id, and Content-Length when there is a body or the method is
// POST, PUT or PATCH.
std::string upstream_request_bytes(const request& req, const header_list& added);

// Whether a path is one the gateway refuses to check and forward: a "." or ".." segment (also
// percent-encoded), or an encoded '/' or '\' (%2F, %5C), which the server behind could read as
// another path than the one checked.
bool has_ambiguous_segments(std::string_view path);

}  // namespace hsoauth::http
