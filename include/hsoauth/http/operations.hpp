#pragma once
// What the operations routes serve (http/wire/ops): the metrics registry behind GET /metrics,
// who may scrape it, and the OpenAPI document behind GET /openapi.json. Built once at start-up
// (app::assembly); immutable afterwards, so any thread may read it.
#include <string>

#include "hsoauth/metrics/registry.hpp"

namespace hsoauth::http {

enum class metrics_access {
    open,       // anyone who reaches the server
    admin_key,  // Authorization: Bearer <admin key>, as the admin API
    off,        // GET /metrics answers 404
};

class operations {
  public:
    // `metrics` must outlive this object. `openapi_json`: the whole document, as served.
    operations(const metrics::registry& metrics, metrics_access access, std::string openapi_json)
        : metrics_(metrics), access_(access), openapi_json_(std::move(openapi_json)) {}

    const metrics::registry& metrics() const { return metrics_; }
    metrics_access access() const { return access_; }
    const std::string& openapi_json() const { return openapi_json_; }

  private:
    const metrics::registry& metrics_;
    const metrics_access access_;
    const std::string openapi_json_;
};

}  // namespace hsoauth::http
