#include "support/controls_helpers.hpp"

#include <stdexcept>

namespace hsoauth::e2e {
namespace {

using nlohmann::json;

json expect(const http_response& r, int status, std::string_view what) {
    if (r.status != status) {
        throw std::runtime_error(std::string(what) + ": expected HTTP " + std::to_string(status) +
                                 ", got " + std::to_string(r.status) + ": " + r.body);
    }
    return r.body.empty() ? json() : r.json();
}

}  // namespace

json add_fault(const server_process& server, const json& rule) {
    return expect(server.admin("POST", "/admin/v1/faults", rule), 201, "POST /admin/v1/faults");
}

json list_faults(const server_process& server) {
    return expect(server.admin("GET", "/admin/v1/faults"), 200, "GET /admin/v1/faults").at("results");
}

void clear_faults(const server_process& server) {
    expect(server.admin("DELETE", "/admin/v1/faults"), 204, "DELETE /admin/v1/faults");
}

json events(const server_process& server, std::string_view query) {
    std::string target = "/admin/v1/events";
    if (!query.empty()) {
        target += '?';
        target.append(query);
    }
    return expect(server.admin("GET", target), 200, "GET /admin/v1/events").at("results");
}

json report(const server_process& server, std::int64_t app_id) {
    return expect(server.admin("GET", "/admin/v1/apps/" + std::to_string(app_id) + "/report"), 200,
                  "GET report");
}

json finding(const json& report, std::string_view id) {
    for (const char* list : {"findings", "notices"}) {
        for (const auto& f : report.at(list)) {
            if (f.at("id") == id) return f;
        }
    }
    return nullptr;
}

}  // namespace hsoauth::e2e
