#pragma once

// Incremental HTTP/1.x response parsing over a byte buffer, shared by the one-shot client and
// the raw keep-alive connection.

#include <cstddef>
#include <optional>
#include <string_view>

#include "support/http_response.hpp"

namespace hsoauth::e2e {

struct parsed_response {
    http_response response;
    // Bytes of the buffer the response occupied; anything after belongs to the next response.
    std::size_t consumed = 0;
};

// Parses the first response at the start of `buffer`.
// Returns nullopt when more bytes are needed, or when `eof` is set and `buffer` is empty.
// `eof` means no more bytes will arrive: a close-delimited body is then complete.
// `head_request` means the response carries no body whatever its headers say.
// Body framing: 1xx/204/304/HEAD have none; else chunked (trailers are appended to headers);
// else Content-Length; else until EOF.
// Throws std::runtime_error on malformed input, or when `eof` leaves a response truncated.
std::optional<parsed_response> parse_response(std::string_view buffer, bool eof,
                                              bool head_request = false);

}  // namespace hsoauth::e2e
