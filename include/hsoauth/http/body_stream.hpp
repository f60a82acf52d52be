#pragma once
// A response body sent as it is produced (chunked transfer coding), for long-lived answers such
// as the event journal's follow streams. The connection pulls one piece at a time and sends it
// before pulling the next; the stream ends with the piece marked last, or when the connection
// goes away (the client closes, the server drains), which cancels it.
#include <functional>
#include <string>

namespace hsoauth::http {

class body_stream {
  public:
    // Hands over the next piece: `text` (may be empty) and whether it is the last one. Call it
    // once per pull, from any thread; it hops to the connection's thread itself.
    using deliver = std::function<void(std::string text, bool last)>;

    virtual ~body_stream() = default;
    // Called on the connection's thread when the previous piece has been sent. The stream calls
    // `next` once, now or later (when it has something), unless it is cancelled first.
    virtual void pull(deliver next) = 0;
    // The connection is closing: no further pull; a pending `next` may be dropped.
    virtual void cancel() = 0;
};

}  // namespace hsoauth::http
