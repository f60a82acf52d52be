#include "hsoauth/http/router.hpp"

#include <exception>
#include <span>

#include "hsoauth/http/answer.hpp"
#include "hsoauth/http/bearer_auth.hpp"
#include "hsoauth/http/failure.hpp"
#include "hsoauth/http/form.hpp"
#include "hsoauth/http/sandbox_front.hpp"
#include "hsoauth/http/transport_error.hpp"
#include "hsoauth/http/wire/admin/admin_views.hpp"
#include "hsoauth/service/admin_service.hpp"

namespace hsoauth::http {
namespace {

// A route of the table with its pattern's text before the first parameter, found once: that text
// can only match itself, so most routes are told apart there without walking the segments.
struct indexed_route {
    const route* r;
    std::string_view literal;  // the whole pattern when it has no parameter
};

// Matches `path` against the route's pattern; fills `params` with the decoded {name} segments.
// Returns false on no match; sets `bad_encoding` when a parameter could not be decoded.
bool match(const indexed_route& candidate, std::string_view path, route_params& params, bool& bad_encoding) {
    params.clear();
    std::string_view pattern = candidate.r->pattern;
    if (candidate.literal.size() == pattern.size()) return path == pattern;
    if (!path.starts_with(candidate.literal)) return false;
    while (!pattern.empty() && !path.empty()) {
        if (pattern.front() != '/' || path.front() != '/') return false;
        pattern.remove_prefix(1);
        path.remove_prefix(1);
        const auto pattern_end = pattern.find('/');
        const auto path_end = path.find('/');
        const std::string_view want = pattern.substr(0, pattern_end);
        const std::string_view have = path.substr(0, path_end);
        if (want.size() >= 2 && want.front() == '{' && want.back() == '}') {
            if (have.empty()) return false;
            auto decoded = decode_path_segment(have);
            if (!decoded) {
                bad_encoding = true;
                return false;
            }
            params.push_back(std::move(*decoded));
        } else if (want != have) {
            return false;
        }
        pattern = pattern_end == std::string_view::npos ? std::string_view{} : pattern.substr(pattern_end);
        path = path_end == std::string_view::npos ? std::string_view{} : path.substr(path_end);
    }
    return pattern.empty() && path.empty();
}

// The admin key check of an admin route: nullopt when the request carries the key.
std::optional<oauth::error> admin_refusal(const endpoints& e, const request& req, const responder& respond) {
    const std::string_view presented = bearer_credentials(req.header("authorization"));
    return e.admin.authenticate(call_of(req, respond), presented);
}

// "METHOD /oauth/…" for each OAuth route of the table, in its order: what a 404 under /oauth/
// offers instead, so that endpoints added to the table are offered by themselves.
const error_context& oauth_endpoints() {
    static const error_context listed = [] {
        std::vector<std::string> endpoints;
        for (const auto& r : all_routes()) {
            if (r.pattern.starts_with("/oauth/")) endpoints.push_back(std::string(r.method) + " " + std::string(r.pattern));
        }
        return error_context{{"supportedEndpoints", std::move(endpoints)}};
    }();
    return listed;
}

// The first segment of a path or pattern: "oauth" of "/oauth/v1/token".
std::string_view first_segment(std::string_view path) {
    if (!path.empty() && path.front() == '/') path.remove_prefix(1);
    return path.substr(0, path.find('/'));
}

// The table's routes grouped by the first segment of their pattern, each group in the table's
// order and holding too the routes whose pattern begins with a parameter: a path is matched only
// against the group of its first segment, so the table's last route costs what its first does, and
// most API calls for the gateway ("crm", "cms", …) meet no route at all.
class route_index {
  public:
    explicit route_index(const std::vector<route>& table) {
        for (const auto& r : table) {
            const std::string_view first = first_segment(r.pattern);
            if (!first.starts_with('{')) {
                group_of(first).push_back(indexed(r));
                continue;
            }
            parameter_first_.push_back(indexed(r));
            for (auto& [segment, group] : groups_) group.push_back(indexed(r));
        }
    }

    // The routes that may match `path`, in the table's order.
    std::span<const indexed_route> candidates(std::string_view path) const {
        const std::string_view segment = first_segment(path);
        for (const auto& [first, group] : groups_) {
            if (first == segment) return group;
        }
        return parameter_first_;
    }

  private:
    static indexed_route indexed(const route& r) { return {&r, r.pattern.substr(0, r.pattern.find('{'))}; }

    // The group of first segment `segment`, begun with the routes seen so far whose pattern
    // begins with a parameter.
    std::vector<indexed_route>& group_of(std::string_view segment) {
        for (auto& [first, group] : groups_) {
            if (first == segment) return group;
        }
        return groups_.emplace_back(segment, parameter_first_).second;
    }

    std::vector<std::pair<std::string_view, std::vector<indexed_route>>> groups_;
    std::vector<indexed_route> parameter_first_;
};

const route_index& routes_by_first_segment() {
    static const route_index index(all_routes());
    return index;
}

}  // namespace

void dispatch(const endpoints& root, request& req, responder respond) {
    // Under a sandbox's prefix, the sandbox's endpoints serve the rest of the path.
    const endpoints* served = &root;
    if (root.sandbox_routes != nullptr && req.path.starts_with(sandbox_front::path_prefix)) {
        served = root.sandbox_routes->mount(req, respond);
        if (served == nullptr) return;
    }
    const endpoints& e = *served;
    const std::string_view path = req.routed_path();
    route_params params;
    std::string allowed;
    bool bad_encoding = false;
    for (const indexed_route& candidate : routes_by_first_segment().candidates(path)) {
        if (!match(candidate, path, params, bad_encoding)) continue;
        const route& r = *candidate.r;
        if (r.method != req.method) {
            if (!allowed.empty()) allowed += ", ";
            allowed += r.method;
            continue;
        }
        req.route = r.name;
        req.version = r.version;
        if (r.needs == access::admin) {
            if (const auto refused = admin_refusal(e, req, respond)) {
                auto answer = wire::admin_api::error_response(*refused, req.correlation_id);
                if (answer.status == 401) answer.with_header("WWW-Authenticate", "Bearer");
                return respond(std::move(answer));
            }
        }
        try {
            r.fn(e, req, params, respond);
        } catch (...) {
            respond(failure_response(service::failure{std::current_exception()}, req.correlation_id, e.log));
        }
        return;
    }
    if (!allowed.empty()) {
        return respond(transport_error_response(transport_errc::method_not_allowed, req.correlation_id)
                           .with_header("Allow", allowed));
    }
    if (bad_encoding) {
        return respond(transport_error_response(transport_errc::bad_request, req.correlation_id,
                                                "the path is badly encoded"));
    }
    if (path.starts_with("/oauth/")) {
        return respond(transport_error_response(
            transport_errc::route_not_found, req.correlation_id,
            "hsoauth serves no OAuth endpoint at this path; context.supportedEndpoints lists those it serves",
            oauth_endpoints()));
    }
    const route& fallback = fallback_route();
    if (e.upstream != nullptr) {  // without an upstream the path is unknown: metrics and logs say "unmatched"
        req.route = fallback.name;
        req.version = fallback.version;
    }
    params.clear();
    try {
        fallback.fn(e, req, params, respond);
    } catch (...) {
        respond(failure_response(service::failure{std::current_exception()}, req.correlation_id, e.log));
    }
}

}  // namespace hsoauth::http
