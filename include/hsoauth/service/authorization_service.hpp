#pragma once
// The authorize step (HubSpot's consent screen), version-neutral: a browser opens an authorize
// URL, sees who may sign in and to which account, and approves or declines. The consent form's
// state lives here, not in the page: nothing the browser posts back can change the app, redirect
// URI, scopes, state or PKCE challenge. Thread-safe; each operation answers through `done` once.
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "hsoauth/oauth/authority.hpp"
#include "hsoauth/service/call.hpp"
#include "hsoauth/service/outcome.hpp"

namespace hsoauth::service {

// The longest `state` an authorize URL may carry (bytes, decoded); longer is invalid_field.
inline constexpr std::size_t max_state_bytes = 2048;
// The most users, and the most accounts, one consent page lists; beyond, the page is searched by
// e-mail (authorize_request::user_search).
inline constexpr std::size_t consent_page_choices = 50;
// The longest search text; longer is invalid_field.
inline constexpr std::size_t max_user_search_bytes = 200;

// An authorize URL's query, as sent.
struct authorize_request {
    std::string client_id;
    std::string redirect_uri;
    oauth::scope_list scopes;           // `scope`
    oauth::scope_list optional_scopes;  // `optional_scope`
    std::optional<std::string> state;   // echoed to the app when sent
    std::string code_challenge;         // PKCE, "" when absent
    std::string code_challenge_method;
    std::optional<std::int64_t> fixed_hub_id;  // /oauth/{hubId}/authorize
    std::string user_search;  // hsoauth's own: list only users whose e-mail contains it ("" = all)
};

// Send the browser back to the app: `redirect_uri` with `query` appended (RFC 6749 §4.1.2).
struct app_redirect {
    std::string redirect_uri;
    std::vector<std::pair<std::string, std::string>> query;  // in order: code or error, then state
};

// Show the consent page: the users who are members of an account that can grant the app's
// required scopes, and those accounts (consent_page_choices at most of each, in id order; with a
// search, only users whose e-mail contains it, and their accounts). Empty `users` or `hubs`:
// nobody can sign in (no form was opened).
struct consent_screen {
    struct user_choice {
        std::int64_t user_id;
        std::string email;
    };
    struct hub_choice {
        std::int64_t hub_id;
        std::string hub_domain;
    };
    std::string csrf_token;  // names the form; single-use, expires with codes
    std::string app_name;
    oauth::scope_list required_scopes;
    oauth::scope_list optional_scopes;
    std::vector<user_choice> users;
    std::vector<hub_choice> hubs;  // one entry when the account is preselected
    bool hub_fixed = false;
    bool more_users = false;  // more users than listed match
    bool more_hubs = false;   // more accounts than listed match
    std::string user_search;  // the search the lists answer ("" = none)
};

// What opening an authorize URL leads to: the consent page, or (auto-approve) the app.
using authorize_outcome = std::variant<consent_screen, app_redirect>;

// The user's answer on the consent page, as posted.
struct consent_decision {
    enum class choice { approve, decline, unknown };
    std::string csrf_token;
    choice action = choice::unknown;
    std::optional<std::int64_t> user_id;  // approve only
    std::optional<std::int64_t> hub_id;   // approve only
};

// The user declined: HubSpot sends nothing back to the app and shows a "not connected" page
// (`redirect` is set instead when declines redirect with error=access_denied, by configuration).
struct declined {
    std::string app_name;
    std::optional<app_redirect> redirect;
};

using decision_outcome = std::variant<app_redirect, declined>;

class authorization_service {
  public:
    virtual ~authorization_service() = default;

    // Validates the request as HubSpot's consent screen does (oauth::authority::plan_authorization:
    // unknown_client, unregistered_redirect_uri, scope_mismatch; then scope_mismatch when `scope`
    // is empty, invalid_field for a state over max_state_bytes, a search over
    // max_user_search_bytes or a bad PKCE challenge) and opens a consent form, or approves at
    // once when auto-approve is on (then the errors of `decide`). Never answers with a redirect
    // to a URI that is not the app's own. Stores nothing (consent_forms.hpp).
    virtual void open(const call& c, authorize_request request, reply<authorize_outcome> done) = 0;

    // Takes the form named by the decision's CSRF token (consent_form_unknown when it was used,
    // has expired or was never issued); the form is used up whatever follows. invalid_field for
    // an unknown action, an approval without user or hub, or a changed account of a preselected
    // URL. Approving checks the user and hub (unknown_user, hub_unavailable) and issues a code
    // (a write).
    virtual void decide(const call& c, consent_decision decision, reply<decision_outcome> done) = 0;
};

// Forwards every operation: the base of decorators.
class authorization_service_wrapper : public authorization_service {
  public:
    explicit authorization_service_wrapper(authorization_service& wrapped) : wrapped_(wrapped) {}
    void open(const call& c, authorize_request request, reply<authorize_outcome> done) override {
        wrapped_.open(c, std::move(request), std::move(done));
    }
    void decide(const call& c, consent_decision decision, reply<decision_outcome> done) override {
        wrapped_.decide(c, std::move(decision), std::move(done));
    }

  protected:
    authorization_service& wrapped() { return wrapped_; }

  private:
    authorization_service& wrapped_;
};

}  // namespace hsoauth::service
