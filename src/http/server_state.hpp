#pragma once
// What every connection of http::server shares: the limits, the TLS context, the allowed hosts,
// the connection count and the drain flag. Private to src/http/ (included by server*.cpp only).
#include <atomic>
#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "hsoauth/http/correlation_id.hpp"
#include "hsoauth/http/server.hpp"

namespace hsoauth::http::detail {

// Internal linkage, as when this lived in server.cpp: the header is included by server.cpp
// alone, and the compiler may then inline the per-request path across it.
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

}  // namespace
}  // namespace hsoauth::http::detail
