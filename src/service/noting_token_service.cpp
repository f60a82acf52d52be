#include "hsoauth/service/noting_token_service.hpp"

namespace hsoauth::service {
namespace {

// Makes `done` note the client and hub of a successful value into `notes` first (a tap: no
// allocation).
template <class T>
void note_into(call_notes* notes, reply<T>& done) {
    if (notes == nullptr) return;
    done.tap([notes](outcome<T>& out) {
        if (!out.ok()) return;
        if constexpr (requires { out.value().client_id; }) {
            if (!out.value().client_id.empty()) notes->client_id = out.value().client_id;
        }
        notes->hub_id = out.value().hub_id;
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
