#include "hsoauth/http/wire/consent/consent_page.hpp"

#include <array>
#include <utility>

namespace hsoauth::http::wire::consent {
namespace {

constexpr std::string_view style = R"css(
*{box-sizing:border-box}
body{margin:0;font-family:-apple-system,"Segoe UI",Helvetica,Arial,sans-serif;background:#f5f8fa;color:#33475b}
header{background:#2d3e50;color:#fff;padding:14px 24px;font-weight:600;letter-spacing:.02em}
header span{color:#ff7a59}
main{max-width:560px;margin:40px auto;background:#fff;border:1px solid #cbd6e2;border-radius:6px;padding:32px}
h1{font-size:22px;margin:0 0 8px}
p.lead{margin:0 0 24px;color:#516f90}
fieldset{border:0;padding:0;margin:0 0 20px}
legend{font-weight:600;margin-bottom:8px}
label.choice{display:flex;align-items:center;gap:10px;padding:10px 12px;border:1px solid #cbd6e2;border-radius:4px;margin-bottom:6px;cursor:pointer}
label.choice:hover{border-color:#ff7a59}
ul.scopes{margin:0;padding-left:20px}
ul.scopes li{margin:4px 0}
ul.scopes code{color:#7c98b6;font-size:12px}
.actions{display:flex;gap:12px;margin-top:28px}
button{font-size:15px;padding:10px 22px;border-radius:4px;cursor:pointer;border:1px solid #ff7a59}
button.approve{background:#ff7a59;color:#fff}
button.decline{background:#fff;color:#ff7a59}
.error h1{color:#d94c53}
.error p{overflow-wrap:anywhere}
.note{font-size:12px;color:#7c98b6;margin-top:24px}
form.search{display:flex;gap:8px;margin:0 0 20px}
form.search input[type=search]{flex:1;font-size:14px;padding:8px;border:1px solid #cbd6e2;border-radius:4px}
form.search button{font-size:14px;padding:8px 14px;background:#fff;color:#33475b;border-color:#cbd6e2}
p.cut{font-size:13px;color:#516f90;margin:0 0 8px}
)css";

std::string page(std::string_view title, std::string_view body) {
    std::string out;
    out.reserve(4096);
    out +=
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">"
        "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\"><title>";
    out += html_escape(title);
    out += "</title><style>";
    out += style;
    out +=
        "</style></head><body><header>hsoauth <span>&#9679;</span> local HubSpot "
        "OAuth</header><main>";
    out += body;
    out += "</main></body></html>";
    return out;
}

void scope_list(std::string& out, const std::vector<std::string>& scopes) {
    out += "<ul class=\"scopes\">";
    for (const auto& scope : scopes) {
        out += "<li>";
        out += html_escape(describe_scope(scope));
        out += " <code>";
        out += html_escape(scope);
        out += "</code></li>";
    }
    out += "</ul>";
}

// The GET form that lists the users whose e-mail contains a text: the authorize URL's own
// parameters again, and the search.
void search_form(std::string& out, const consent_view& view) {
    out += "<form class=\"search\" method=\"get\" action=\"";
    out += html_escape(view.search_action);
    out += "\">";
    for (const auto& [name, value] : view.search_params) {
        out += "<input type=\"hidden\" name=\"";
        out += html_escape(name);
        out += "\" value=\"";
        out += html_escape(value);
        out += "\">";
    }
    out += "<input type=\"search\" name=\"user_search\" placeholder=\"Find a user by e-mail\" "
           "aria-label=\"Find a user by e-mail\" value=\"";
    out += html_escape(view.user_search);
    out += "\"><button type=\"submit\">Search</button></form>";
}

}  // namespace

std::string html_escape(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (const char c : text) {
        switch (c) {
            case '&':
                out += "&amp;";
                break;
            case '<':
                out += "&lt;";
                break;
            case '>':
                out += "&gt;";
                break;
            case '"':
                out += "&quot;";
                break;
            case '\'':
                out += "&#39;";
                break;
            default:
                out += c;
        }
    }
    return out;
}

std::string describe_scope(std::string_view scope) {
    static constexpr std::array<std::pair<std::string_view, std::string_view>, 14> known = {{
        {"oauth", "Basic OAuth access to your account"},
        {"crm.objects.contacts.read", "View contacts in your CRM"},
        {"crm.objects.contacts.write", "Create and edit contacts in your CRM"},
        {"crm.objects.companies.read", "View companies in your CRM"},
        {"crm.objects.companies.write", "Create and edit companies in your CRM"},
        {"crm.objects.deals.read", "View deals in your CRM"},
        {"crm.objects.deals.write", "Create and edit deals in your CRM"},
        {"crm.schemas.contacts.read", "View contact properties"},
        {"content", "Manage website pages, blog posts and files"},
        {"forms", "Manage forms"},
        {"tickets", "View and manage tickets"},
        {"e-commerce", "Manage products and line items"},
        {"automation", "Manage workflows"},
        {"timeline", "Add events to CRM timelines"},
    }};
    for (const auto& [name, words] : known) {
        if (name == scope) return std::string(words);
    }
    return "Access: " + std::string(scope);
}

std::string render_consent_page(const consent_view& view) {
    std::string body;
    body.reserve(4096);
    body += "<h1>Connect ";
    body += html_escape(view.app_name);
    body += " to HubSpot</h1><p class=\"lead\">Choose who signs in and which account ";
    body += html_escape(view.app_name);
    body += " may access.</p>";
    if (!view.search_action.empty()) search_form(body, view);
    body += "<form method=\"post\" action=\"";
    body += html_escape(view.form_action);
    body += "\"><input type=\"hidden\" name=\"csrf_token\" value=\"";
    body += html_escape(view.csrf_token);
    body += "\"><fieldset><legend>Sign in as</legend>";
    if (view.more_users) {
        body += "<p class=\"cut\">The first " + std::to_string(view.users.size()) +
                " users are shown; search by e-mail for the others.</p>";
    }
    bool first = true;
    for (const auto& user : view.users) {
        body += "<label class=\"choice\"><input type=\"radio\" name=\"user_id\" value=\"";
        body += std::to_string(user.user_id);
        body += first ? "\" checked>" : "\">";
        body += html_escape(user.email);
        body += "</label>";
        first = false;
    }
    body += "</fieldset><fieldset><legend>";
    body += view.hub_fixed ? "Account" : "Choose an account";
    body += "</legend>";
    if (view.more_hubs) {
        body += "<p class=\"cut\">The first " + std::to_string(view.hubs.size()) +
                " accounts are shown; search for a user to see theirs, or open "
                "/oauth/{hubId}/authorize to preselect one.</p>";
    }
    first = true;
    for (const auto& hub : view.hubs) {
        body += "<label class=\"choice\"><input type=\"radio\" name=\"hub_id\" value=\"";
        body += std::to_string(hub.hub_id);
        body += first ? "\" checked>" : "\">";
        body += html_escape(hub.hub_domain);
        body += " <code>";
        body += std::to_string(hub.hub_id);
        body += "</code></label>";
        first = false;
    }
    body += "</fieldset><fieldset><legend>";
    body += html_escape(view.app_name);
    body += " will be able to</legend>";
    scope_list(body, view.required_scopes);
    body += "</fieldset>";
    if (!view.optional_scopes.empty()) {
        body += "<fieldset><legend>And, where the account allows it</legend>";
        scope_list(body, view.optional_scopes);
        body += "</fieldset>";
    }
    body +=
        "<div class=\"actions\"><button class=\"approve\" type=\"submit\" name=\"action\" "
        "value=\"approve\">Connect app</button><button class=\"decline\" type=\"submit\" "
        "name=\"action\" value=\"decline\">Cancel</button></div></form>"
        "<p class=\"note\">This is hsoauth, a local stand-in for HubSpot's consent screen.</p>";
    return page("Connect " + view.app_name, body);
}

std::string render_error_page(std::string_view title, std::string_view detail) {
    std::string body = "<div class=\"error\"><h1>";
    body += html_escape(title);
    body += "</h1><p>";
    body += html_escape(detail);
    body += "</p></div>";
    return page(title, body);
}

std::string render_declined_page(std::string_view app_name) {
    std::string body = "<h1>";
    body += html_escape(app_name);
    body +=
        " was not connected</h1><p class=\"lead\">You cancelled the request. Nothing was "
        "shared with the app; you can close this window.</p>";
    return page("Not connected", body);
}

}  // namespace hsoauth::http::wire::consent
