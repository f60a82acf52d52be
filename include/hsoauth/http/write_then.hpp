#pragma once
// The bridge from a handler to the single writer: run a domain operation as a write job and
// answer only after its transaction committed.
#include <exception>
#include <memory>
#include <optional>
#include <type_traits>
#include <utility>

#include "hsoauth/http/error_body.hpp"
#include "hsoauth/http/failure.hpp"
#include "hsoauth/http/responder.hpp"
#include "hsoauth/http/services.hpp"
#include "hsoauth/service/app_cache.hpp"
#include "hsoauth/storage/errors.hpp"
#include "hsoauth/storage/repository.hpp"
#include "hsoauth/storage/store.hpp"

namespace hsoauth::http {

// What happens to a job's own writes when it returns a client error.
enum class on_error {
    roll_back,    // the operation is all or nothing (admin upserts, seeds)
    keep_writes,  // the failure itself records something (code replay and rotated-token reuse revoke tokens)
};

namespace detail {

struct nothing {
    void operator()() const {}
};

// The answer to a write: its value through `on_value`, a client error through `on_client_error`,
// a storage fault as 503 and anything else (a shaping function that threw included) as 500.
template <class Result, class OnValue, class OnClientError>
response shape_answer(std::optional<Result>& outcome, const std::exception_ptr& error, OnValue& on_value,
                      OnClientError& on_client_error, const std::string& correlation_id) {
    try {
        if (error) {
            try {
                std::rethrow_exception(error);
            } catch (const storage::rollback_only&) {
                if (outcome && !outcome->ok()) return on_client_error(outcome->err());
            } catch (...) {
            }
            return failure_response(error, correlation_id);
        }
        if (!outcome->ok()) return on_client_error(outcome->err());
        return on_value(outcome->value());
    } catch (...) {
        return failure_response(std::current_exception(), correlation_id);
    }
}

}  // namespace detail

// `work(repository&)` returns an oauth::result<T> and runs on the writer thread. Once the write is
// durable, on the thread that completes it (never a network thread): a value goes to
// `on_value(T&) -> response`; a client error becomes its error body; a storage fault a 503 and
// anything else a 500. The response is then sent from the connection's thread.
// `on_client_error(const oauth::error&) -> response` shapes client errors (HTML pages use it).
// Both may run on any thread: they must touch only what they captured and thread-safe state.
// `after_write()` runs there first, once the write completed (durable or failed), before the
// answer is shaped.
template <class Work, class OnValue, class OnClientError, class AfterWrite = detail::nothing>
void write_then(services& s, std::string correlation_id, responder respond, on_error policy,
                Work work, OnValue on_value, OnClientError on_client_error, AfterWrite after_write = {}) {
    using result_type = std::invoke_result_t<Work&, storage::repository&>;
    auto outcome = std::make_shared<std::optional<result_type>>();
    // The writes of one burst of requests on this thread share a commit, sealed once the burst
    // is handled, while the writer runs each as it comes.
    if (!s.db.in_burst()) respond.defer([&db = s.db] { db.seal_burst(); });
    s.db.submit_in_burst(storage::write_job{
        [outcome, policy, work = std::move(work)](storage::repository& repo) mutable {
            outcome->emplace(work(repo));
            if (!(*outcome)->ok() && policy == on_error::roll_back) throw storage::rollback_only{};
        },
        // Runs where the write completes (the WAL's sync thread, or the writer): the answer is
        // shaped there, so that the connection's thread, the busiest, only sends it. The
        // responder is handed over with it, so the connection is never destroyed on this thread.
        [outcome, connection = std::move(respond), on_value = std::move(on_value),
         on_client_error = std::move(on_client_error), after_write = std::move(after_write),
         correlation_id = std::move(correlation_id)](std::exception_ptr error) mutable {
            after_write();
            response answer = detail::shape_answer(*outcome, error, on_value, on_client_error, correlation_id);
            std::move(connection).hand_over(
                [answer = std::move(answer)](responder& reply) mutable { reply(std::move(answer)); });
        }});
}

// As above, with client errors answered by HubSpot's JSON error body.
template <class Work, class OnValue>
void write_then(services& s, std::string correlation_id, responder respond, on_error policy,
                Work work, OnValue on_value) {
    auto on_client_error = [correlation_id](const oauth::error& e) {
        return error_response(e, correlation_id);
    };
    write_then(s, std::move(correlation_id), std::move(respond), policy, std::move(work),
               std::move(on_value), std::move(on_client_error));
}

// As above, for writes that can change apps: the app cache forgets its apps once the write
// completed (durable or failed), before the answer is shaped and sent.
template <class Work, class OnValue>
void write_changing_apps_then(services& s, std::string correlation_id, responder respond, on_error policy,
                              Work work, OnValue on_value) {
    auto on_client_error = [correlation_id](const oauth::error& e) {
        return error_response(e, correlation_id);
    };
    write_then(s, std::move(correlation_id), std::move(respond), policy, std::move(work),
               std::move(on_value), std::move(on_client_error), [&apps = s.apps] { apps.invalidate(); });
}

}  // namespace hsoauth::http
