#include "hsoauth/app/command_line.hpp"

#include "hsoauth/config/config.hpp"

namespace hsoauth::app {
namespace {

const std::string_view database_note =
    "The database is --db, HSOAUTH_DB or the config file's \"db\" (default var/hsoauth.db).\n"
    "Every configuration key is accepted as --key-with-dashes VALUE (hsoauth serve --help lists "
    "them).\n";

// The configuration keys, one a line: name, default, meaning.
std::string key_table() {
    std::string out;
    const auto padded = [](const std::string& text, std::size_t width) {
        return text.size() >= width ? text : text + std::string(width - text.size(), ' ');
    };
    for (const auto& key : config::keys()) {
        out += "  " + padded(key.name, 28) + " " + padded(key.default_value, 16) + " " +
               key.description + "\n";
    }
    return out;
}

std::string synopsis_line(const command_info& c) {
    return "  " + std::string(c.synopsis) + "\n";
}

const command_info* find_command(std::string_view name) {
    for (const auto& c : commands()) {
        if (c.name == name) return &c;
    }
    return nullptr;
}

[[noreturn]] void refuse(const std::string& problem, const command_info* c) {
    throw config::config_error(
        problem + (c ? " (usage: " + std::string(c->synopsis) + ")" : " (try hsoauth --help)"));
}

}  // namespace

const std::vector<command_info>& commands() {
    static const std::vector<command_info> all = {
        {"serve",
         "hsoauth serve [--config FILE] [--listen HOST:PORT] [--db PATH] [--seed FILE] "
         "[--admin-key KEY] "
         "[--KEY VALUE ...]",
         "serve the OAuth endpoints, the consent page and the admin API",
         {},
         "The address is bound first: when it is taken, nothing is created. The database and its\n"
         "pepper file are created when missing; --seed FILE is applied at every start.\n"
         "Flags (--key-with-dashes VALUE or --key=VALUE) override HSOAUTH_<KEY> environment "
         "variables,\n"
         "which override the config file (--config FILE or HSOAUTH_CONFIG). The keys and "
         "defaults:\n",
         true},
        {"migrate",
         "hsoauth migrate [--db PATH] [--config FILE]",
         "create or upgrade a database's schema; prints the database and each migration applied",
         {},
         database_note,
         false},
        {"seed",
         "hsoauth seed [--db PATH] [--config FILE] FILE",
         "load the seed document FILE into a database, offline (a running server sees it after a "
         "restart)",
         {"FILE"},
         database_note,
         false},
        // main.cpp hands `admin` and everything after it to cli::run_admin, which has its own help.
        {"admin",
         "hsoauth admin [--url URL] [--admin-key KEY] [--json] RESOURCE VERB ...",
         "drive a running server's admin API (apps, hubs, users, seed, clock, ...; hsoauth admin --help)",
         {},
         "",
         false},
    };
    return all;
}

command_line parse_command_line(const std::vector<std::string>& args) {
    command_line out;
    if (args.empty()) return out;
    const std::string& first = args[0];
    if (first == "--help" || first == "-h" || first == "help") {
        out.help = true;
        if (first == "help" && args.size() > 1) {
            out.command = find_command(args[1]);
            if (!out.command) refuse("unknown command '" + args[1] + "'", nullptr);
        }
        return out;
    }
    if (first == "--version") {
        out.version = true;
        return out;
    }
    out.command = find_command(first);
    if (!out.command) {
        refuse(first.rfind("-", 0) == 0 ? "unknown option '" + first + "' (a command comes first)"
                                        : "unknown command '" + first + "'",
               nullptr);
    }
    const command_info& c = *out.command;
    for (std::size_t i = 1; i < args.size(); ++i) {
        const std::string& arg = args[i];
        if (arg == "--help" || arg == "-h") {
            out.help = true;
            return out;
        }
        if (arg.rfind("--", 0) == 0) {
            out.flags.push_back(arg);
            if (arg.find('=') != std::string::npos) continue;
            if (i + 1 >= args.size()) refuse("flag " + arg + " needs a value", &c);
            out.flags.push_back(args[++i]);
            continue;
        }
        if (out.arguments.size() >= c.arguments.size()) {
            refuse("unexpected argument '" + arg + "'", &c);
        }
        out.arguments.push_back(arg);
    }
    if (out.arguments.size() < c.arguments.size()) {
        refuse(std::string(c.name) + " needs a " + std::string(c.arguments[out.arguments.size()]),
               &c);
    }
    return out;
}

std::string general_usage() {
    std::string out =
        "hsoauth " HSOAUTH_VERSION " - a local HubSpot OAuth token authority\n\nusage:\n";
    for (const auto& c : commands()) out += synopsis_line(c);
    out += "  hsoauth COMMAND --help | hsoauth --version\n\ncommands:\n";
    for (const auto& c : commands()) {
        const std::string name(c.name);
        out += "  " + name + std::string(name.size() < 10 ? 10 - name.size() : 0, ' ') + " " +
               std::string(c.summary) + "\n";
    }
    out +=
        "\nconfiguration keys (flag --key-with-dashes, environment HSOAUTH_KEY, or config file "
        "key):\n";
    out += key_table();
    return out;
}

std::string usage_of(const command_info& c) {
    std::string out = "usage:\n";
    out += synopsis_line(c);
    out += '\n';
    out += c.summary;
    out += ".\n";
    if (!c.details.empty()) {
        out += '\n';
        out += c.details;
    }
    if (c.lists_keys) out += key_table();
    return out;
}

}  // namespace hsoauth::app
