#pragma once
// Strings for response bodies, kept by each thread with their capacity, so that the hot answers
// (a token grant's JSON, built on a network thread and copied onto the wire there at once) reuse
// one buffer instead of allocating one per response. A body given back after it went onto the
// wire is taken by the next answer built on the same thread.
#include <string>

namespace hsoauth::http {

// An empty string: one given back on this thread when there is one, else a new one with room
// for 1,024 bytes (a token response with its signed_access_token).
std::string take_body_buffer();

// Keeps `used` (cleared, its capacity kept) for the next take on this thread: at most four, and
// none under 1,024 or over 64 KiB of capacity (a large body is let go, not kept).
void give_back_body_buffer(std::string&& used) noexcept;

}  // namespace hsoauth::http
