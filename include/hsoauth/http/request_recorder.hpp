#pragma once
// The server's request observer: one log line per request in the log's format and level, and
// the request counted in request_metrics.
//   text: the line format_request_line writes (time, method, masked path, status, duration,
//         correlation id), unchanged;
//   json: {"time","level","event":"request","method","route","version","status","duration_us",
//         "correlation_id","client_id","hub_id","hubspot_status"} — the route's stable name, never
//         the path (a path may hold a token); a request that matched no route adds the path with
//         its token segments masked (masked_path). client_id, hub_id and hubspot_status only when
//         known.
// Requests are logged at info, answers of 500 and above at error. Thread-safe.
#include "hsoauth/http/log_writer.hpp"
#include "hsoauth/http/request_metrics.hpp"
#include "hsoauth/http/request_observer.hpp"

namespace hsoauth::http {

class request_recorder final : public request_observer {
  public:
    // Both must outlive the recorder; `metrics` may be null (nothing counted).
    request_recorder(log_writer& log, request_metrics* metrics) : log_(log), metrics_(metrics) {}

    void finished(const finished_request& r) override;

  private:
    log_writer& log_;
    request_metrics* metrics_;
};

}  // namespace hsoauth::http
