#include "hsoauth/service/token_service_core.hpp"

#include "submit_write.hpp"

namespace hsoauth::service {

using oauth::errc;

token_service_core::token_service_core(storage::store& store, app_cache& apps,
                                       client_auth_throttle& throttle,
                                       const oauth::authority& authority)
    : store_(store), apps_(apps), throttle_(throttle), authority_(authority) {}

oauth::result<std::shared_ptr<const storage::app_record>> token_service_core::authenticate(
    const client_credentials& client, std::string_view source) {
    const std::int64_t now = authority_.time().now();
    if (const auto wait = throttle_.retry_after(client.client_id, source, now); wait > 0) {
        oauth::error throttled = oauth::make_error(
            errc::client_throttled,
            "too many failed authentications of this client from your address; retry in " +
                std::to_string(wait) + " second(s)");
        throttled.seconds = wait;
        return throttled;
    }
    auto app = apps_.find(client.client_id);
    if (auto problem = authority_.check_client(app.get(), client.client_secret)) {
        // Only a known client has a secret to guess: unknown client_ids are not tracked, so they
        // cannot crowd the real ones out of the throttle.
        if (problem->code == errc::wrong_client_secret) {
            throttle_.record_failure(client.client_id, source, now);
        }
        return std::move(*problem);
    }
    return app;
}

void token_service_core::grant(const call& c, grant_request request,
                               reply<oauth::issued_tokens> done) {
    std::optional<oauth::result<std::shared_ptr<const storage::app_record>>> app;
    try {
        app.emplace(authenticate(request.client, c.source));  // may read the app through the store
    } catch (...) {
        return done(failure{std::current_exception()});
    }
    if (!*app) return done(app->err());
    const auto& authority = authority_;
    if (request.type == grant_type::authorization_code) {
        return submit_write<oauth::issued_tokens>(
            store_, c, on_refusal::keep_writes,
            [&authority, app = std::move(**app), code = std::move(request.code),
             redirect_uri = std::move(request.redirect_uri),
             verifier = std::move(request.code_verifier)](storage::repository& repo) {
                return authority.exchange_code(repo, *app, code, redirect_uri, verifier);
            },
            std::move(done));
    }
    // Hashing the presented token and making the new one happen here, not on the writer.
    auto prepared = authority_.prepare_refresh(std::move(request.refresh_token), store_.allocate_access_id());
    submit_write<oauth::issued_tokens>(
        store_, c, on_refusal::keep_writes,
        [&authority, app = std::move(**app), prepared = std::move(prepared)](
            storage::repository& repo) { return authority.refresh(repo, *app, prepared); },
        std::move(done));
}

void token_service_core::describe_access_token(const call&, std::string token,
                                               reply<oauth::access_token_info> done) {
    answer_read<oauth::access_token_info>(
        store_,
        [&](storage::repository& repo) { return authority_.introspect_access(repo, token); }, done);
}

void token_service_core::describe_refresh_token(const call&, std::string token,
                                                reply<oauth::refresh_token_info> done) {
    answer_read<oauth::refresh_token_info>(
        store_,
        [&](storage::repository& repo) { return authority_.introspect_refresh(repo, token); },
        done);
}

void token_service_core::revoke_refresh_token(const call& c, std::string token,
                                              reply<oauth::done> done) {
    const auto& authority = authority_;
    submit_write<oauth::done>(
        store_, c, on_refusal::roll_back,
        [&authority, token = std::move(token)](storage::repository& repo) {
            return authority.revoke_refresh(repo, token);
        },
        std::move(done));
}

}  // namespace hsoauth::service
