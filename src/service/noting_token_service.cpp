#include "hsoauth/service/noting_token_service.hpp"

namespace hsoauth::service {
namespace {

// The facts a value carries: the value itself, or a live access token's shared facts.
template <class T>
const T& facts_of(const T& value) {
    return value;
}
const oauth::access_token_facts& facts_of(const oauth::access_token_info& info) {
    return *info.facts;
}

// Makes `done` note the client and hub of a successful value into `notes` first (a tap: no
// allocation).
template <class T>
void note_into(call_notes* notes, reply<T>& done) {
    if (notes == nullptr) return;
    done.tap([notes](outcome<T>& out) {
        if (!out.ok()) return;
        const auto& facts = facts_of(out.value());
        if constexpr (requires { facts.client_id; }) {
            if (!facts.client_id.empty()) notes->client_id = facts.client_id;
        }
        notes->hub_id = facts.hub_id;
    });
}

}  // namespace

void noting_token_service::grant(const call& c, grant_request request, reply<oauth::issued_tokens>&& done) {
    if (c.notes) c.notes->client_id = request.client.client_id;
    note_into(c.notes, done);
    wrapped().grant(c, std::move(request), std::move(done));
}

void noting_token_service::describe_access_token(const call& c, std::string token,
                                                 reply<oauth::access_token_info>&& done) {
    note_into(c.notes, done);
    wrapped().describe_access_token(c, std::move(token), std::move(done));
}

void noting_token_service::describe_refresh_token(const call& c, std::string token,
                                                  reply<oauth::refresh_token_info>&& done) {
    note_into(c.notes, done);
    wrapped().describe_refresh_token(c, std::move(token), std::move(done));
}

}  // namespace hsoauth::service
