#pragma once
// A decorator that notes, for the request log, which app and hub a token request was about
// (service::call_notes): the client_id a grant presented and the hub its tokens are for, and
// the client and hub of a token described. Nothing secret is noted. Every wire version's
// token endpoints get the notes through the service, without a line in their views.
// Thread-safe as the service it wraps; a note is written before the answer it belongs to.
#include "hsoauth/service/token_service.hpp"

namespace hsoauth::service {

class noting_token_service final : public token_service_wrapper {
  public:
    using token_service_wrapper::token_service_wrapper;

    void grant(const call& c, grant_request request, reply<oauth::issued_tokens>&& done) override;
    void describe_access_token(const call& c, std::string token, reply<oauth::access_token_info>&& done) override;
    void describe_refresh_token(const call& c, std::string token, reply<oauth::refresh_token_info>&& done) override;
};

}  // namespace hsoauth::service
