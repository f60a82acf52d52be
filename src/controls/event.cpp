#include "hsoauth/controls/event.hpp"

#include <array>
#include <utility>

namespace hsoauth::controls {
namespace {

constexpr std::array<std::pair<event_kind, std::string_view>, 14> kind_names{{
    {event_kind::authorize, "authorize"},
    {event_kind::code_issued, "code_issued"},
    {event_kind::code_exchange, "code_exchange"},
    {event_kind::refresh, "refresh"},
    {event_kind::introspection, "introspection"},
    {event_kind::revocation, "revocation"},
    {event_kind::uninstall, "uninstall"},
    {event_kind::client_auth_failed, "client_auth_failed"},
    {event_kind::refusal, "refusal"},
    {event_kind::fault, "fault"},
    {event_kind::failure, "failure"},
    {event_kind::gateway, "gateway"},
    {event_kind::clock, "clock"},
    {event_kind::app_token, "app_token"},
}};

}  // namespace

std::string_view name_of(event_kind kind) {
    for (const auto& [k, name] : kind_names) {
        if (k == kind) return name;
    }
    return "unknown";
}

std::optional<event_kind> event_kind_named(std::string_view name) {
    for (const auto& [k, n] : kind_names) {
        if (n == name) return k;
    }
    return std::nullopt;
}

std::string_view name_of(oauth::errc code) {
    using oauth::errc;
    switch (code) {
        case errc::unknown_client: return "unknown_client";
        case errc::wrong_client_secret: return "wrong_client_secret";
        case errc::client_throttled: return "client_throttled";
        case errc::bad_client_assertion: return "bad_client_assertion";
        case errc::unauthorized_client: return "unauthorized_client";
        case errc::unknown_code: return "unknown_code";
        case errc::expired_code: return "expired_code";
        case errc::redirect_uri_mismatch: return "redirect_uri_mismatch";
        case errc::code_verifier_mismatch: return "code_verifier_mismatch";
        case errc::invalid_refresh_token: return "invalid_refresh_token";
        case errc::uninstalled_refresh_token: return "uninstalled_refresh_token";
        case errc::unsupported_grant_type: return "unsupported_grant_type";
        case errc::missing_field: return "missing_field";
        case errc::invalid_field: return "invalid_field";
        case errc::malformed_request: return "malformed_request";
        case errc::unregistered_redirect_uri: return "unregistered_redirect_uri";
        case errc::scope_mismatch: return "scope_mismatch";
        case errc::hub_unavailable: return "hub_unavailable";
        case errc::unknown_user: return "unknown_user";
        case errc::consent_form_unknown: return "consent_form_unknown";
        case errc::unknown_token: return "unknown_token";
        case errc::expired_token: return "expired_token";
        case errc::admin_unauthorized: return "admin_unauthorized";
        case errc::not_found: return "not_found";
        case errc::conflict: return "conflict";
    }
    return "unknown";
}

std::string_view name_of(token_kind kind) {
    switch (kind) {
        case token_kind::none: return "none";
        case token_kind::access: return "access";
        case token_kind::refresh: return "refresh";
        case token_kind::code: return "code";
    }
    return "none";
}

std::string_view name_of(event_result result) {
    switch (result) {
        case event_result::ok: return "ok";
        case event_result::refused: return "refused";
        case event_result::failed: return "failed";
        case event_result::not_run: return "not_run";
    }
    return "ok";
}

}  // namespace hsoauth::controls
