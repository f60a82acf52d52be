#include "hsoauth/service/noting_token_service.hpp"

namespace hsoauth::service {
namespace {

// `done`, after noting the client and hub of a successful value into `notes`.
template <class T>
reply<T> noting(call_notes* notes, reply<T> done) {
    if (notes == nullptr) return done;
    return [notes, done = std::move(done)](outcome<T>&& out) {
        if (out.ok()) {
            if constexpr (requires { out.value().client_id; }) {
                if (!out.value().client_id.empty()) notes->client_id = out.value().client_id;
            }
            notes->hub_id = out.value().hub_id;
        }
        done(std::move(out));
    };
}

}  // namespace

void noting_token_service::grant(const call& c, grant_request request, reply<oauth::issued_tokens> done) {
    if (c.notes) c.notes->client_id = request.client.client_id;
    wrapped().grant(c, std::move(request), noting(c.notes, std::move(done)));
}

void noting_token_service::describe_access_token(const call& c, std::string token,
                                                 reply<oauth::access_token_info> done) {
    wrapped().describe_access_token(c, std::move(token), noting(c.notes, std::move(done)));
}

void noting_token_service::describe_refresh_token(const call& c, std::string token,
                                                  reply<oauth::refresh_token_info> done) {
    wrapped().describe_refresh_token(c, std::move(token), noting(c.notes, std::move(done)));
}

}  // namespace hsoauth::service
