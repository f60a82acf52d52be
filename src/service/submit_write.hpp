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
#include "hsoauth/util/pooled_allocator.hpp"

namespace hsoauth::service {

// What happens to a write's own changes when the domain refuses it.
// A `keep_writes` job never throws to refuse, so it runs without a savepoint of its own
// (write_job::own_savepoint): the token grants, the hot path, save its cost.
enum class on_refusal {
    roll_back,    // all or nothing (admin upserts, seeds, approvals, revocations)
    keep_writes,  // the refusal itself records something (code replay and rotated-token reuse
                  // revoke tokens)
};

// `work(repository&) -> oauth::result<T>` runs on the writer thread. Once the write is durable,
// `done` gets the value or the domain error; a storage fault or anything `work` threw becomes a
// failure. From a network thread (c.from set) the write joins that thread's burst, sealed after
// the work at hand (store.hpp), and `done` runs back on that thread (origin::hand_back): the
// engine's thread, which gates the next flush, only hands the answer over. Otherwise the write
// is submitted alone and `done` runs on the engine's thread.
template <class T, class Work>
void submit_write(storage::store& store, const call& c, on_refusal policy, Work work,
                  reply<T> done) {
    // One block for the write's whole state, from the thread's pool (pooled_allocator.hpp):
    // `run` holds a plain pointer to it (stored in the std::function itself), `complete` the
    // owning reference; the job keeps `complete` alive while `run` runs. `from` lives until
    // `done` has answered (call.hpp): `complete` hands the answer back through it while the
    // state, and so `done`, is still waiting.
    struct write_state {
        std::optional<service::outcome<T>> result;
        on_refusal policy;
        Work work;
        reply<T> done;
        origin* from;
        std::exception_ptr error;  // the write's storage error, once durable or failed

        void answer() {
            if (error) {
                try {
                    std::rethrow_exception(error);
                } catch (const storage::rollback_only&) {
                    if (result && !result->ok()) return done(std::move(*result));
                } catch (...) {
                }
                return done(failure{error});
            }
            done(std::move(*result));
        }
    };
    auto state = std::allocate_shared<write_state>(
        pooled_allocator<write_state>{},
        write_state{std::nullopt, policy, std::move(work), std::move(done), c.from, nullptr});
    write_state* const s = state.get();
    storage::write_job job{
        [s](storage::repository& repo) {
            s->result.emplace(s->work(repo));
            if (!s->result->ok() && s->policy == on_refusal::roll_back) throw storage::rollback_only{};
        },
        [state = std::move(state)](std::exception_ptr error) mutable {
            state->error = std::move(error);
            if (state->from == nullptr) return state->answer();
            // The owning reference rides along, in place (handed_work), as it does in `complete`.
            origin* const from = state->from;
            from->hand_back([state = std::move(state)] { state->answer(); });
        },
        policy == on_refusal::roll_back};
    if (c.from == nullptr) return store.submit(std::move(job));
    if (!store.in_burst()) c.from->defer([&store] { store.seal_burst(); });
    store.submit_in_burst(std::move(job));
}

// Runs `work(repository&) -> oauth::result<T>` (or a T, for a read that cannot be refused) as a
// read on this thread and answers at once; a storage fault or anything `work` threw becomes a
// failure. The value is moved once, into the outcome handed to `done`.
template <class T, class Work>
void answer_read(storage::store& store, Work&& work, const reply<T>& done) {
    std::optional<outcome<T>> result;
    try {
        store.read([&](storage::repository& repo) { result.emplace(work(repo)); });
    } catch (...) {
        return done(failure{std::current_exception()});
    }
    done(std::move(*result));
}

}  // namespace hsoauth::service
