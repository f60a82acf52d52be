#include "hsoauth/service/gateway_service_core.hpp"

#include <exception>
#include <optional>
#include <utility>

#include "hsoauth/storage/scope_text.hpp"

namespace hsoauth::service {

gateway::operation_table gateway_operations() {
    auto table = gateway::operation_table::hubspot();
    // HubSpot's legacy account endpoint, answered by hsoauth, is in none of HubSpot's documents.
    table.add("GET", "/integrations/v1/me", {{"oauth"}});
    return table;
}

gateway_service_core::gateway_service_core(storage::store& store, app_cache& apps,
                                           const oauth::authority& authority,
                                           access_token_cache& live_access,
                                           gateway_settings settings)
    : store_(store),
      apps_(apps),
      authority_(authority),
      live_access_(live_access),
      operations_(settings.operations
                      ? std::move(settings.operations)
                      : std::make_shared<const gateway::operation_table>(gateway_operations())),
      allow_unknown_(settings.allow_unknown_operations),
      limits_([&] {
          gateway::api_rate_limits::options o;
          o.default_limit = settings.rate_limit;
          return o;
      }()) {}

void gateway_service_core::decide(const call&, api_call request, reply<api_decision> done) {
    api_decision decision;
    if (request.access_token.empty()) return done(std::move(decision));

    // One reading of the sandbox clock for the whole call: the expiry and the windows agree.
    const std::int64_t now_ms = authority_.time().now_ms();
    const std::int64_t now = now_ms / 1000;
    // The token's facts as last read while nothing has been committed since, else read (signed,
    // so that the answer can be remembered for the next call and for its metadata alike).
    std::optional<oauth::result<oauth::access_token_info>> found = live_access_.find(request.access_token, now);
    std::shared_ptr<const storage::app_record> app;
    try {
        if (!found || (request.wants_account && found->ok())) {
            const std::uint64_t generation = live_access_.generation();
            store_.read([&](storage::repository& repo) {
                if (!found) {
                    found.emplace(authority_.introspect_access(repo, request.access_token, now));
                    if (found->ok()) live_access_.remember(generation, found->value());
                }
                if (request.wants_account && found->ok()) {
                    decision.account = repo.find_hub((**found)->hub_id);
                }
            });
        }
        if (found->ok()) app = apps_.find((**found)->client_id);
    } catch (...) {
        return done(failure{std::current_exception()});
    }
    if (!found->ok()) {
        if (found->err().code == oauth::errc::expired_token) {
            decision.verdict = api_verdict::expired_authentication;
            decision.expired_seconds_ago = found->err().seconds;
            decision.expired_at = now - found->err().seconds;
        }
        return done(std::move(decision));
    }

    const oauth::access_token_facts& token = *found->value().facts;
    decision.identity = {token.hub_id, token.user_id, token.app_id, token.client_id, token.scopes};
    if (gateway::is_search_call(request.method, request.target)) {
        const auto searched = limits_.acquire_search(token.hub_id, now_ms);
        if (!searched.allowed) {
            decision.verdict = api_verdict::search_rate_limited;
            decision.search_retry_after_ms = searched.retry_after_ms;
            return done(std::move(decision));
        }
    } else {
        const std::optional<std::int64_t> own_limit = app ? app->rate_limit : std::nullopt;
        decision.rate = limits_.acquire(token.app_id, token.hub_id, own_limit, now_ms);
        if (!decision.rate->allowed) {
            decision.verdict = api_verdict::rate_limited;
            return done(std::move(decision));
        }
    }

    const gateway::operation* op = operations_->match(request.method, request.target);
    if (!op) {
        decision.verdict = allow_unknown_ ? api_verdict::allowed : api_verdict::unknown_operation;
        return done(std::move(decision));
    }
    const storage::scope_text& granted = decision.identity.scopes;
    decision.scopes =
        gateway::check_scopes(*op, [&granted](std::string_view scope) { return granted.contains(scope); });
    decision.verdict = decision.scopes.allowed ? api_verdict::allowed : api_verdict::missing_scopes;
    if (decision.verdict != api_verdict::allowed) decision.account.reset();
    done(std::move(decision));
}

}  // namespace hsoauth::service
