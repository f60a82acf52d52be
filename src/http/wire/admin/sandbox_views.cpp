#include "hsoauth/http/wire/admin/sandbox_views.hpp"

#include <nlohmann/json.hpp>

#include "hsoauth/http/answer.hpp"
#include "hsoauth/http/bearer_auth.hpp"
#include "hsoauth/http/sandbox_front.hpp"
#include "hsoauth/http/transport_error.hpp"
#include "hsoauth/http/wire/admin/admin_json.hpp"
#include "hsoauth/http/wire/admin/admin_views.hpp"
#include "hsoauth/service/admin_service.hpp"
#include "hsoauth/service/sandbox_service.hpp"

namespace hsoauth::http::wire::admin_api {
namespace {

using nlohmann::json;
using oauth::errc;
using oauth::make_error;

constexpr std::size_t max_name_bytes = 200;
constexpr std::int64_t max_ttl_seconds = 10LL * 365 * 86400;

// The sandbox service, or nullptr after answering 404 (inside a sandbox: sandboxes do not nest).
service::sandbox_service* sandboxes_of(const endpoints& e, const request& req, const responder& respond) {
    if (e.sandboxes == nullptr) {
        respond(transport_error_response(transport_errc::route_not_found, req.correlation_id,
                                         "sandboxes are managed at the root, not inside a sandbox"));
    }
    return e.sandboxes;
}

// For the routes that name a sandbox: the server's admin key or that sandbox's own. False after
// answering 401.
bool admitted(const endpoints& e, service::sandbox_service& sandboxes, const request& req,
              const std::string& sandbox_id, const responder& respond) {
    const std::string_view presented = bearer_credentials(req.header("authorization"));
    // The sandbox's own key first: presented to the server's check it would count as a wrong key
    // against the caller's address (admin_service::authenticate).
    if (sandboxes.owns_key(sandbox_id, presented)) return true;
    const auto refused = e.admin.authenticate(call_of(req, respond), presented);
    if (!refused) return true;
    auto answer = error_response(*refused, req.correlation_id);
    if (answer.status == 401) answer.with_header("WWW-Authenticate", "Bearer");
    respond(std::move(answer));
    return false;
}

template <class T, class OnValue>
service::reply<T> sandbox_answer(const endpoints& e, const request& req, responder respond, OnValue on_value) {
    return answer<T>(std::move(respond), req.correlation_id, e.log, std::move(on_value),
                     [correlation_id = std::string_view(req.correlation_id)](const oauth::error& err) {
                         return error_response(err, correlation_id);
                     });
}

// http[s]://HOST/sandboxes/{id}, HOST as the client named it (the server checked it).
std::string base_url_of(const request& req, const std::string& sandbox_id) {
    std::string_view host = req.header("host");
    if (host.empty()) host = "localhost";
    return std::string(req.secure ? "https://" : "http://") + std::string(host) +
           std::string(sandbox_front::path_prefix) + sandbox_id;
}

json to_json(const service::sandbox_info& info, const request& req) {
    return json{{"id", info.sandbox_id},
                {"name", info.name},
                {"base_url", base_url_of(req, info.sandbox_id)},
                {"created_at", info.created_at},
                {"last_used_at", info.last_used_at},
                {"ttl_seconds", info.ttl_seconds},
                {"snapshots", info.snapshots},
                {"open", info.open}};
}

// The body's members are checked against the shared key list first (admin_json), so an unknown
// or misspelt member is refused with the same 400 as in every other admin body.
oauth::result<service::sandbox_request> parse_sandbox_request(const json& parsed) {
    auto checked = admin_json::sandbox_create_body(parsed);
    if (!checked) return checked.err();
    const json& body = *checked;
    service::sandbox_request out;
    if (const auto it = body.find("name"); it != body.end()) {
        if (!it->is_string() || it->get_ref<const std::string&>().size() > max_name_bytes)
            return make_error(errc::invalid_field, "name must be a string of at most 200 bytes", "name");
        out.name = it->get<std::string>();
    }
    if (const auto it = body.find("from"); it != body.end()) {
        if (!it->is_string()) return make_error(errc::invalid_field, "from must be a sandbox or snapshot id", "from");
        out.from = it->get<std::string>();
    }
    if (const auto it = body.find("ttl_seconds"); it != body.end()) {
        if (!it->is_number_integer() || it->get<std::int64_t>() < 0 || it->get<std::int64_t>() > max_ttl_seconds)
            return make_error(errc::invalid_field, "ttl_seconds must be an integer from 0 (never) to ten years",
                              "ttl_seconds");
        out.ttl_seconds = it->get<std::int64_t>();
    }
    if (const auto it = body.find("seed"); it != body.end()) {
        // A seed's "faults" are rules of a running world's controls, which a sandbox gets only
        // once it is open: refused rather than dropped.
        if (it->is_object() && it->contains("faults"))
            return make_error(errc::invalid_field,
                              "a sandbox's seed cannot hold faults: add them under its base_url with "
                              "POST /admin/v1/faults once it is created",
                              "faults");
        auto seed = admin_json::parse_seed(*it);
        if (!seed) return seed.err();
        out.seed = std::move(*seed);
    }
    return out;
}

}  // namespace

void post_sandbox(const endpoints& e, const request& req, route_params&, responder respond) {
    auto* sandboxes = sandboxes_of(e, req, respond);
    if (sandboxes == nullptr) return;
    const std::string_view text = req.body.empty() ? std::string_view("{}") : std::string_view(req.body);
    auto body = admin_json::parse_body(text);
    if (!body) return respond(error_response(body.err(), req.correlation_id));
    auto input = parse_sandbox_request(*body);
    if (!input) return respond(error_response(input.err(), req.correlation_id));
    const service::call asked = call_of(req, respond);  // before `respond` is moved below
    sandboxes->create(asked, std::move(*input),
                      sandbox_answer<service::created_sandbox>(
                          e, req, std::move(respond), [&req](service::created_sandbox& created) {
                              json out = to_json(created.info, req);
                              out["admin_key"] = created.admin_key;
                              if (created.seeded) out["seed"] = admin_json::to_json(*created.seeded);
                              return json_response(201, out.dump());
                          }));
}

void list_sandboxes(const endpoints& e, const request& req, route_params&, responder respond) {
    auto* sandboxes = sandboxes_of(e, req, respond);
    if (sandboxes == nullptr) return;
    const service::call asked = call_of(req, respond);  // before `respond` is moved below
    sandboxes->list(asked,
                    sandbox_answer<std::vector<service::sandbox_info>>(
                        e, req, std::move(respond), [&req](std::vector<service::sandbox_info>& all) {
                            json results = json::array();
                            for (const auto& info : all) results.push_back(to_json(info, req));
                            return json_response(200, json{{"results", results}}.dump());
                        }));
}

void get_sandbox(const endpoints& e, const request& req, route_params& params, responder respond) {
    auto* sandboxes = sandboxes_of(e, req, respond);
    if (sandboxes == nullptr || !admitted(e, *sandboxes, req, params[0], respond)) return;
    const service::call asked = call_of(req, respond);  // before `respond` is moved below
    sandboxes->describe(asked, params[0],
                        sandbox_answer<service::sandbox_info>(
                            e, req, std::move(respond), [&req](service::sandbox_info& info) {
                                return json_response(200, to_json(info, req).dump());
                            }));
}

void delete_sandbox(const endpoints& e, const request& req, route_params& params, responder respond) {
    auto* sandboxes = sandboxes_of(e, req, respond);
    if (sandboxes == nullptr || !admitted(e, *sandboxes, req, params[0], respond)) return;
    const service::call asked = call_of(req, respond);  // before `respond` is moved below
    sandboxes->remove(asked, params[0],
                      sandbox_answer<oauth::done>(e, req, std::move(respond),
                                                  [](oauth::done&) { return empty_response(204); }));
}

void post_sandbox_snapshot(const endpoints& e, const request& req, route_params& params, responder respond) {
    auto* sandboxes = sandboxes_of(e, req, respond);
    if (sandboxes == nullptr || !admitted(e, *sandboxes, req, params[0], respond)) return;
    const service::call asked = call_of(req, respond);  // before `respond` is moved below
    sandboxes->snapshot(asked, params[0],
                        sandbox_answer<storage::snapshot_record>(
                            e, req, std::move(respond), [](storage::snapshot_record& snap) {
                                return json_response(201, json{{"snapshot_id", snap.snapshot_id},
                                                               {"sandbox_id", snap.sandbox_id},
                                                               {"created_at", snap.created_at}}
                                                              .dump());
                            }));
}

void post_sandbox_restore(const endpoints& e, const request& req, route_params& params, responder respond) {
    auto* sandboxes = sandboxes_of(e, req, respond);
    if (sandboxes == nullptr || !admitted(e, *sandboxes, req, params[0], respond)) return;
    auto parsed = admin_json::parse_body(req.body);
    auto body = parsed ? admin_json::sandbox_restore_body(*parsed) : std::move(parsed);
    if (!body) return respond(error_response(body.err(), req.correlation_id));
    const auto it = body->is_object() ? body->find("snapshot_id") : body->end();
    if (!body->is_object() || it == body->end() || !it->is_string()) {
        return respond(error_response(make_error(errc::missing_field, "snapshot_id is required", "snapshot_id"),
                                      req.correlation_id));
    }
    const service::call asked = call_of(req, respond);  // before `respond` is moved below
    sandboxes->restore(asked, params[0], it->get<std::string>(),
                       sandbox_answer<service::sandbox_info>(
                           e, req, std::move(respond), [&req](service::sandbox_info& info) {
                               return json_response(200, to_json(info, req).dump());
                           }));
}

}  // namespace hsoauth::http::wire::admin_api
