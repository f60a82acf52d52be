// hsoauth: wiring only. Parses the command line, builds the parts, and runs the chosen command.
#include <malloc.h>
#include <sys/stat.h>

#include <cstdio>
#include <filesystem>
#include <iostream>
#include <optional>
#include <thread>
#include <string>
#include <vector>

#include "hsoauth/admin/registry.hpp"
#include "hsoauth/admin/seed_file.hpp"
#include "hsoauth/clock/clock.hpp"
#include "hsoauth/config/config.hpp"
#include "hsoauth/crypto/digest.hpp"
#include "hsoauth/crypto/pepper.hpp"
#include "hsoauth/crypto/random.hpp"
#include "hsoauth/http/auth_throttle.hpp"
#include "hsoauth/http/consent_forms.hpp"
#include "hsoauth/http/form.hpp"
#include "hsoauth/http/server.hpp"
#include "hsoauth/http/services.hpp"
#include "hsoauth/oauth/authority.hpp"
#include "hsoauth/storage/database.hpp"
#include "hsoauth/storage/migrations.hpp"
#include "hsoauth/storage/scope_text.hpp"
#include "hsoauth/storage/sqlite.hpp"

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

void print_help() {
    std::cout << "hsoauth " HSOAUTH_VERSION " - a local HubSpot OAuth token authority\n\n"
                 "usage:\n"
                 "  hsoauth serve [--config FILE] [--listen HOST:PORT] [--db PATH] [--seed FILE] [--admin-key KEY] [--KEY VALUE ...]\n"
                 "  hsoauth migrate --db PATH\n"
                 "  hsoauth seed --db PATH FILE\n"
                 "  hsoauth --help | --version\n\n"
                 "configuration keys (flag --key-with-dashes, environment HSOAUTH_KEY, or config file key):\n";
    for (const auto& key : config::keys()) {
        std::printf("  %-28s %-16s %s\n", key.name.c_str(), key.default_value.c_str(), key.description.c_str());
    }
}

void ensure_parent_directory(const std::string& path) {
    const auto parent = std::filesystem::path(path).parent_path();
    if (!parent.empty()) std::filesystem::create_directories(parent);
}

// The pepper of `db`. A database that already holds apps never gets a fresh pepper silently:
// every stored secret and token would stop matching.
std::string pepper_for(const config::settings& s, storage::database& db) {
    if (!s.pepper.empty()) return s.pepper;
    const std::string path = s.pepper_file.empty() ? s.db + ".pepper" : s.pepper_file;
    if (!std::filesystem::exists(path) &&
        !db.read([](storage::repository& repo) { return repo.list_apps().empty(); })) {
        throw std::runtime_error("pepper file " + path +
                                 " is missing but the database holds apps: restore the file or set HSOAUTH_PEPPER");
    }
    return crypto::load_or_create_pepper(path);
}

