#pragma once
// The authorize step over one sandbox's store: the real authorization_service.
#include "hsoauth/oauth/authority.hpp"
#include "hsoauth/service/authorization_service.hpp"
#include "hsoauth/service/auto_approve.hpp"
#include "hsoauth/service/consent_forms.hpp"
#include "hsoauth/storage/store.hpp"

namespace hsoauth::service {

struct authorization_settings {
    bool decline_redirects = false;  // a decline redirects with error=access_denied (HubSpot: no)
};

class authorization_service_core final : public authorization_service {
  public:
    // Every reference must outlive this service.
    authorization_service_core(storage::store& store, const oauth::authority& authority,
                               consent_forms& forms, auto_approve& auto_approval,
                               authorization_settings settings);

    void open(const call& c, authorize_request request, reply<authorize_outcome> done) override;
    void decide(const call& c, consent_decision decision, reply<decision_outcome> done) override;

  private:
    // Approves `consent` for the user and hub (a write), answering with the redirect to the app.
    template <class Outcome>
    void approve(const call& c, pending_consent consent, std::int64_t user_id, std::int64_t hub_id,
                 reply<Outcome> done);
    // The users and hubs of the consent page (those `user_search` matches), and a form for them
    // (none when nobody can sign in). Throws storage_error.
    consent_screen open_form(const pending_consent& consent, std::string user_search);

    storage::store& store_;
    const oauth::authority& authority_;
    consent_forms& forms_;
    auto_approve& auto_approval_;
    authorization_settings settings_;
};

}  // namespace hsoauth::service
