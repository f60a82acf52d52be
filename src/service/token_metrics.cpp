#include "hsoauth/service/token_metrics.hpp"

#include <cstring>

#include "hsoauth/oauth/errc.hpp"

namespace hsoauth::service {
namespace {

constexpr const char* outcome_names[] = {"issued",          "invalid_client", "client_throttled", "invalid_grant",
                                         "invalid_request", "other_error",    "failure"};
constexpr const char* grant_names[] = {"authorization_code", "refresh_token"};

std::size_t outcome_of(const oauth::error& e) {
    if (e.code == oauth::errc::client_throttled) return 2;
    const char* rfc = oauth::rfc_error(e.code);
    if (std::strcmp(rfc, "invalid_client") == 0) return 1;
    if (std::strcmp(rfc, "invalid_grant") == 0) return 3;
    if (std::strcmp(rfc, "invalid_request") == 0) return 4;
    return 5;
}

}  // namespace

token_metrics::token_metrics(token_service& wrapped, const clock& time) : token_service_wrapper(wrapped), time_(time) {}

void token_metrics::grant(const call& c, grant_request request, reply<oauth::issued_tokens>&& done) {
    const std::size_t type = request.type == grant_type::authorization_code ? 0 : 1;
    if (c.notes != nullptr) {
        // The request's notes carry the client_id to the tap (they live until the answer is
        // sent, and the client_id is noted so anyway): the tap holds no string of its own.
        c.notes->client_id = request.client.client_id;
        done.tap([this, type, notes = c.notes](outcome<oauth::issued_tokens>& out) {
            count(type, out, notes->client_id);
        });
    } else {
        done.tap([this, type, client_id = request.client.client_id](outcome<oauth::issued_tokens>& out) {
            count(type, out, client_id);
        });
    }
    wrapped().grant(c, std::move(request), std::move(done));
}

void token_metrics::count(std::size_t type, const outcome<oauth::issued_tokens>& out, const std::string& client_id) {
    std::size_t outcome = 0;
    if (const auto* e = out.error()) {
        outcome = outcome_of(*e);
        if (outcome == 2) note_throttled(client_id, e->seconds);
    } else if (out.failed()) {
        outcome = 6;
    }
    grants_[type][outcome].fetch_add(1, std::memory_order_relaxed);
}

void token_metrics::note_throttled(const std::string& client_id, std::int64_t retry_after) {
    const std::int64_t now = time_.now();
    std::lock_guard lock(throttled_mutex_);
    if (throttled_until_.size() >= max_tracked) std::erase_if(throttled_until_, [now](const auto& entry) {
        return entry.second <= now;
    });
    if (throttled_until_.size() < max_tracked || throttled_until_.contains(client_id)) {
        throttled_until_[client_id] = now + (retry_after > 0 ? retry_after : 1);
    }
}

void token_metrics::collect(metrics::exposition& out) {
    out.family("hsoauth_token_grants_total", "counter",
               "Token endpoint grants, by grant type and outcome (issued, or the RFC 6749 error).");
    for (std::size_t type = 0; type < 2; ++type) {
        for (std::size_t outcome = 0; outcome < outcome_count; ++outcome) {
            out.sample("hsoauth_token_grants_total", {{"grant_type", grant_names[type]}, {"outcome", outcome_names[outcome]}},
                       grants_[type][outcome].load(std::memory_order_relaxed));
        }
    }
    std::uint64_t throttled = 0;
    {
        const std::int64_t now = time_.now();
        std::lock_guard lock(throttled_mutex_);
        std::erase_if(throttled_until_, [now](const auto& entry) { return entry.second <= now; });
        throttled = throttled_until_.size();
    }
    out.family("hsoauth_throttled_clients", "gauge",
               "Client ids refused for too many failed authentications whose Retry-After has not passed.");
    out.sample("hsoauth_throttled_clients", {}, throttled);
}

}  // namespace hsoauth::service
