#pragma once
// The service layer's bridge to the single writer: runs a domain operation as a write job and
// answers once its transaction is durable. Private to src/service/.
#include <exception>
#include <memory>
#include <optional>
#include <type_traits>
#include <utility>

#include "hsoauth/service/call.hpp"
#include "hsoauth/service/outcome.hpp"
#include "hsoauth/storage/store.hpp"

namespace hsoauth::service {

// What happens to a write's own changes when the domain refuses it.
enum class on_refusal {
    roll_back,    // all or nothing (admin upserts, seeds, approvals, revocations)
    keep_writes,  // the refusal itself records something (code replay and rotated-token reuse
                  // revoke tokens)
};

// `work(repository&) -> oauth::result<T>` runs on the writer thread. Once the write is durable,
// `done` gets the value or the domain error; a storage fault or anything `work` threw becomes a
// failure. From a network thread (c.from set) the write joins that thread's burst, sealed after
// the work at hand (store.hpp); otherwise it is submitted alone.
template <class T, class Work>
void submit_write(storage::store& store, const call& c, on_refusal policy, Work work,
                  reply<T> done) {
    auto outcome_slot = std::make_shared<std::optional<oauth::result<T>>>();
    storage::write_job job{
        [outcome_slot, policy, work = std::move(work)](storage::repository& repo) mutable {
            outcome_slot->emplace(work(repo));
            if (!(*outcome_slot)->ok() && policy == on_refusal::roll_back)
                throw storage::rollback_only{};
        },
        [outcome_slot, done = std::move(done)](std::exception_ptr error) {
            if (error) {
                try {
                    std::rethrow_exception(error);
                } catch (const storage::rollback_only&) {
                    if (*outcome_slot && !(*outcome_slot)->ok())
                        return done((*outcome_slot)->err());
                } catch (...) {
                }
                return done(failure{error});
            }
            auto& result = **outcome_slot;
            if (!result.ok()) return done(result.err());
            done(std::move(result.value()));
        }};
    if (c.from == nullptr) return store.submit(std::move(job));
    if (!store.in_burst()) c.from->defer([&store] { store.seal_burst(); });
    store.submit_in_burst(std::move(job));
}

// Runs `work(repository&) -> oauth::result<T>` as a read on this thread and answers at once; a
// storage fault or anything `work` threw becomes a failure.
template <class T, class Work>
void answer_read(storage::store& store, Work&& work, const reply<T>& done) {
    std::optional<oauth::result<T>> result;
    try {
        store.read([&](storage::repository& repo) { result.emplace(work(repo)); });
    } catch (...) {
        return done(failure{std::current_exception()});
    }
    if (!result->ok()) return done(result->err());
    done(std::move(result->value()));
}

}  // namespace hsoauth::service
