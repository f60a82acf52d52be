#include "hsoauth/service/token_service_core.hpp"

#include <optional>
#include <type_traits>
#include <variant>

#include "submit_write.hpp"

namespace hsoauth::service {

using oauth::errc;

token_service_core::token_service_core(storage::store& store, app_cache& apps,
                                       client_auth_throttle& throttle,
                                       const oauth::authority& authority,
                                       access_token_cache& live_access)
    : store_(store), apps_(apps), throttle_(throttle), authority_(authority), live_access_(live_access) {}

oauth::result<token_service_core::authenticated_client> token_service_core::authenticate(
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
    authenticated_client out;
    // A secret verified once for this app (as it is now) is not hashed again.
    bool secret_known = false;
    if (client.assertion) {
        out.app = apps_.find(client.client_id);
    } else {
        auto found = apps_.find_with_secret(client.client_id, client.client_secret);
        out.app = std::move(found.app);
        secret_known = found.secret_known;
    }
    // Only a known client has a secret to guess: unknown client_ids are not tracked, so they
    // cannot crowd the real ones out of the throttle.
    if (client.assertion) {
        const auto keys = out.app ? key_sets_.find(*out.app) : nullptr;
        auto verified = authority_.check_assertion(out.app.get(), keys.get(), *client.assertion,
                                                   client.assertion_audiences);
        if (!verified) {
            if (out.app) throttle_.record_failure(client.client_id, source, now);
            return verified.err();
        }
        out.assertion = std::move(*verified);
        return out;
    }
    if (secret_known) return out;
    if (auto problem = authority_.check_client(out.app.get(), client.client_secret)) {
        if (problem->code == errc::wrong_client_secret) {
            throttle_.record_failure(client.client_id, source, now);
        }
        return std::move(*problem);
    }
    apps_.remember_secret(*out.app, client.client_secret);
    return out;
}

oauth::result<token_service_core::authenticated_client> token_service_core::authenticate_by_secret(
    const client_credentials& client, std::string_view source) {
    if (client.assertion) {
        return oauth::make_error(errc::malformed_request,
                                 "client_assertion is accepted by the token endpoint only",
                                 "client_assertion");
    }
    return authenticate(client, source);
}

namespace {

// A grant's write: first, in the same transaction, the client's assertion jti is remembered (a
// replay refuses the grant), then `work(repository&, const app_record&)`.
template <class Work>
auto after_assertion(const oauth::authority& authority,
                     token_service_core::authenticated_client client, Work work) {
    return [&authority, client = std::move(client),
            work = std::move(work)](storage::repository& repo) mutable -> oauth::result<oauth::issued_tokens> {
        if (client.assertion) {
            if (auto replay = authority.remember_assertion(repo, *client.app, *client.assertion)) {
                return std::move(*replay);
            }
        }
        return work(repo, *client.app);
    };
}

// The client `authenticate()` admits, or nullopt once `done` has been given the refusal or the
// failure (an exception thrown while authenticating).
template <class Authenticate, class Reply>
auto admitted_or_answered(Authenticate authenticate, Reply& done)
    -> std::optional<std::remove_cvref_t<decltype(*authenticate())>> {
    try {
        auto who = authenticate();
        if (who) return std::move(*who);
        done(who.err());
    } catch (...) {
        done(failure{std::current_exception()});
    }
    return std::nullopt;
}

}  // namespace

void token_service_core::grant(const call& c, grant_request request,
                               reply<oauth::issued_tokens>&& done) {
    // May read the app through the store.
    auto client = admitted_or_answered([&] { return authenticate(request.client, c.source); }, done);
    if (!client) return;
    const auto& authority = authority_;
    switch (request.type) {
        case grant_type::authorization_code:
            return submit_write<oauth::issued_tokens>(
                store_, c, on_refusal::keep_writes,
                after_assertion(authority, std::move(*client),
                                [&authority, code = std::move(request.code),
                                 redirect_uri = std::move(request.redirect_uri),
                                 verifier = std::move(request.code_verifier)](
                                    storage::repository& repo, const storage::app_record& app) {
                                    return authority.exchange_code(repo, app, code, redirect_uri,
                                                                   verifier);
                                }),
                std::move(done));
        case grant_type::refresh_token: {
            // Hashing the presented token and making the new one happen here, not on the writer.
            auto prepared = authority_.prepare_refresh(std::move(request.refresh_token),
                                                       store_.allocate_access_id());
            return submit_write<oauth::issued_tokens>(
                store_, c, on_refusal::keep_writes,
                after_assertion(authority, std::move(*client),
                                // The write runs once: its grant moves into the answer.
                                [&authority, prepared = std::move(prepared)](
                                    storage::repository& repo, const storage::app_record& app) mutable {
                                    return authority.refresh(repo, app, std::move(prepared));
                                }),
                std::move(done));
        }
        case grant_type::client_credentials: {
            // The scopes are checked and the token made and hashed here, not on the writer.
            auto planned = authority_.plan_app_token(*client->app, request.scopes,
                                                     store_.allocate_access_id());
            if (!planned) return done(planned.err());
            return submit_write<oauth::issued_tokens>(
                store_, c, on_refusal::keep_writes,
                after_assertion(authority, std::move(*client),
                                [&authority, planned = std::move(*planned)](
                                    storage::repository& repo, const storage::app_record& app) {
                                    return authority.issue_app_token(repo, app, planned);
                                }),
                std::move(done));
        }
    }
}

void token_service_core::introspect(const call& c, client_credentials client, std::string token,
                                    oauth::token_hint hint, reply<oauth::introspection>&& done) {
    auto who = admitted_or_answered([&] { return authenticate_by_secret(client, c.source); }, done);
    if (!who) return;
    const storage::app_record& app = *who->app;
    // An access token remembered live answers as authority::introspect would; anything else is
    // read.
    if (auto known = live_access_.find(token, authority_.time().now())) {
        return done(oauth::access_introspection(app.app_id, std::move(*known)));
    }
    const std::uint64_t generation = live_access_.generation();
    answer_read<oauth::introspection>(
        store_,
        [&](storage::repository& repo) {
            auto found = authority_.introspect(repo, app, token, hint);
            if (const auto* live = std::get_if<oauth::access_token_info>(&found)) {
                live_access_.remember(generation, *live);
            }
            return found;
        },
        done);
}

void token_service_core::revoke(const call& c, client_credentials client, std::string token,
                                oauth::token_hint hint, reply<oauth::done>&& done) {
    auto who = admitted_or_answered([&] { return authenticate_by_secret(client, c.source); }, done);
    if (!who) return;
    const auto& authority = authority_;
    submit_write<oauth::done>(
        store_, c, on_refusal::roll_back,
        [&authority, app = std::move(who->app), token = std::move(token),
         hint](storage::repository& repo) { return authority.revoke(repo, *app, token, hint); },
        std::move(done));
}

void token_service_core::describe_access_token(const call&, std::string token,
                                               reply<oauth::access_token_info>&& done) {
    const std::int64_t now = authority_.time().now();
    if (auto known = live_access_.find(token, now)) return done(std::move(*known));
    const std::uint64_t generation = live_access_.generation();
    answer_read<oauth::access_token_info>(
        store_,
        [&](storage::repository& repo) {
            auto found = authority_.introspect_access(repo, token, now);
            if (found.ok()) live_access_.remember(generation, *found);
            return found;
        },
        done);
}

void token_service_core::describe_refresh_token(const call&, std::string token,
                                                reply<oauth::refresh_token_info>&& done) {
    answer_read<oauth::refresh_token_info>(
        store_,
        [&](storage::repository& repo) { return authority_.introspect_refresh(repo, token); },
        done);
}

void token_service_core::revoke_refresh_token(const call& c, std::string token,
                                              reply<oauth::done>&& done) {
    const auto& authority = authority_;
    submit_write<oauth::done>(
        store_, c, on_refusal::roll_back,
        [&authority, token = std::move(token)](storage::repository& repo) {
            return authority.revoke_refresh(repo, token);
        },
        std::move(done));
}

}  // namespace hsoauth::service
