#include "hsoauth/app/assembly.hpp"

#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "hsoauth/app/process_metrics.hpp"
#include "hsoauth/crypto/digest.hpp"
#include "hsoauth/crypto/random.hpp"
#include "hsoauth/http/hosted_sandbox.hpp"
#include "hsoauth/http/router.hpp"
#include "hsoauth/http/wire/ops/ops_views.hpp"

namespace hsoauth::app {

service::sandbox_settings sandbox_settings_of(const config::settings& s, std::string admin_key) {
    service::sandbox_settings out;
    out.admin_key = std::move(admin_key);
    out.code_ttl = s.code_ttl;
    out.revoke_cascades = s.revoke_cascades;
    out.access_token_ttl = s.access_token_ttl;
    out.auth_failure_limit = s.auth_failure_limit;
    out.auth_failure_window_s = s.auth_failure_window_s;
    out.decline_redirects = s.decline_redirects;
    if (s.auto_approve_user_id != 0) {
        out.auto_approval =
            service::auto_approve::target{s.auto_approve_user_id, s.auto_approve_hub_id};
    }
    if (!s.deterministic_seed.empty()) {
        out.random = std::shared_ptr<crypto::random_source>(
            crypto::seeded_random("secrets:" + s.deterministic_seed));
        out.fixed_epoch = config::deterministic_epoch;
    }
    out.gateway = gateway_settings_of(s);
    return out;
}

namespace {

// The controls' settings with the server's fired-fault counters.
service::controls_settings counted(service::controls_settings s, std::shared_ptr<controls::fault_counters> fired) {
    s.fired = std::move(fired);
    return s;
}

void collect_faults_fired(const controls::fault_counters& fired, metrics::exposition& out) {
    out.family("hsoauth_faults_fired_total", "counter",
               "Fault rules that fired, by action kind and route name, every sandbox summed (kept when "
               "rules are removed).");
    for (const auto& c : fired.snapshot()) {
        out.sample("hsoauth_faults_fired_total", {{"action", controls::name_of(c.kind)}, {"route", c.route}}, c.value);
    }
}

}  // namespace

std::uint64_t seed_number(const std::string& deterministic_seed, std::string_view purpose) {
    const std::string digest = crypto::sha256(std::string(purpose) + ":" + deterministic_seed);
    std::uint64_t out = 0;
    for (std::size_t i = 0; i < 8; ++i) out = (out << 8) | static_cast<unsigned char>(digest[i]);
    return out;
}

service::controls_settings controls_settings_of(const config::settings& s) {
    service::controls_settings out;
    out.journal.enabled = s.journal;
    out.journal.max_events = static_cast<std::size_t>(s.journal_max_events);
    out.journal.max_age_s = s.journal_max_age_s;
    out.journal.max_followers = static_cast<std::size_t>(s.journal_max_followers);
    if (!s.deterministic_seed.empty()) {
        out.rule_seeds = seed_number(s.deterministic_seed, "fault rules");
    } else {
        const std::string bytes = crypto::random_bytes(8);
        for (const char c : bytes) out.rule_seeds = (out.rule_seeds << 8) | static_cast<unsigned char>(c);
    }
    return out;
}

namespace {

// HubSpot's operation table, built once per process on first use: every sandbox's gateway shares
// it (building it costs tens of milliseconds, which a sandbox's creation must not pay).
std::shared_ptr<const gateway::operation_table> shared_hubspot_operations() {
    static const auto table = std::make_shared<const gateway::operation_table>(service::gateway_operations());
    return table;
}

}  // namespace

service::gateway_settings gateway_settings_of(const config::settings& s) {
    service::gateway_settings out;
    out.rate_limit = s.gateway_rate_limit;
    out.allow_unknown_operations = s.gateway_unknown_operations != "404";
    const auto files = config::split_list(s.gateway_spec_files);
    if (files.empty()) {
        out.operations = shared_hubspot_operations();
        return out;
    }
    auto table = service::gateway_operations();
    for (const auto& file : files) {
        std::ifstream in(file);
        if (!in) throw config::config_error("gateway_spec_files: cannot read " + file);
        std::stringstream text;
        text << in.rdbuf();
        const auto document = nlohmann::json::parse(text.str(), nullptr, false);
        if (document.is_discarded()) throw config::config_error("gateway_spec_files: " + file + " is not JSON");
        try {
            table.add_openapi_document(document);
        } catch (const std::invalid_argument& e) {
            throw config::config_error("gateway_spec_files: " + file + ": " + e.what());
        }
    }
    out.operations = std::make_shared<const gateway::operation_table>(std::move(table));
    return out;
}

std::unique_ptr<http::upstream_client> upstream_of(const config::settings& s) {
    if (s.gateway_upstream.empty()) return nullptr;
    const auto [host, port] = config::split_upstream(s.gateway_upstream);
    http::upstream_options options;
    options.host = host;
    options.port = port;
    options.timeout_ms = s.gateway_timeout_ms;
    options.max_response_bytes = static_cast<std::size_t>(s.gateway_max_response_bytes);
    try {
        return std::make_unique<http::upstream_client>(options);
    } catch (const std::runtime_error& e) {
        throw config::config_error(e.what());
    }
}

http::server_limits server_limits_of(const config::settings& s) {
    http::server_limits limits;
    limits.max_body_bytes = static_cast<std::size_t>(s.max_body_bytes);
    limits.max_header_bytes = static_cast<std::size_t>(s.max_header_bytes);
    limits.max_connections = static_cast<std::size_t>(s.max_connections);
    limits.max_requests_per_connection = static_cast<std::size_t>(s.max_requests_per_connection);
    limits.header_timeout_ms = s.header_timeout_ms;
    limits.body_timeout_ms = s.body_timeout_ms;
    limits.idle_timeout_ms = s.idle_timeout_ms;
    limits.write_timeout_ms = s.write_timeout_ms;
    limits.tls_handshake_timeout_ms = s.tls_handshake_timeout_ms;
    limits.drain_timeout_ms = s.drain_timeout_ms;
    limits.log_requests = s.log_requests;
    return limits;
}

std::size_t network_threads_of(const config::settings& s) {
    // The writer thread needs a core of its own under write load, and on two cores a second
    // network thread costs more in switches than it gains (docs/performance.md).
    if (s.threads > 0) return static_cast<std::size_t>(s.threads);
    return std::max(1u, std::thread::hardware_concurrency() - 1);
}

service::sandbox_limits sandbox_limits_of(const config::settings& s) {
    service::sandbox_limits limits;
    limits.max_sandboxes = s.max_sandboxes;
    limits.default_ttl_seconds = s.sandbox_ttl_s;
    limits.idle_close_seconds = s.sandbox_idle_close_s;
    limits.max_open = static_cast<std::size_t>(s.max_open_sandboxes);
    limits.cleanup_interval_seconds = s.cleanup_interval_s;
    return limits;
}

http::log_style log_style_of(const config::settings& s) {
    http::log_style style;
    style.format = http::parse_log_format(s.log_format).value_or(http::log_format::text);
    style.min_level = http::parse_log_level(s.log_level).value_or(http::log_level::info);
    style.requests = s.log_requests;
    return style;
}

http::metrics_access metrics_access_of(const config::settings& s) {
    if (s.metrics_access == "open") return http::metrics_access::open;
    if (s.metrics_access == "admin_key") return http::metrics_access::admin_key;
    if (s.metrics_access == "off") return http::metrics_access::off;
    return config::serves_loopback_only(s) ? http::metrics_access::open : http::metrics_access::admin_key;
}

assembly::assembly(const config::settings& settings, std::string admin_key, storage::store& store,
                   const crypto::secret_hasher& hasher, http::log_writer& log,
                   storage::sandbox_storage* worlds)
    : store_(store),
      sandbox_(store, hasher, sandbox_settings_of(settings, std::move(admin_key))),
      faults_fired_(std::make_shared<controls::fault_counters>()),
      controls_(sandbox_, counted(controls_settings_of(settings), faults_fired_), labels_),
      upstream_(upstream_of(settings)),
      noting_tokens_(controls_.tokens()),
      token_metrics_(noting_tokens_, sandbox_.clock()),
      noting_admin_(controls_.admin()),
      request_metrics_(http::all_routes()),
      recorder_(log, &request_metrics_),
      operations_(metrics_, metrics_access_of(settings), http::wire::ops::openapi_document()),
      endpoints_{token_metrics_, controls_.authorization(), noting_admin_, log, &controls_.gateway(),
                 upstream_.get()} {
    endpoints_.observer = &recorder_;
    endpoints_.ops = &operations_;
    endpoints_.controls = &controls_.controls();
    endpoints_.gateway_counts = &gateway_metrics_;
    note_process_start();
    store_.observe(&store_metrics_);
    metrics_.add(collect_process_metrics);
    metrics_.add([this](metrics::exposition& out) { request_metrics_.collect(out); });
    metrics_.add([this](metrics::exposition& out) { token_metrics_.collect(out); });
    metrics_.add([this](metrics::exposition& out) { store_metrics_.collect(out, store_); });
    metrics_.add([this](metrics::exposition& out) {
        const storage::live_counts live = sandbox_.live_objects();
        out.family("hsoauth_live_objects", "gauge",
                   "What is alive on the sandbox clock: access and refresh tokens, authorization codes, installs.");
        out.sample("hsoauth_live_objects", {{"kind", "access_token"}}, static_cast<std::uint64_t>(live.access_tokens));
        out.sample("hsoauth_live_objects", {{"kind", "refresh_token"}}, static_cast<std::uint64_t>(live.refresh_tokens));
        out.sample("hsoauth_live_objects", {{"kind", "authorization_code"}},
                   static_cast<std::uint64_t>(live.authorization_codes));
        out.sample("hsoauth_live_objects", {{"kind", "install"}}, static_cast<std::uint64_t>(live.installs));
    });
    metrics_.add([this](metrics::exposition& out) { collect_faults_fired(*faults_fired_, out); });
    metrics_.add([this](metrics::exposition& out) { gateway_metrics_.collect(out); });
    if (worlds == nullptr) return;
    // A sandbox's settings are the server's, with a key nobody knows behind its own admin check
    // (hosted_sandbox) and no auto-approve: its users and hubs are its own. Its API calls go to
    // the server's upstream. Its controls are its own too (rules, journal, report), with a
    // journal of a tenth of the root's size, since up to max_open_sandboxes of them are open at
    // once. In a reproducible run each sandbox draws from its own stream of the seed (by sandbox
    // id), so that worlds do not repeat each other.
    service::sandbox_settings world_settings = sandbox_settings_of(settings, crypto::base64url(crypto::random_bytes(32)));
    world_settings.auto_approval.reset();
    service::controls_settings world_controls = counted(controls_settings_of(settings), faults_fired_);
    world_controls.journal.max_events = std::max<std::size_t>(1, world_controls.journal.max_events / 10);
    const std::string seed = settings.deterministic_seed;
    // A sandbox's rules and journal outlive its site (controls_keeper): closed while idle and
    // opened again, it finds them; removed or restored, they go.
    auto make_site = [world_settings, world_controls, seed, &hasher, &log, &labels = labels_,
                      &root_admin = sandbox_.admin(), upstream = upstream_.get(), &kept = sandbox_controls_,
                      gateway_counts = &gateway_metrics_](
                         const std::string& sandbox_id, storage::store& world_store,
                         const std::string& key_digest) -> std::unique_ptr<service::sandbox_site> {
        service::sandbox_settings own = world_settings;
        if (!seed.empty()) {
            own.random = std::shared_ptr<crypto::random_source>(
                crypto::seeded_random("secrets:" + seed + ":sandbox:" + sandbox_id));
        }
        return std::make_unique<http::hosted_sandbox>(sandbox_id, world_store, hasher, std::move(own), root_admin,
                                                      key_digest, log, upstream, world_controls, labels,
                                                      kept.of(sandbox_id, world_controls), gateway_counts);
    };
    sandboxes_ = std::make_unique<service::sandbox_registry>(
        store, *worlds, hasher, std::move(make_site), [this] { return sandbox_.clock().now(); },
        sandbox_limits_of(settings), [this](const std::string& sandbox_id) { sandbox_controls_.forget(sandbox_id); });
    front_ = std::make_unique<http::sandbox_front>(*sandboxes_, log);
    endpoints_.sandboxes = sandboxes_.get();
    endpoints_.sandbox_routes = front_.get();
}

assembly::~assembly() { store_.observe(nullptr); }

void assembly::watch(const http::server& server) {
    metrics_.add([&server](metrics::exposition& out) {
        out.family("hsoauth_http_open_connections", "gauge", "Connections open now, plain and TLS.");
        out.sample("hsoauth_http_open_connections", {}, static_cast<std::uint64_t>(server.open_connections()));
    });
}

}  // namespace hsoauth::app
