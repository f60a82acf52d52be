#pragma once
// HubSpot's v3 OAuth API and its dated versions (2026-03, 2026-09) differ from one another only
// in what their published documents declare (tests/contract/hubspot-published/): one set of views
// (dated_views.hpp) serves them all, and a profile says what each version declares. Adding a
// version is a profile here and one route line per endpoint (http/routes.cpp).
#include <string_view>

namespace hsoauth::http::wire::dated {

struct version_profile {
    std::string_view name;            // the path segment, and the route's wire version
    bool client_credentials = false;  // grant_type=client_credentials is offered
    bool client_assertions = false;   // the token endpoint takes client_assertion (RFC 7523)
    bool token_info = false;          // introspection answers the Public*TokenInfoResponse members;
                                      // false: only {"active": …}, the whole published schema
};

inline constexpr version_profile v3{"v3", true, true, true};
inline constexpr version_profile v2026_03{"2026-03", true, true, true};
inline constexpr version_profile v2026_09{"2026-09", false, false, false};

}  // namespace hsoauth::http::wire::dated
