#pragma once
// GET /admin/v1/events as NDJSON: one event per line, in pieces of at most 500 events. Without
// follow it ends after the last matching event; with follow it then waits for new ones (woken
// by the journal, never polling) until the client leaves or the server drains.
#include <memory>
#include <mutex>

#include "hsoauth/controls/event_journal.hpp"
#include "hsoauth/http/body_stream.hpp"
#include "hsoauth/http/responder.hpp"
#include "hsoauth/service/controls_service.hpp"

namespace hsoauth::http::wire::admin_api {

class events_stream final : public body_stream, public std::enable_shared_from_this<events_stream> {
  public:
    // `controls` must outlive the stream. `follow`: the registration that wakes it (null: the
    // stream ends once it has caught up). `connection` is the request's, for hopping back to
    // its thread; released when the stream is cancelled.
    static std::shared_ptr<events_stream> open(service::controls_service& controls,
                                               controls::event_query query, bool follow,
                                               responder connection);

    void pull(deliver next) override;
    void cancel() override;

  private:
    events_stream(service::controls_service& controls, controls::event_query query,
                  responder connection)
        : controls_(controls), query_(std::move(query)), connection_(std::move(connection)) {}
    void wake();

    service::controls_service& controls_;
    controls::event_query query_;  // the connection's thread only
    std::mutex mutex_;
    std::optional<responder> connection_;             // guarded by mutex_
    std::shared_ptr<controls::follower> registration_;  // guarded by mutex_
    deliver waiting_;                                   // guarded by mutex_: a pull with nothing to send yet
    bool follow_ = false;
};

}  // namespace hsoauth::http::wire::admin_api
