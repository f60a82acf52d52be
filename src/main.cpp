// hsoauth: wiring only. Parses the command line, builds the parts, and runs the chosen command.
#include <malloc.h>

#include <filesystem>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "hsoauth/app/assembly.hpp"
#include "hsoauth/app/command_line.hpp"
#include "hsoauth/app/lifecycle_log.hpp"
#include "hsoauth/cli/admin_command.hpp"
#include "hsoauth/config/config.hpp"
#include "hsoauth/crypto/digest.hpp"
#include "hsoauth/crypto/pepper.hpp"
#include "hsoauth/crypto/random.hpp"
#include "hsoauth/http/form.hpp"
#include "hsoauth/http/log_writer.hpp"
#include "hsoauth/http/server.hpp"
#include "hsoauth/http/wire/admin/controls_json.hpp"
#include "hsoauth/http/wire/admin/seed_file.hpp"
#include "hsoauth/storage/scope_text.hpp"
#include "hsoauth/storage/sqlite/migrations.hpp"
#include "hsoauth/storage/sqlite/sandbox_files.hpp"
#include "hsoauth/storage/sqlite/sqlite_store.hpp"

extern char** environ;

namespace {

using namespace hsoauth;

// glibc hands freed memory back to the kernel as soon as a little is free at the top of a heap,
// and maps blocks over 128 KiB one by one: under load that is an munmap (and a TLB shootdown on
// every core) every few requests. Keeping up to 64 MiB of free memory, and mapping only blocks
// of 4 MiB and more, takes that off the request path; the server's memory stays bounded by its
// peak load.
void tune_malloc() {
    mallopt(M_TRIM_THRESHOLD, 64 << 20);
    mallopt(M_MMAP_THRESHOLD, 4 << 20);
}

constexpr int exit_usage = 2;

void ensure_parent_directory(const std::string& path) {
    const auto parent = std::filesystem::path(path).parent_path();
    if (!parent.empty()) std::filesystem::create_directories(parent);
}

bool database_exists(const config::settings& s) {
    std::error_code ignored;
    return std::filesystem::exists(s.db, ignored);
}

// Says which database a command works on, and whether it made it: a mistyped path makes a new,
// empty database, which should not pass unnoticed.
void print_database(const config::settings& s, bool existed) {
    std::cout << "database " << s.db << (existed ? "" : " (created)") << "\n";
}

// The pepper of `store`. A database that already holds apps never gets a fresh pepper silently:
// every stored secret and token would stop matching.
std::string pepper_for(const config::settings& s, storage::store& store) {
    if (!s.pepper.empty()) return s.pepper;
    const std::string path = s.pepper_file.empty() ? s.db + ".pepper" : s.pepper_file;
    if (!std::filesystem::exists(path) &&
        !storage::read_value(store, [](storage::repository& repo) { return repo.list_apps().empty(); })) {
        throw std::runtime_error("pepper file " + path +
                                 " is missing but the database holds apps: restore the file or set HSOAUTH_PEPPER");
    }
    // A reproducible run's new pepper follows the seed: signed_access_token is then reproducible.
    if (!s.deterministic_seed.empty()) {
        return crypto::load_or_create_pepper(path, crypto::seeded_random("pepper:" + s.deterministic_seed).get());
    }
    return crypto::load_or_create_pepper(path);
}

std::unique_ptr<storage::sqlite::sqlite_store> open_store(const config::settings& s) {
    ensure_parent_directory(s.db);
    storage::sqlite::store_options options;
    options.path = s.db;
    options.synchronous = s.synchronous;
    options.max_page_count = s.max_page_count;
    return std::make_unique<storage::sqlite::sqlite_store>(options);
}

// Where the non-default sandboxes live (docs/sandboxes.md): null when they are switched off.
std::unique_ptr<storage::sqlite::sandbox_files> open_sandbox_files(const config::settings& s) {
    if (s.max_sandboxes == 0) return nullptr;
    storage::sqlite::store_options options;
    options.synchronous = s.synchronous;
    options.page_cap = s.sandbox_max_page_count;
    return std::make_unique<storage::sqlite::sandbox_files>(
        s.sandbox_dir.empty() ? s.db + ".sandboxes" : s.sandbox_dir, options);
}

// The URL an integrator opens to start the flow for `app`, as HubSpot's helpers build it.
std::string authorize_url(const std::string& base_url, const storage::app_record& app) {
    std::string url = base_url + "/oauth/authorize?client_id=" + http::percent_encode(app.client_id);
    if (!app.redirect_uris.empty()) url += "&redirect_uri=" + http::percent_encode(app.redirect_uris.front());
    url += "&scope=" + http::percent_encode(storage::join_scopes(app.scopes));
    if (!app.optional_scopes.empty()) {
        url += "&optional_scope=" + http::percent_encode(storage::join_scopes(app.optional_scopes));
    }
    return url + "&state=demo";
}

// The seed file `path`, read and checked before anything is created: a file that cannot be
// read or parsed is a usage error.
admin::seed_document read_seed(const std::string& path) {
    try {
        return http::wire::admin_json::read_seed_file(path);
    } catch (const std::runtime_error& e) {
        throw config::config_error(e.what());
    }
}

// Applies `seed` (read from `path`) to `sandbox` now, printing what it did.
admin::seed_outcome apply_seed(service::sandbox& sandbox, const admin::seed_document& seed, const std::string& path) {
    try {
        auto outcome = sandbox.seed_now(seed);
        std::cout << http::wire::admin_json::describe(outcome);
        return outcome;
    } catch (const std::exception& e) {
        throw std::runtime_error("seed file " + path + ": " + e.what());
    }
}

// The fault rules of the `faults` file and of the seed file's "faults" list, added to the
// world's playbook in that order; prints how many. A bad file or rule is a usage error naming
// the file, the rule and the key.
void load_fault_rules(app::assembly& parts, const config::settings& settings) {
    const std::int64_t now = parts.sandbox().clock().now();
    std::vector<std::pair<std::string, controls::fault_rule>> rules;  // with where each came from
    try {
        if (!settings.faults.empty()) {
            for (auto& rule : http::wire::admin_json::read_fault_file(settings.faults, now)) {
                rules.emplace_back("fault file " + settings.faults, std::move(rule));
            }
        }
        if (!settings.seed.empty()) {
            for (auto& rule : http::wire::admin_json::read_seed_file_faults(settings.seed, now)) {
                rules.emplace_back("seed file " + settings.seed, std::move(rule));
            }
        }
    } catch (const std::runtime_error& e) {
        throw config::config_error(e.what());
    }
    for (std::size_t i = 0; i < rules.size(); ++i) {
        auto checked = rules[i].second;
        if (const auto problem = controls::check_rule(checked)) {
            throw config::config_error(rules[i].first + ": rule " + std::to_string(i + 1) + ": " + problem->field +
                                       ": " + problem->detail);
        }
    }
    for (auto& [source, rule] : rules) parts.controls().controls().add_fault(std::move(rule));
    if (!rules.empty()) std::cout << "loaded " << rules.size() << " fault rule(s)\n";
}

// The URL of `host` (as split_listen gives it) and `port`.
std::string url_of(const char* scheme, const std::string& host, std::uint16_t port) {
    const std::string shown_host = host.find(':') != std::string::npos ? "[" + host + "]" : host;
    return std::string(scheme) + "://" + shown_host + ":" + std::to_string(port);
}

// The certificate and key of tls_listen, read once, before anything else starts; a bad file is
// a usage error.
std::optional<http::tls_credentials> load_tls(const config::settings& settings) {
    if (settings.tls_listen.empty()) return std::nullopt;
    try {
        return http::load_tls(settings.tls_cert, settings.tls_key);
    } catch (const std::runtime_error& e) {
        throw config::config_error(e.what());
    }
}

// Binds the listeners and sets the Host names the server answers for (by default completed with
// the certificate's names). Returns the base URLs served, HTTPS first. An address that cannot be
// served is a usage error in one sentence naming it and the flag that chose it.
std::vector<std::string> bind_listeners(http::server& server, const config::settings& settings,
                                        const std::optional<http::tls_credentials>& tls) {
    const auto bound = [](const char* flag, auto listen) {
        try {
            return listen();
        } catch (const http::listen_error& e) {
            throw config::config_error(e.address_in_use() ? std::string(e.what()) + "; pick another with " + flag
                                                          : std::string(e.what()) + " (" + flag + ")");
        }
    };
    std::vector<std::string> hosts = config::allowed_hosts(settings);
    std::vector<std::string> urls;
    if (tls) {
        if (settings.allowed_hosts.empty()) hosts.insert(hosts.end(), tls->names().begin(), tls->names().end());
        const auto [host, port] = config::split_listen(settings.tls_listen);
        urls.push_back(url_of("https", host, bound("--tls-listen", [&] { return server.listen_tls(host, port, *tls); })));
    }
    if (!settings.listen.empty()) {
        const auto [host, port] = config::split_listen(settings.listen);
        urls.push_back(url_of("http", host, bound("--listen", [&] { return server.listen(host, port); })));
    }
    server.allow_hosts(std::move(hosts));
    return urls;
}

int run_serve(const config::settings& settings) {
    config::check_serve(settings);
    config::check_deterministic(settings);
    const std::optional<http::tls_credentials> tls = load_tls(settings);
    // Everything that can be refused is refused before anything is made: the addresses are bound
    // and the seed file read before the database, the pepper file or an admin key exist.
    auto server = std::make_unique<http::server>(app::server_limits_of(settings), app::network_threads_of(settings));
    const std::vector<std::string> urls = bind_listeners(*server, settings, tls);
    std::optional<admin::seed_document> seed;
    if (!settings.seed.empty()) seed = read_seed(settings.seed);

    tune_malloc();
    http::log_writer log(2, app::log_style_of(settings));
    const bool existed = database_exists(settings);
    const auto store = open_store(settings);
    app::log_migrations(log, store->applied_migrations());
    const crypto::secret_hasher hasher(pepper_for(settings, *store));
    print_database(settings, existed);
    const bool generated_key = settings.admin_key.empty();
    const std::string admin_key = generated_key ? crypto::base64url(crypto::random_bytes(32)) : settings.admin_key;
    const auto worlds = open_sandbox_files(settings);
    app::assembly parts(settings, admin_key, *store, hasher, log, worlds.get());

    std::optional<admin::seed_outcome> seeded;
    if (seed) seeded = apply_seed(parts.sandbox(), *seed, settings.seed);
    load_fault_rules(parts, settings);
    if (generated_key) std::cout << "admin key (generated for this run): " << admin_key << "\n";

    if (!settings.deterministic_seed.empty()) {
        server->seed_correlation_ids(app::seed_number(settings.deterministic_seed, "correlation ids"));
        std::cout << "deterministic run: secrets, ids and fault draws follow the seed; the sandbox clock "
                     "stands at 2026-01-01T00:00:00Z plus its offset (never use this for anything real)\n";
    }
    server->serve(parts.endpoints());
    parts.watch(*server);
    server->every(settings.cleanup_interval_s, [&parts] { parts.sandbox().remove_expired(); });

    const std::string& base_url = urls.back();  // plain HTTP when served
    if (seeded) {
        for (const auto& saved : seeded->apps) {
            std::cout << "authorize URL for \"" << saved.app.name << "\": " << authorize_url(base_url, saved.app) << "\n";
        }
    }
    if (!settings.gateway_upstream.empty()) {
        std::cout << "API calls outside hsoauth's routes: checked, then forwarded to " << settings.gateway_upstream << "\n";
    }
    for (const auto& url : urls) std::cout << "listening on " << url << "\n";
    std::cout.flush();
    app::log_started(log, settings, urls);
    server->run();
    server.reset();  // its connections reach `parts`: gone before them
    const auto stats = store->statistics();
    app::log_stopped(log, stats);
    std::cout << "hsoauth stopped (" << stats.committed_jobs << " writes in " << stats.commits << " commits, "
              << stats.flushes << " WAL flushes)" << std::endl;
    return 0;
}

int run_migrate(const config::settings& settings) {
    const bool existed = database_exists(settings);
    ensure_parent_directory(settings.db);
    const auto applied = storage::sqlite::migrate_file(settings.db);
    print_database(settings, existed);
    for (const auto& m : applied) std::cout << "migration " << m.version << " (" << m.name << "): " << m.why << "\n";
    std::cout << "applied " << applied.size() << " migration(s); schema version "
              << storage::sqlite::embedded_migrations().back().version << "\n";
    return 0;
}

int run_seed(const config::settings& settings, const std::string& file) {
    const auto seed = read_seed(file);
    const bool existed = database_exists(settings);
    http::log_writer log;
    const auto store = open_store(settings);
    const crypto::secret_hasher hasher(pepper_for(settings, *store));
    app::assembly parts(settings, settings.admin_key, *store, hasher, log);
    print_database(settings, existed);
    apply_seed(parts.sandbox(), seed, file);
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    const std::vector<std::string> args(argv + 1, argv + argc);
    if (!args.empty() && args[0] == "admin") return cli::run_admin({args.begin() + 1, args.end()}, environ);
    try {
        const app::command_line line = app::parse_command_line(args);
        if (line.version) {
            std::cout << "hsoauth " HSOAUTH_VERSION "\n";
            return 0;
        }
        if (!line.command || line.help) {
            std::cout << (line.command ? app::usage_of(*line.command) : app::general_usage());
            return line.help ? 0 : exit_usage;
        }
        const std::string_view command = line.command->name;
        const config::settings settings = config::load(line.flags, environ);
        if (command == "serve") return run_serve(settings);
        if (command == "migrate") return run_migrate(settings);
        if (command == "seed") return run_seed(settings, line.arguments.at(0));
        std::cerr << "hsoauth: the command '" << command << "' is listed but not wired in main.cpp\n";
        return 1;
    } catch (const config::config_error& e) {
        std::cerr << "hsoauth: " << e.what() << "\n";
        return exit_usage;
    } catch (const std::exception& e) {
        std::cerr << "hsoauth: " << e.what() << "\n";
        return 1;
    }
}
