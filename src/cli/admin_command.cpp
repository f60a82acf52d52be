#include "hsoauth/cli/admin_command.hpp"

#include <nlohmann/json.hpp>

#include <iostream>
#include <optional>
#include <sstream>

#include "admin_session.hpp"
#include "hsoauth/cli/http_client.hpp"
#include "hsoauth/cli/table.hpp"

namespace hsoauth::cli {
namespace {

constexpr const char* default_url = "http://127.0.0.1:8080";

const char* usage_text =
    "usage: hsoauth admin [--url URL] [--admin-key KEY] [--json] RESOURCE VERB [ARGS...]\n"
    "\n"
    "  apps list | show APP_ID | delete APP_ID\n"
    "  apps create --name NAME --redirect-uri URI... --scope SCOPE... [--optional-scope SCOPE...]\n"
    "              [--client-id ID] [--client-secret SECRET] [--app-id ID] [--access-token-ttl SECONDS]\n"
    "              [--rotate-refresh-tokens]\n"
    "  hubs list | show HUB_ID | delete HUB_ID\n"
    "  hubs create --domain DOMAIN [--hub-id ID] [--hublet na1] [--scope SCOPE...]\n"
    "  users list | show USER_ID | delete USER_ID\n"
    "  users create --email EMAIL [--hub HUB_ID...] [--user-id ID]\n"
    "  installs list | delete HUB_ID APP_ID\n"
    "  seed FILE                      load a seed document (- reads stdin), all or nothing; the\n"
    "                                 server checks it (syntax errors: their line and column)\n"
    "  code --client-id ID --hub HUB_ID --user USER_ID [--redirect-uri URI] [--scope SCOPE...]\n"
    "       [--code-challenge CHALLENGE]   mint an authorization code (defaults: the app's first\n"
    "                                      redirect URI and its required scopes)\n"
    "  clock show | advance DURATION  e.g. 90s, 31m, 2h, 1d, 1h30m\n"
    "  storage-faults show | set [--read-only true|false] [--max-page-count N]\n"
    "  auto-approve show | set --user USER_ID --hub HUB_ID | off\n";

// After the commands (the controls' own lines come between).
const char* usage_tail =
    "\n"
    "URL and key: --url and --admin-key, else HSOAUTH_URL and HSOAUTH_ADMIN_KEY (default URL\n"
    "http://127.0.0.1:8080). Flags that take lists take the flag again or one space- or\n"
    "comma-separated value. --json prints the server's JSON as it came.\n"
    "Exit codes: 0 done, 1 the server refused (its status and message on stderr), 2 bad command\n"
    "line, 3 the server cannot be reached, 4 not found.\n";

// ---- the resources ----

std::string app_details(const json& app) {
    std::vector<std::pair<std::string, std::string>> lines = {
        {"app_id", text_of(app.value("app_id", json()))},
        {"name", text_of(app.value("name", json()))},
        {"client_id", text_of(app.value("client_id", json()))},
    };
    if (app.contains("client_secret")) lines.emplace_back("client_secret", text_of(app["client_secret"]) + "  (shown once)");
    lines.emplace_back("redirect_uris", text_of(app.value("redirect_uris", json())));
    lines.emplace_back("scopes", text_of(app.value("scopes", json())));
    lines.emplace_back("optional_scopes", text_of(app.value("optional_scopes", json())));
    lines.emplace_back("access_token_ttl", text_of(app.value("access_token_ttl", json())));
    lines.emplace_back("rotate_refresh_tokens", text_of(app.value("rotate_refresh_tokens", json())));
    return key_values(lines);
}

std::string hub_details(const json& hub) {
    return key_values({{"hub_id", text_of(hub.value("hub_id", json()))},
                       {"hub_domain", text_of(hub.value("hub_domain", json()))},
                       {"hublet", text_of(hub.value("hublet", json()))},
                       {"scopes", hub.value("scopes", json()).is_null() ? "(every scope)" : text_of(hub["scopes"])}});
}

std::string user_details(const json& user) {
    return key_values({{"user_id", text_of(user.value("user_id", json()))},
                       {"email", text_of(user.value("email", json()))},
                       {"hub_ids", text_of(user.value("hub_ids", json()))}});
}

std::string apps_table(const json& apps) {
    table t({"APP_ID", "NAME", "CLIENT_ID", "SCOPES", "REDIRECT_URIS"});
    for (const auto& a : apps) {
        t.add({text_of(a["app_id"]), text_of(a["name"]), text_of(a["client_id"]), text_of(a["scopes"]),
               text_of(a["redirect_uris"])});
    }
    return t.text();
}

std::string hubs_table(const json& hubs) {
    table t({"HUB_ID", "HUB_DOMAIN", "HUBLET", "SCOPES"});
    for (const auto& h : hubs) {
        t.add({text_of(h["hub_id"]), text_of(h["hub_domain"]), text_of(h["hublet"]),
               h["scopes"].is_null() ? "(every scope)" : text_of(h["scopes"])});
    }
    return t.text();
}

std::string users_table(const json& users) {
    table t({"USER_ID", "EMAIL", "HUB_IDS"});
    for (const auto& u : users) t.add({text_of(u["user_id"]), text_of(u["email"]), text_of(u["hub_ids"])});
    return t.text();
}

std::string installs_table(const json& installs) {
    table t({"INSTALL_ID", "HUB_ID", "APP_ID", "USER_ID", "LIVE", "INSTALLED_AT", "SCOPES"});
    for (const auto& i : installs) {
        t.add({text_of(i["install_id"]), text_of(i["hub_id"]), text_of(i["app_id"]), text_of(i["user_id"]),
               i.value("live", false) ? "yes" : "no", utc_time(i.value("installed_at", std::int64_t{0})),
               text_of(i["scopes"])});
    }
    return t.text();
}

int list_of(admin_session& s, const std::string& path, std::string (*render)(const json&)) {
    const json body = s.call("GET", path);
    s.print(render(body.value("results", json::array())));
    return exit_ok;
}

int show_one(admin_session& s, const std::string& path, std::string (*render)(const json&)) {
    const json body = s.call("GET", path);
    s.print(render(body));
    return exit_ok;
}

int delete_one(admin_session& s, const std::string& path, const std::string& what) {
    s.call("DELETE", path);
    if (!s.json_output()) std::cout << "deleted " << what << "\n";
    return exit_ok;
}

int create_app(admin_session& s, const arguments& a) {
    json body = {{"name", a.required("--name")}, {"redirect_uris", a.list("--redirect-uri")}, {"scopes", a.list("--scope")}};
    if (!a.has("--redirect-uri")) throw usage_error("--redirect-uri is required");
    if (!a.has("--scope")) throw usage_error("--scope is required");
    if (a.has("--optional-scope")) body["optional_scopes"] = a.list("--optional-scope");
    if (auto v = a.one("--client-id")) body["client_id"] = *v;
    if (auto v = a.one("--client-secret")) body["client_secret"] = *v;
    if (auto v = a.one("--app-id")) body["app_id"] = positive_id(*v, "--app-id");
    if (auto v = a.one("--access-token-ttl")) body["access_token_ttl"] = positive_id(*v, "--access-token-ttl");
    if (a.switches.contains("--rotate-refresh-tokens")) body["rotate_refresh_tokens"] = true;
    const json app = s.call("POST", "/admin/v1/apps", body);
    s.print(app_details(app));
    return exit_ok;
}

int create_hub(admin_session& s, const arguments& a) {
    json body = {{"hub_domain", a.required("--domain")}};
    if (auto v = a.one("--hub-id")) body["hub_id"] = positive_id(*v, "--hub-id");
    if (auto v = a.one("--hublet")) body["hublet"] = *v;
    if (a.has("--scope")) body["scopes"] = a.list("--scope");
    s.print(hub_details(s.call("POST", "/admin/v1/hubs", body)));
    return exit_ok;
}

int create_user(admin_session& s, const arguments& a) {
    json body = {{"email", a.required("--email")}};
    json hubs = json::array();
    for (const auto& id : a.list("--hub")) hubs.push_back(positive_id(id, "--hub"));
    body["hub_ids"] = hubs;
    if (auto v = a.one("--user-id")) body["user_id"] = positive_id(*v, "--user-id");
    s.print(user_details(s.call("POST", "/admin/v1/users", body)));
    return exit_ok;
}

int seed(admin_session& s, const arguments& a) {
    const std::string text = read_input(a.positional.front(), "seed file");
    // Sent as written, so that the server's refusals (a syntax error's line and column) point
    // into the file itself.
    const json outcome = s.call_text("POST", "/admin/v1/seed", text);
    std::ostringstream out;
    out << "seeded " << outcome.value("hubs", json::array()).size() << " hub(s), "
        << outcome.value("users", json::array()).size() << " user(s), " << outcome.value("apps", json::array()).size()
        << " app(s)\n";
    for (const auto& app : outcome.value("apps", json::array())) {
        out << "  app " << text_of(app["app_id"]) << " \"" << text_of(app["name"]) << "\": client_id=" << text_of(app["client_id"]);
        if (app.contains("client_secret")) out << " client_secret=" << text_of(app["client_secret"]) << " (shown once)";
        out << "\n";
    }
    s.print(out.str());
    return exit_ok;
}

int mint_code(admin_session& s, const arguments& a) {
    const std::string client_id = a.required("--client-id");
    json body = {{"client_id", client_id},
                 {"hub_id", positive_id(a.required("--hub"), "--hub")},
                 {"user_id", positive_id(a.required("--user"), "--user")}};
    std::optional<std::string> redirect_uri = a.one("--redirect-uri");
    std::vector<std::string> scopes = a.list("--scope");
    if (!redirect_uri || scopes.empty()) {
        // The app's first redirect URI and its required scopes, as the consent screen would ask.
        admin_session lookup = s;
        const json apps = lookup.call("GET", "/admin/v1/apps").value("results", json::array());
        const json* app = nullptr;
        for (const auto& candidate : apps) {
            if (candidate.value("client_id", "") == client_id) app = &candidate;
        }
        if (app == nullptr) throw refused(404, "no app has client_id " + client_id);
        if (!redirect_uri) {
            const json& uris = (*app)["redirect_uris"];
            if (!uris.is_array() || uris.empty()) throw usage_error("the app has no redirect URI: give --redirect-uri");
            redirect_uri = uris.front().get<std::string>();
        }
        if (scopes.empty()) scopes = (*app)["scopes"].get<std::vector<std::string>>();
    }
    body["redirect_uri"] = *redirect_uri;
    body["scopes"] = scopes;
    if (auto v = a.one("--code-challenge")) {
        body["code_challenge"] = *v;
        body["code_challenge_method"] = "S256";
    }
    const json issued = s.call("POST", "/admin/v1/authorization-codes", body);
    s.print(key_values({{"code", text_of(issued["code"])},
                        {"expires_in", text_of(issued["expires_in"]) + " s"},
                        {"scopes", text_of(issued["scopes"])},
                        {"redirect_uri", *redirect_uri}}));
    return exit_ok;
}

std::string clock_text(const json& reading) {
    const auto now = reading.value("now", std::int64_t{0});
    const auto offset = reading.value("offset_seconds", std::int64_t{0});
    return key_values({{"now", utc_time(now) + " (" + std::to_string(now) + ")"},
                       {"offset", std::to_string(offset) + " s ahead of real time"}});
}

std::string faults_text(const json& faults) {
    return key_values({{"read_only", text_of(faults.value("read_only", json()))},
                       {"max_page_count", text_of(faults.value("max_page_count", json()))}});
}

std::string auto_approve_text(const json& state) {
    if (!state.value("enabled", false)) return "auto-approve: off\n";
    return key_values({{"auto-approve", "on"},
                       {"user_id", text_of(state.value("user_id", json()))},
                       {"hub_id", text_of(state.value("hub_id", json()))}});
}

const std::vector<command>& commands() {
    static const std::vector<command> all = [] {
        std::vector<command> c;
        const command_spec none = flags_only({});
        const command_spec one_id{{}, {}, 1, 1, "an id"};
        for (const auto& [resource, path, render_list, render_one] :
             std::vector<std::tuple<std::string, std::string, std::string (*)(const json&), std::string (*)(const json&)>>{
                 {"apps", "/admin/v1/apps", apps_table, app_details},
                 {"hubs", "/admin/v1/hubs", hubs_table, hub_details},
                 {"users", "/admin/v1/users", users_table, user_details}}) {
            c.push_back({resource, "list", none, [path = path, r = render_list](admin_session& s, const arguments&) {
                             return list_of(s, path, r);
                         }});
            const std::string singular = resource.substr(0, resource.size() - 1);
            c.push_back({resource, "show", one_id, [path = path, r = render_one, singular](admin_session& s, const arguments& a) {
                             positive_id(a.positional[0], singular + " id");
                             return show_one(s, path + "/" + a.positional[0], r);
                         }});
            c.push_back({resource, "delete", one_id, [path = path, singular](admin_session& s, const arguments& a) {
                             positive_id(a.positional[0], singular + " id");
                             return delete_one(s, path + "/" + a.positional[0], singular + " " + a.positional[0]);
                         }});
        }
        c.push_back({"apps", "create",
                     flags_only({"--name", "--redirect-uri", "--scope", "--optional-scope", "--client-id",
                                 "--client-secret", "--app-id", "--access-token-ttl"},
                                {"--rotate-refresh-tokens"}),
                     create_app});
        c.push_back({"hubs", "create", flags_only({"--domain", "--hub-id", "--hublet", "--scope"}), create_hub});
        c.push_back({"users", "create", flags_only({"--email", "--hub", "--user-id"}), create_user});
        c.push_back({"installs", "list", none, [](admin_session& s, const arguments&) {
                         return list_of(s, "/admin/v1/installs", installs_table);
                     }});
        c.push_back({"installs", "delete", {{}, {}, 2, 2, "HUB_ID APP_ID"}, [](admin_session& s, const arguments& a) {
                         const auto hub = positive_id(a.positional[0], "hub id");
                         const auto app = positive_id(a.positional[1], "app id");
                         s.call("DELETE", "/admin/v1/installs/" + std::to_string(hub) + "/" + std::to_string(app));
                         if (!s.json_output()) std::cout << "uninstalled app " << app << " from hub " << hub << "\n";
                         return exit_ok;
                     }});
        c.push_back({"seed", "", {{}, {}, 1, 1, "a FILE (- for stdin)"}, seed});
        c.push_back({"code", "", flags_only({"--client-id", "--hub", "--user", "--redirect-uri", "--scope", "--code-challenge"}),
                     mint_code});
        c.push_back({"clock", "show", none, [](admin_session& s, const arguments&) {
                         s.print(clock_text(s.call("GET", "/admin/v1/clock")));
                         return exit_ok;
                     }});
        c.push_back({"clock", "advance", {{}, {}, 1, 1, "a DURATION (e.g. 31m)"}, [](admin_session& s, const arguments& a) {
                         const json body = {{"advance_seconds", parse_duration(a.positional[0])}};
                         s.print(clock_text(s.call("POST", "/admin/v1/clock", body)));
                         return exit_ok;
                     }});
        c.push_back({"storage-faults", "show", none, [](admin_session& s, const arguments&) {
                         s.print(faults_text(s.call("GET", "/admin/v1/storage-faults")));
                         return exit_ok;
                     }});
        c.push_back({"storage-faults", "set", flags_only({"--read-only", "--max-page-count"}),
                     [](admin_session& s, const arguments& a) {
                         json body = json::object();
                         if (auto v = a.one("--read-only")) body["read_only"] = parse_bool(*v, "--read-only");
                         if (auto v = a.one("--max-page-count")) {
                             body["max_page_count"] = *v == "0" ? 0 : positive_id(*v, "--max-page-count");
                         }
                         if (body.empty()) throw usage_error("storage-faults set needs --read-only or --max-page-count");
                         s.print(faults_text(s.call("PUT", "/admin/v1/storage-faults", body)));
                         return exit_ok;
                     }});
        c.push_back({"auto-approve", "show", none, [](admin_session& s, const arguments&) {
                         s.print(auto_approve_text(s.call("GET", "/admin/v1/auto-approve")));
                         return exit_ok;
                     }});
        c.push_back({"auto-approve", "set", flags_only({"--user", "--hub"}), [](admin_session& s, const arguments& a) {
                         const json body = {{"user_id", positive_id(a.required("--user"), "--user")},
                                            {"hub_id", positive_id(a.required("--hub"), "--hub")}};
                         s.print(auto_approve_text(s.call("PUT", "/admin/v1/auto-approve", body)));
                         return exit_ok;
                     }});
        c.push_back({"auto-approve", "off", none, [](admin_session& s, const arguments&) {
                         s.call("DELETE", "/admin/v1/auto-approve");
                         if (!s.json_output()) std::cout << "auto-approve: off\n";
                         return exit_ok;
                     }});
        add_controls_commands(c);
        return c;
    }();
    return all;
}

std::string environment_value(char** environment, const std::string& name) {
    for (char** e = environment; e && *e; ++e) {
        const std::string_view entry(*e);
        if (entry.size() > name.size() && entry.substr(0, name.size()) == name && entry[name.size()] == '=') {
            return std::string(entry.substr(name.size() + 1));
        }
    }
    return "";
}

}  // namespace

int run_admin(const std::vector<std::string>& args, char** environment) {
    std::string url = environment_value(environment, "HSOAUTH_URL");
    std::string key = environment_value(environment, "HSOAUTH_ADMIN_KEY");
    bool json_output = false;
    std::vector<std::string> words;
    try {
        for (std::size_t i = 0; i < args.size(); ++i) {
            const std::string& arg = args[i];
            const auto value_of = [&](const std::string& flag) {
                if (arg.size() > flag.size() && arg[flag.size()] == '=') return arg.substr(flag.size() + 1);
                if (i + 1 >= args.size()) throw usage_error(flag + " needs a value");
                return args[++i];
            };
            if (arg == "--help" || arg == "-h" || (words.empty() && arg == "help")) {
                std::cout << usage_text << controls_usage_text << usage_tail;
                return exit_ok;
            } else if (arg == "--json") {
                json_output = true;
            } else if (arg == "--url" || arg.rfind("--url=", 0) == 0) {
                url = value_of("--url");
            } else if (arg == "--admin-key" || arg.rfind("--admin-key=", 0) == 0) {
                key = value_of("--admin-key");
            } else {
                words.push_back(arg);
            }
        }
        if (words.empty()) throw usage_error("admin needs a RESOURCE and a VERB, e.g. hsoauth admin apps list");
        const std::string& resource = words[0];
        const command* chosen = nullptr;
        bool resource_known = false;
        std::vector<std::string> rest;
        for (const auto& c : commands()) {
            if (c.resource != resource) continue;
            resource_known = true;
            if (c.verb.empty()) {
                chosen = &c;
                rest.assign(words.begin() + 1, words.end());
                break;
            }
            if (words.size() > 1 && c.verb == words[1]) {
                chosen = &c;
                rest.assign(words.begin() + 2, words.end());
                break;
            }
        }
        if (chosen == nullptr) {
            if (!resource_known) throw usage_error("admin: unknown resource '" + resource + "'");
            std::string verbs;
            for (const auto& c : commands()) {
                if (c.resource == resource) verbs += (verbs.empty() ? "" : ", ") + c.verb;
            }
            throw usage_error("admin " + resource + " needs one of: " + verbs +
                              (words.size() > 1 ? " (got '" + words[1] + "')" : ""));
        }
        const std::string name = chosen->verb.empty() ? resource : resource + " " + chosen->verb;
        const arguments parsed = parse_arguments(rest, chosen->spec, name);
        admin_session session(parse_base_url(url.empty() ? default_url : url), key, json_output);
        return chosen->run(session, parsed);
    } catch (const usage_error& e) {
        std::cerr << "hsoauth: " << e.what() << " (try hsoauth admin --help)\n";
        return exit_usage;
    } catch (const std::invalid_argument& e) {
        std::cerr << "hsoauth: admin: " << e.what() << "\n";
        return exit_usage;
    } catch (const refused& e) {
        std::cerr << "hsoauth: admin: " << e.what() << "\n";
        return e.status == 404 ? exit_not_found : exit_refused;
    } catch (const connection_error& e) {
        std::cerr << "hsoauth: admin: " << e.what() << " (is hsoauth serving at "
                  << (url.empty() ? default_url : url) << "?)\n";
        return exit_unreachable;
    } catch (const std::exception& e) {
        std::cerr << "hsoauth: admin: " << e.what() << "\n";
        return exit_refused;
    }
}

}  // namespace hsoauth::cli
