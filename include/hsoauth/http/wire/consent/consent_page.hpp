#pragma once
// The HTML of the authorize step: the consent page, its error pages and the "not connected"
// page. Self-contained (no external resources, no JavaScript); every dynamic value is escaped.
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace hsoauth::http::wire::consent {

struct consent_view {
    struct user_choice {
        std::int64_t user_id;
        std::string email;
    };
    struct hub_choice {
        std::int64_t hub_id;
        std::string hub_domain;
    };
    std::string app_name;
    std::vector<std::string> required_scopes;
    std::vector<std::string> optional_scopes;
    std::vector<user_choice> users;
    std::vector<hub_choice> hubs;  // one entry when the account is preselected
    bool hub_fixed = false;
    std::string csrf_token;
    std::string form_action;  // where Approve and Decline post to
    // The search by e-mail, shown when the lists were cut or searched: the authorize URL's own
    // parameters (sent again with `user_search`) and where they go.
    bool more_users = false;
    bool more_hubs = false;
    std::string user_search;
    std::string search_action;  // "" = no search form
    std::vector<std::pair<std::string, std::string>> search_params;
};

std::string render_consent_page(const consent_view& view);
// An error page: `title` as the heading, `detail` below it.
std::string render_error_page(std::string_view title, std::string_view detail);
std::string render_declined_page(std::string_view app_name);

// Escapes &, <, >, " and ' for HTML text and attribute values.
std::string html_escape(std::string_view text);

// A sentence describing a scope, for people ("View contacts in your CRM"); unknown scopes are
// shown by name.
std::string describe_scope(std::string_view scope);

}  // namespace hsoauth::http::wire::consent
