// `hsoauth admin` over the controls (fault rules, the event journal, the integration report), the
// sandboxes and the reset: thin calls of their admin routes, tables for people, --json for scripts.
#include <sstream>

#include "admin_session.hpp"
#include "hsoauth/cli/admin_command.hpp"
#include "hsoauth/cli/table.hpp"
#include "hsoauth/http/form.hpp"

namespace hsoauth::cli {

const char* const controls_usage_text =
    "  faults list | add FILE | delete RULE_ID | clear\n"
    "                                 fault rules (FILE: one rule or an array of rules, - reads stdin)\n"
    "  events [--since ID] [--kind KIND] [--client-id ID] [--hub-id N] [--limit N]\n"
    "                                 the event journal, oldest first\n"
    "  report APP_ID                  what the integration of APP_ID did wrong\n"
    "  sandboxes list | show ID | delete ID | snapshot ID | restore ID SNAPSHOT_ID\n"
    "  sandboxes create [--name NAME] [--seed FILE] [--from ID] [--ttl-seconds N]\n"
    "  reset                          delete every app, hub, user, install, code and token, and\n"
    "                                 put the clock back to real time\n";

namespace {

// A sandbox or snapshot id as the server hands them out: letters, digits, '-' and '_'.
const std::string& checked_id(const std::string& id, const std::string& what) {
    const bool fine = !id.empty() && id.size() <= 64 &&
                      id.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_") ==
                          std::string::npos;
    if (!fine) throw usage_error(what + " must be an id such as 3f2a9c0d1e4b5a67, got '" + id + "'");
    return id;
}

std::string rules_table(const json& rules) {
    table t({"ID", "MATCH", "ACTION", "MATCHED", "FIRED"});
    for (const auto& r : rules) {
        t.add({text_of(r.value("id", json())), r.value("match", json::object()).dump(),
               r.value("action", json::object()).dump(), text_of(r.value("matched", json())),
               text_of(r.value("fired", json()))});
    }
    return t.text();
}

std::string events_table(const json& events) {
    table t({"ID", "TIME", "KIND", "ROUTE", "CLIENT_ID", "HUB_ID", "OUTCOME"});
    for (const auto& e : events) {
        const json time = e.value("time", json());
        t.add({text_of(e.value("id", json())), time.is_number_integer() ? utc_time(time.get<std::int64_t>()) : text_of(time),
               text_of(e.value("kind", json())), text_of(e.value("route", json())),
               text_of(e.value("client_id", json())), text_of(e.value("hub_id", json())),
               text_of(e.value("outcome", json()))});
    }
    return t.text();
}

std::string report_text(const json& report) {
    std::ostringstream out;
    out << "app " << text_of(report.value("app_id", json())) << " \"" << text_of(report.value("name", json()))
        << "\" (" << text_of(report.value("client_id", json())) << "): ";
    const json findings = report.value("findings", json::array());
    if (report.value("clean", false)) {
        out << "clean, nothing to fix\n";
        return out.str();
    }
    out << findings.size() << " finding(s)\n";
    table t({"FINDING", "COUNT", "FIRST_CORRELATION_ID", "LAST_CORRELATION_ID"});
    for (const auto& f : findings) {
        t.add({text_of(f.value("title", json())), text_of(f.value("count", json())),
               text_of(f.value("first_correlation_id", json())), text_of(f.value("last_correlation_id", json()))});
    }
    out << t.text();
    for (const auto& f : findings) out << "- " << text_of(f.value("title", json())) << ": " << text_of(f.value("advice", json())) << "\n";
    return out.str();
}

std::string sandboxes_table(const json& sandboxes) {
    table t({"ID", "NAME", "BASE_URL", "OPEN", "SNAPSHOTS"});
    for (const auto& s : sandboxes) {
        t.add({text_of(s.value("id", json())), text_of(s.value("name", json())), text_of(s.value("base_url", json())),
               s.value("open", false) ? "yes" : "no", text_of(s.value("snapshots", json()))});
    }
    return t.text();
}

std::string sandbox_details(const json& sandbox) {
    std::vector<std::pair<std::string, std::string>> lines = {
        {"id", text_of(sandbox.value("id", json()))},
        {"name", text_of(sandbox.value("name", json()))},
        {"base_url", text_of(sandbox.value("base_url", json()))},
        {"ttl_seconds", text_of(sandbox.value("ttl_seconds", json()))},
        {"snapshots", text_of(sandbox.value("snapshots", json()))},
    };
    if (sandbox.contains("admin_key")) lines.emplace_back("admin_key", text_of(sandbox["admin_key"]) + "  (shown once)");
    return key_values(lines);
}

int print_and_succeed(admin_session& s, const std::string& human) {
    s.print(human);
    return exit_ok;
}

}  // namespace

void add_controls_commands(std::vector<command>& c) {
    const command_spec none = flags_only({});
    const command_spec one_id{{}, {}, 1, 1, "an id"};
    c.push_back({"faults", "list", none, [](admin_session& s, const arguments&) {
                     return print_and_succeed(s, rules_table(s.call("GET", "/admin/v1/faults").value("results", json::array())));
                 }});
    c.push_back({"faults", "add", {{}, {}, 1, 1, "a FILE (- for stdin)"}, [](admin_session& s, const arguments& a) {
                     const json rules = read_json_input(a.positional[0], "fault rule file");
                     json added = json::array();
                     for (const auto& rule : rules.is_array() ? rules : json::array({rules})) {
                         added.push_back(s.call("POST", "/admin/v1/faults", rule));
                     }
                     if (s.json_output()) {
                         std::cout << added.dump() << "\n";
                     } else {
                         std::cout << "added " << added.size() << " rule(s):";
                         for (const auto& r : added) std::cout << " " << text_of(r.value("id", json()));
                         std::cout << "\n";
                     }
                     return exit_ok;
                 }});
    c.push_back({"faults", "delete", one_id, [](admin_session& s, const arguments& a) {
                     s.call("DELETE", "/admin/v1/faults/" + std::to_string(positive_id(a.positional[0], "rule id")));
                     if (!s.json_output()) std::cout << "deleted rule " << a.positional[0] << "\n";
                     return exit_ok;
                 }});
    c.push_back({"faults", "clear", none, [](admin_session& s, const arguments&) {
                     s.call("DELETE", "/admin/v1/faults");
                     if (!s.json_output()) std::cout << "deleted every rule\n";
                     return exit_ok;
                 }});
    c.push_back({"events", "", flags_only({"--since", "--kind", "--client-id", "--hub-id", "--limit"}),
                 [](admin_session& s, const arguments& a) {
                     std::string query;
                     const auto add = [&](const std::string& name, const std::string& value) {
                         query += (query.empty() ? "?" : "&") + name + "=" + http::percent_encode(value);
                     };
                     if (auto v = a.one("--since")) add("since", std::to_string(positive_id(*v, "--since")));
                     if (auto v = a.one("--kind")) add("kind", *v);
                     if (auto v = a.one("--client-id")) add("client_id", *v);
                     if (auto v = a.one("--hub-id")) add("hub_id", std::to_string(positive_id(*v, "--hub-id")));
                     if (auto v = a.one("--limit")) add("limit", std::to_string(positive_id(*v, "--limit")));
                     const json page = s.call("GET", "/admin/v1/events" + query);
                     return print_and_succeed(s, events_table(page.value("results", json::array())));
                 }});
    c.push_back({"report", "", one_id, [](admin_session& s, const arguments& a) {
                     const auto app = positive_id(a.positional[0], "app id");
                     return print_and_succeed(s, report_text(s.call("GET", "/admin/v1/apps/" + std::to_string(app) + "/report")));
                 }});
    c.push_back({"sandboxes", "list", none, [](admin_session& s, const arguments&) {
                     return print_and_succeed(s, sandboxes_table(s.call("GET", "/admin/v1/sandboxes").value("results", json::array())));
                 }});
    c.push_back({"sandboxes", "show", one_id, [](admin_session& s, const arguments& a) {
                     const std::string& id = checked_id(a.positional[0], "sandbox id");
                     return print_and_succeed(s, sandbox_details(s.call("GET", "/admin/v1/sandboxes/" + id)));
                 }});
    c.push_back({"sandboxes", "delete", one_id, [](admin_session& s, const arguments& a) {
                     const std::string& id = checked_id(a.positional[0], "sandbox id");
                     s.call("DELETE", "/admin/v1/sandboxes/" + id);
                     if (!s.json_output()) std::cout << "deleted sandbox " << id << "\n";
                     return exit_ok;
                 }});
    c.push_back({"sandboxes", "create", flags_only({"--name", "--seed", "--from", "--ttl-seconds"}),
                 [](admin_session& s, const arguments& a) {
                     json body = json::object();
                     if (auto v = a.one("--name")) body["name"] = *v;
                     if (auto v = a.one("--from")) body["from"] = checked_id(*v, "--from");
                     if (auto v = a.one("--ttl-seconds")) body["ttl_seconds"] = *v == "0" ? 0 : positive_id(*v, "--ttl-seconds");
                     if (auto v = a.one("--seed")) body["seed"] = read_json_input(*v, "seed file");
                     return print_and_succeed(s, sandbox_details(s.call("POST", "/admin/v1/sandboxes", body)));
                 }});
    c.push_back({"sandboxes", "snapshot", one_id, [](admin_session& s, const arguments& a) {
                     const std::string& id = checked_id(a.positional[0], "sandbox id");
                     const json snapshot = s.call("POST", "/admin/v1/sandboxes/" + id + "/snapshots");
                     return print_and_succeed(s, key_values({{"snapshot_id", text_of(snapshot.value("snapshot_id", json()))},
                                                             {"sandbox_id", id}}));
                 }});
    c.push_back({"sandboxes", "restore", {{}, {}, 2, 2, "ID SNAPSHOT_ID"}, [](admin_session& s, const arguments& a) {
                     const std::string& id = checked_id(a.positional[0], "sandbox id");
                     const json body = {{"snapshot_id", checked_id(a.positional[1], "snapshot id")}};
                     s.call("POST", "/admin/v1/sandboxes/" + id + "/restore", body);
                     if (!s.json_output()) std::cout << "restored sandbox " << id << " to " << a.positional[1] << "\n";
                     return exit_ok;
                 }});
    c.push_back({"reset", "", none, [](admin_session& s, const arguments&) {
                     const json reading = s.call("POST", "/admin/v1/reset");
                     return print_and_succeed(s, "reset: every app, hub, user, install, code and token deleted; clock at " +
                                                     utc_time(reading.value("now", std::int64_t{0})) + "\n");
                 }});
}

}  // namespace hsoauth::cli
