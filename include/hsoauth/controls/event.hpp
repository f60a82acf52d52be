#pragma once
// One entry of the event journal: what one operation did, for whom, and how it ended. It holds
// token ids (the row ids tokens carry), never a token, code or secret.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "hsoauth/controls/fault.hpp"
#include "hsoauth/oauth/errc.hpp"
#include "hsoauth/util/short_text.hpp"

namespace hsoauth::controls {

enum class event_kind : std::uint8_t {
    authorize,           // an authorize URL was opened (consent page or auto-approval)
    code_issued,         // a user approved, or the admin API minted a code
    code_exchange,       // tokens issued for a code
    refresh,             // an access token issued for a refresh token
    introspection,       // a token's metadata read
    revocation,          // a refresh token revoked
    uninstall,           // an install, app, hub or user removed (their tokens die)
    client_auth_failed,  // unknown client, wrong secret, or throttled
    refusal,             // any other refusal of the client's request (status says which)
    fault,               // a fault rule fired
    failure,             // broken infrastructure answered 503 or 500
    gateway,             // an API call's decision at the gateway
    clock,               // the sandbox clock was moved
    app_token,           // an app-level access token issued (client_credentials)
};

// The journal's word for `kind` ("code_exchange", …) and back.
std::string_view name_of(event_kind kind);
std::optional<event_kind> event_kind_named(std::string_view name);

// The name of a domain error as the journal writes it ("expired_token", …).
std::string_view name_of(oauth::errc code);

enum class token_kind : std::uint8_t { none, access, refresh, code };
std::string_view name_of(token_kind kind);

// What the operation itself did (a fault may have replaced what the client saw).
enum class event_result : std::uint8_t { ok, refused, failed, not_run };
std::string_view name_of(event_result result);

// Secrets a request put into its URL's query string, as bits.
enum url_secret : std::uint8_t {
    url_client_secret = 1,
    url_refresh_token = 2,
    url_access_token = 4,
    url_token = 8,
    url_code_verifier = 16,
};

// A request's correlation id as the journal keeps it: the server's are 36-byte UUIDs, kept in
// the event itself (a longer one is cut to 64 bytes, as the request log cuts it).
using correlation_text = short_text<64>;

struct event {
    std::uint64_t id = 0;      // 1, 2, … in the order recorded (the paging cursor)
    std::int64_t time = 0;     // sandbox clock, seconds since the epoch
    std::int64_t wall_ms = 0;  // real time the request reached the service, ms since the epoch
    correlation_text correlation_id;
    event_kind kind = event_kind::refusal;
    std::string_view operation;  // the service operation ("grant", …): static text
    std::string_view route;      // the route's stable name (interned by the journal)
    std::string_view version;    // the wire version (interned by the journal)
    std::string client_id;
    std::int64_t app_id = 0;
    std::int64_t hub_id = 0;
    std::int64_t user_id = 0;
    std::string_view grant_type;  // static text; "" when none

    // The token the request presented (the id it carries) and the tokens the operation issued.
    token_kind presented = token_kind::none;
    std::int64_t presented_id = 0;
    std::int64_t access_id = 0;   // issued, or the presented access token's
    std::int64_t refresh_id = 0;  // issued, or the presented or owning refresh token's

    event_result result = event_result::ok;
    std::optional<oauth::errc> error;  // refused
    int status = 0;                    // the HTTP status the client got (0: none, or a success)
    std::string_view hubspot_status;   // the body's "status" (static text of the wire's table)
    std::int64_t retry_after_s = 0;    // Retry-After the client was told (0: none)

    std::int64_t rule_id = 0;  // kind == fault: the rule, and what it did
    fault_kind fault = fault_kind::server_error;
    std::int64_t delay_ms = 0;
    bool committed = false;    // the faulted operation ran anyway

    bool state_sent = false;   // authorize: the URL carried `state`
    bool pkce_sent = false;    // authorize: the URL carried a PKCE challenge
    std::uint8_t url_secrets = 0;  // url_secret bits

    std::uint64_t code_fingerprint = 0;  // never shown: tells a replayed code from another
};

}  // namespace hsoauth::controls
