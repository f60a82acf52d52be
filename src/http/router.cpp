#include "hsoauth/http/router.hpp"

#include <cctype>
#include <exception>

#include "hsoauth/crypto/digest.hpp"
#include "hsoauth/http/error_body.hpp"
#include "hsoauth/http/failure.hpp"
#include "hsoauth/http/form.hpp"

namespace hsoauth::http {
namespace {

using oauth::errc;
using oauth::make_error;

// Matches `path` against `pattern`; fills `params` with the decoded {name} segments.
// Returns false on no match; sets `bad_encoding` when a parameter could not be decoded.
bool match(std::string_view pattern, std::string_view path, route_params& params, bool& bad_encoding) {
    params.clear();
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

bool has_admin_key(const services& s, const request& req) {
    constexpr std::string_view scheme = "bearer ";
    const auto header = req.header("authorization");
    if (header.size() <= scheme.size()) return false;
    for (std::size_t i = 0; i < scheme.size(); ++i) {  // the scheme is case-insensitive (RFC 9110 §11.1)
        if (std::tolower(static_cast<unsigned char>(header[i])) != scheme[i]) return false;
    }
    // Constant time: the key is a secret.
    return crypto::constant_time_equal(header.substr(scheme.size()), s.admin_key);
}

}  // namespace

void dispatch(services& s, const request& req, responder respond) {
    route_params params;
    std::string allowed;
    bool bad_encoding = false;
    for (const auto& r : all_routes()) {
        if (!match(r.pattern, req.path, params, bad_encoding)) continue;
        if (r.method != req.method) {
            if (!allowed.empty()) allowed += ", ";
            allowed += r.method;
            continue;
        }
        if (r.needs == access::admin && !has_admin_key(s, req)) {
            return respond(error_response(errc::admin_unauthorized, req.correlation_id)
                               .with_header("WWW-Authenticate", "Bearer"));
        }
        try {
            r.fn(s, req, params, respond);
        } catch (...) {
            respond(failure_response(std::current_exception(), req.correlation_id));
        }
        return;
    }
    if (!allowed.empty()) {
        return respond(error_response(errc::method_not_allowed, req.correlation_id)
                           .with_header("Allow", allowed));
    }
    if (bad_encoding) {
        return respond(error_response(make_error(errc::malformed_request, "the path is badly encoded"),
                                      req.correlation_id));
    }
    respond(error_response(make_error(errc::not_found, "no such endpoint"), req.correlation_id));
}

}  // namespace hsoauth::http