storage::database open_database(const config::settings& s) {
    ensure_parent_directory(s.db);
    storage::database_options options;
    options.path = s.db;
    options.synchronous = s.synchronous;
    options.max_page_count = s.max_page_count;
    return storage::database(options);
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
// the certificate's names). Returns the base URLs served, HTTPS first.
std::vector<std::string> bind_listeners(http::server& server, const config::settings& settings,
                                        const std::optional<http::tls_credentials>& tls) {
    std::vector<std::string> hosts = config::allowed_hosts(settings);
    std::vector<std::string> urls;
    if (tls) {
        if (settings.allowed_hosts.empty()) hosts.insert(hosts.end(), tls->names().begin(), tls->names().end());
        const auto [host, port] = config::split_listen(settings.tls_listen);
        urls.push_back(url_of("https", host, server.listen_tls(host, port, *tls)));
    }
    if (!settings.listen.empty()) {
        const auto [host, port] = config::split_listen(settings.listen);
        urls.push_back(url_of("http", host, server.listen(host, port)));
    }
    server.allow_hosts(std::move(hosts));
    return urls;
}

int run_serve(const config::settings& settings) {
    config::check_serve(settings);
    const std::optional<http::tls_credentials> tls = load_tls(settings);
    tune_malloc();
    storage::database db = open_database(settings);
    const crypto::secret_hasher hasher(pepper_for(settings, db));
    sandbox_clock clock(db.read([](storage::repository& repo) {
        return repo.get_state(storage::clock_offset_key).value_or(0);
    }));
    const oauth::authority authority(clock, hasher, {settings.code_ttl, settings.revoke_cascades});
    const admin::registry registry(hasher, settings.access_token_ttl);
    http::auth_throttle throttle(settings.auth_failure_limit, settings.auth_failure_window_s);

    std::optional<admin::seed_outcome> seeded;
    if (!settings.seed.empty()) {
        const auto seed = admin::read_seed_file(settings.seed);
        seeded = db.write_and_wait([&](storage::repository& repo) {
            auto r = registry.apply_seed(repo, seed);
            if (!r) throw std::runtime_error("seed file " + settings.seed + ": " + r.err().message);
            return std::move(*r);
        });
        std::cout << admin::describe(*seeded);
    }

    std::string admin_key = settings.admin_key;
    if (admin_key.empty()) {
        admin_key = crypto::base64url(crypto::random_bytes(32));
        std::cout << "admin key (generated for this run): " << admin_key << "\n";
    }

    http::consent_forms consent(settings.code_ttl, 10000);
    http::auto_approve auto_approval;
    if (settings.auto_approve_user_id != 0) {
        auto_approval.set(http::auto_approve::target{settings.auto_approve_user_id, settings.auto_approve_hub_id});
    }
    http::services services{db,       clock,      hasher,  authority,    registry,
                            settings, admin_key,  throttle, consent, auto_approval};
    http::server_limits limits;
    limits.max_body_bytes = static_cast<std::size_t>(settings.max_body_bytes);
    limits.max_header_bytes = static_cast<std::size_t>(settings.max_header_bytes);
    limits.max_connections = static_cast<std::size_t>(settings.max_connections);
    limits.max_requests_per_connection = static_cast<std::size_t>(settings.max_requests_per_connection);
    limits.header_timeout_ms = settings.header_timeout_ms;
    limits.body_timeout_ms = settings.body_timeout_ms;
    limits.idle_timeout_ms = settings.idle_timeout_ms;
    limits.write_timeout_ms = settings.write_timeout_ms;
    limits.tls_handshake_timeout_ms = settings.tls_handshake_timeout_ms;
    limits.log_requests = settings.log_requests;
    // By default one network thread per core but one: the writer thread needs a core of its own
    // under write load, and on two cores a second network thread costs more in switches than it
    // gains (bench.sh: S1 30 us of CPU per request with one, 41 with two).
    const std::size_t threads =
        settings.threads > 0 ? static_cast<std::size_t>(settings.threads)
                             : std::max(1u, std::thread::hardware_concurrency() - 1);
    http::server server(services, limits, threads);
    const std::vector<std::string> urls = bind_listeners(server, settings, tls);

    // Expired access tokens and codes are deleted in the background so the database stays
    // bounded; a day's grace keeps recently expired ones answering "expired" rather than "unknown".
    server.every(settings.cleanup_interval_s, [&db, &clock] {
        db.submit(storage::database::write_job{
            [now = clock.now()](storage::repository& repo) { repo.delete_expired(now - 86400, 5000); },
            nullptr});
    });

    const std::string& base_url = urls.back();  // plain HTTP when served
    if (seeded) {
        for (const auto& saved : seeded->apps) {
            std::cout << "authorize URL for \"" << saved.app.name << "\": "
                      << authorize_url(base_url, saved.app) << "\n";
        }
    }
    for (const auto& url : urls) std::cout << "listening on " << url << "\n";
    std::cout.flush();
    server.run();
    std::cout << "hsoauth stopped (" << db.committed_jobs() << " writes in " << db.commits()
              << " commits, " << db.flushes() << " WAL flushes)" << std::endl;
    return 0;
}

int run_migrate(const config::settings& settings) {
    ensure_parent_directory(settings.db);
    storage::connection conn(settings.db, /*create=*/true);
    const int applied = storage::migrate(conn);
    std::cout << "applied " << applied << " migration(s); schema version "
              << storage::embedded_migrations().back().version << "\n";
    return 0;
}

int run_seed(const config::settings& settings, const std::string& file) {
    const auto seed = admin::read_seed_file(file);
    storage::database db = open_database(settings);
    const crypto::secret_hasher hasher(pepper_for(settings, db));
    const admin::registry registry(hasher, settings.access_token_ttl);
    const auto outcome = db.write_and_wait([&](storage::repository& repo) {
        auto r = registry.apply_seed(repo, seed);
        if (!r) throw std::runtime_error("seed file " + file + ": " + r.err().message);
        return std::move(*r);
    });
    std::cout << admin::describe(outcome);
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    std::vector<std::string> args(argv + 1, argv + argc);
    if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
        print_help();
        return args.empty() ? exit_usage : 0;
    }
    if (args[0] == "--version") {
        std::cout << "hsoauth " HSOAUTH_VERSION "\n";
        return 0;
    }
    const std::string command = args[0];
    std::vector<std::string> rest(args.begin() + 1, args.end());
    try {
        std::string seed_file;
        if (command == "seed") {
            // The last argument that is not a flag value is the seed file.
            if (rest.empty() || rest.back().rfind("--", 0) == 0) {
                throw config::config_error("seed needs a FILE: hsoauth seed --db PATH FILE");
            }
            seed_file = rest.back();
            rest.pop_back();
        }
        const config::settings settings = config::load(rest, environ);
        if (command == "serve") return run_serve(settings);
        if (command == "migrate") return run_migrate(settings);
        if (command == "seed") return run_seed(settings, seed_file);
        std::cerr << "hsoauth: unknown command '" << command << "' (try hsoauth --help)\n";
        return exit_usage;
    } catch (const config::config_error& e) {
        std::cerr << "hsoauth: " << e.what() << "\n";
        return exit_usage;
    } catch (const std::exception& e) {
        std::cerr << "hsoauth: " << e.what() << "\n";
        return 1;
    }
}
