#include "hsoauth/config/config.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstring>
#include <fstream>
#include <sstream>
#include <variant>

#include "hsoauth/util/json_syntax.hpp"

namespace hsoauth::config {
namespace {

using member = std::variant<std::string settings::*, std::int64_t settings::*, bool settings::*>;

struct key_spec {
    const char* name;
    member field;
    const char* description;
    bool env_only = false;
};

const std::vector<key_spec>& specs() {
    static const std::vector<key_spec> all = {
        {"listen", &settings::listen, "address to serve on, HOST:PORT (port 0 picks a free one; the bound address is printed)"},
        {"tls_listen", &settings::tls_listen, "HTTPS address, HOST:PORT; empty: no HTTPS"},
        {"tls_cert", &settings::tls_cert, "HTTPS certificate chain file (PEM)"},
        {"tls_key", &settings::tls_key, "HTTPS private key file (PEM), read once at start"},
        {"tls_handshake_timeout_ms", &settings::tls_handshake_timeout_ms, "time allowed for a TLS handshake (ms)"},
        {"allowed_hosts", &settings::allowed_hosts, "Host names served, comma-separated (*: any); empty: the listen hosts, localhost, 127.0.0.1, [::1] and the certificate's names"},
        {"db", &settings::db, "SQLite database file, created when missing"},
        {"seed", &settings::seed, "seed file (JSON) loaded at start"},
        {"admin_key", &settings::admin_key, "bearer key of `/admin/v1`; empty: a random one is generated and printed; at least 16 bytes (`demo-admin-key` only on loopback addresses)"},
        {"synchronous", &settings::synchronous, "SQLite `synchronous`: OFF, NORMAL, FULL or EXTRA"},
        {"pepper_file", &settings::pepper_file, "HMAC key file for stored digests, created with mode 0600 on first start; empty: `<db>.pepper`"},
        {"pepper", &settings::pepper, "the HMAC key itself, environment only (`HSOAUTH_PEPPER`, at least 32 bytes)", true},
        {"max_page_count", &settings::max_page_count, "database size cap in 4 KiB pages; 0: none"},
        {"threads", &settings::threads, "network threads; 0: one per core, less one for the writer (at least one)"},
        {"access_token_ttl", &settings::access_token_ttl, "access token lifetime (s) for apps that set none"},
        {"code_ttl", &settings::code_ttl, "authorization code lifetime (s); also the consent form's lifetime"},
        {"revoke_cascades", &settings::revoke_cascades, "revoking a refresh token also revokes its access tokens; `false` is HubSpot's documented behaviour"},
        {"log_requests", &settings::log_requests, "one stderr line per request"},
        {"log_format", &settings::log_format, "`text` (one line per request or event) or `json` (one JSON object per line)"},
        {"log_level", &settings::log_level, "least level logged: `debug`, `info` (requests, start and stop), `warn` (storage trouble) or `error`"},
        {"metrics_access", &settings::metrics_access, "who may read `GET /metrics`: `auto` (anyone when every listen address is loopback, else the admin key), `open`, `admin_key` or `off`"},
        {"max_body_bytes", &settings::max_body_bytes, "larger bodies get 413"},
        {"max_header_bytes", &settings::max_header_bytes, "larger header blocks get 431"},
        {"max_connections", &settings::max_connections, "open connections; further ones are closed at once"},
        {"max_requests_per_connection", &settings::max_requests_per_connection, "requests served on one connection, then it is closed (`Connection: close`)"},
        {"header_timeout_ms", &settings::header_timeout_ms, "time allowed for a whole header block (ms)"},
        {"body_timeout_ms", &settings::body_timeout_ms, "time allowed for a body (ms)"},
        {"idle_timeout_ms", &settings::idle_timeout_ms, "keep-alive idle time between requests (ms)"},
        {"write_timeout_ms", &settings::write_timeout_ms, "time allowed to send a response (ms)"},
        {"drain_timeout_ms", &settings::drain_timeout_ms, "on SIGTERM, the longest wait for requests in flight (ms)"},
        {"auth_failure_limit", &settings::auth_failure_limit, "failed client authentications per `client_id` within the window before 429"},
        {"auth_failure_window_s", &settings::auth_failure_window_s, "that window (s)"},
        {"cleanup_interval_s", &settings::cleanup_interval_s, "how often expired access tokens (a day after expiry) and codes (code_ttl after expiry) are deleted (s)"},
        {"decline_redirects", &settings::decline_redirects, "consent Cancel redirects with `error=access_denied&state=…` instead of HubSpot's page"},
        {"auto_approve_user_id", &settings::auto_approve_user_id, "with `auto_approve_hub_id`: authorize URLs skip the consent page, signed in as this user"},
        {"auto_approve_hub_id", &settings::auto_approve_hub_id, "the hub auto-approve connects"},
        {"faults", &settings::faults, "fault playbook file (JSON rules, [docs/controls.md](docs/controls.md)) loaded at start"},
        {"journal", &settings::journal, "record every operation in the event journal (`GET /admin/v1/events`, the integration report)"},
        {"journal_max_events", &settings::journal_max_events, "events the journal keeps at most, oldest dropped first"},
        {"journal_max_age_s", &settings::journal_max_age_s, "events are dropped once older than this (s, real time)"},
        {"journal_max_followers", &settings::journal_max_followers, "open `GET /admin/v1/events?follow=true` streams at most"},
        {"deterministic_seed", &settings::deterministic_seed, "reproducible runs: tokens, codes, ids and fault draws from this seed, the clock from 2026-01-01; loopback only, never in production"},
        {"sandbox_dir", &settings::sandbox_dir, "directory of the sandboxes' database files and snapshots; empty: `<db>.sandboxes`"},
        {"max_sandboxes", &settings::max_sandboxes, "sandboxes at once (`POST /admin/v1/sandboxes` answers 429 beyond); 0: sandboxes off"},
        {"sandbox_max_page_count", &settings::sandbox_max_page_count, "each sandbox's size cap in 4 KiB pages (writes beyond get 503); storage faults cannot lift it"},
        {"sandbox_ttl_s", &settings::sandbox_ttl_s, "a sandbox idle this long (server clock) is deleted, unless it was created with its own `ttl_seconds`; 0: never"},
        {"sandbox_idle_close_s", &settings::sandbox_idle_close_s, "an idle sandbox's database is closed after this many seconds (it reopens on its next request)"},
        {"max_open_sandboxes", &settings::max_open_sandboxes, "sandbox databases open at once; the least recently used are closed beyond"},
        {"gateway_upstream", &settings::gateway_upstream, "`http://HOST:PORT` of the API mock behind the gateway: calls outside hsoauth's own routes are checked, then forwarded there; empty: they get 404 (docs/gateway.md)"},
        {"gateway_timeout_ms", &settings::gateway_timeout_ms, "time the upstream has to accept a forwarded call and answer it (ms), then 504"},
        {"gateway_rate_limit", &settings::gateway_rate_limit, "API calls per app and hub in any 10 s (HubSpot's 110), for apps that set no `rate_limit`"},
        {"gateway_spec_files", &settings::gateway_spec_files, "OpenAPI JSON files, comma-separated, whose operations' `security` scopes add to or override HubSpot's table"},
        {"gateway_unknown_operations", &settings::gateway_unknown_operations, "an API call no table knows: `allow` (any valid token) or `404`"},
        {"gateway_max_response_bytes", &settings::gateway_max_response_bytes, "largest upstream answer relayed; a larger one gets 502"},
    };
    return all;
}

std::string default_text(const key_spec& spec) {
    const settings defaults;
    return std::visit(
        [&](auto field) -> std::string {
            const auto& value = defaults.*field;
            using T = std::decay_t<decltype(value)>;
            if constexpr (std::is_same_v<T, std::string>) {
                return value.empty() ? "\"\"" : value;
            } else if constexpr (std::is_same_v<T, bool>) {
                return value ? "true" : "false";
            } else {
                return std::to_string(value);
            }
        },
        spec.field);
}

// Assigns a textual value (from a flag or the environment) to a key.
void assign_text(settings& s, const key_spec& spec, const std::string& text, const std::string& source) {
    std::visit(
        [&](auto field) {
            auto& target = s.*field;
            using T = std::decay_t<decltype(target)>;
            if constexpr (std::is_same_v<T, std::string>) {
                target = text;
            } else if constexpr (std::is_same_v<T, bool>) {
                if (text == "true" || text == "1") {
                    target = true;
                } else if (text == "false" || text == "0") {
                    target = false;
                } else {
                    throw config_error(source + ": expected true or false, got '" + text + "'");
                }
            } else {
                std::int64_t value = 0;
                const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
                if (ec != std::errc() || end != text.data() + text.size() || value < 0) {
                    throw config_error(source + ": expected a non-negative integer, got '" + text + "'");
                }
                target = value;
            }
        },
        spec.field);
}

void assign_json(settings& s, const key_spec& spec, const nlohmann::json& value, const std::string& source) {
    std::visit(
        [&](auto field) {
            auto& target = s.*field;
            using T = std::decay_t<decltype(target)>;
            if constexpr (std::is_same_v<T, std::string>) {
                if (!value.is_string()) throw config_error(source + ": expected a string");
                target = value.get<std::string>();
            } else if constexpr (std::is_same_v<T, bool>) {
                if (!value.is_boolean()) throw config_error(source + ": expected true or false");
                target = value.get<bool>();
            } else {
                if (!value.is_number_integer() || value.get<std::int64_t>() < 0) {
                    throw config_error(source + ": expected a non-negative integer");
                }
                target = value.get<std::int64_t>();
            }
        },
        spec.field);
}

const key_spec* find_spec(const std::string& name) {
    for (const auto& spec : specs()) {
        if (name == spec.name) return &spec;
    }
    return nullptr;
}

std::string upper(std::string text) {
    for (auto& c : text) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return text;
}

void load_file(settings& s, const std::string& path) {
    std::ifstream in(path);
    if (!in) throw config_error("cannot read config file " + path);
    std::stringstream buffer;
    buffer << in.rdbuf();
    const std::string text = buffer.str();
    const auto doc = nlohmann::json::parse(text, nullptr, false);
    if (doc.is_discarded()) {
        throw config_error("config file " + path + " is not valid JSON: " + util::json_syntax_error(text));
    }
    if (!doc.is_object()) throw config_error("config file " + path + " is not a JSON object");
    for (const auto& [key, value] : doc.items()) {
        if (key.rfind("_", 0) == 0) continue;  // "_comment" and friends
        const key_spec* spec = find_spec(key);
        if (!spec || spec->env_only) throw config_error("config file " + path + ": unknown key '" + key + "'");
        if (value.is_null()) continue;
        assign_json(s, *spec, value, "config file " + path + ", key '" + key + "'");
    }
}

void validate_gateway(const settings& s) {
    if (!s.gateway_upstream.empty()) split_upstream(s.gateway_upstream);
    if (s.gateway_timeout_ms < 1) throw config_error("gateway_timeout_ms must be at least 1");
    if (s.gateway_rate_limit < 1 || s.gateway_rate_limit > 1000000) {
        throw config_error("gateway_rate_limit must be from 1 to 1000000");
    }
    if (s.gateway_unknown_operations != "allow" && s.gateway_unknown_operations != "404") {
        throw config_error("gateway_unknown_operations must be allow or 404");
    }
    if (s.gateway_max_response_bytes < 1024) throw config_error("gateway_max_response_bytes must be at least 1024");
}

void validate(const settings& s) {
    if (!s.listen.empty()) split_listen(s.listen);
    if (!s.tls_listen.empty()) split_listen(s.tls_listen);
    if (s.listen.empty() && s.tls_listen.empty()) throw config_error("listen and tls_listen are both empty: nothing to serve");
    if (s.tls_cert.empty() != s.tls_key.empty()) throw config_error("tls_cert and tls_key go together");
    if (!s.tls_listen.empty() && s.tls_cert.empty()) {
        throw config_error("tls_listen needs tls_cert and tls_key (scripts/dev-cert.sh makes a pair)");
    }
    if (s.tls_listen.empty() && !s.tls_cert.empty()) {
        throw config_error("tls_cert and tls_key are set but tls_listen is empty: set tls_listen, e.g. 127.0.0.1:8443");
    }
    if (s.tls_handshake_timeout_ms < 1) throw config_error("tls_handshake_timeout_ms must be at least 1");
    if (s.db.empty()) throw config_error("db must not be empty");
    if (s.synchronous != "OFF" && s.synchronous != "NORMAL" && s.synchronous != "FULL" &&
        s.synchronous != "EXTRA") {
        throw config_error("synchronous must be OFF, NORMAL, FULL or EXTRA");
    }
    if (s.access_token_ttl < 1 || s.code_ttl < 1) throw config_error("ttls must be at least 1 second");
    if (s.max_body_bytes < 1024 || s.max_header_bytes < 1024) {
        throw config_error("max_body_bytes and max_header_bytes must be at least 1024");
    }
    if (!s.pepper.empty() && s.pepper.size() < 32) throw config_error("HSOAUTH_PEPPER must have at least 32 bytes");
    if (s.max_sandboxes < 0 || s.sandbox_max_page_count < 0 || s.sandbox_ttl_s < 0) {
        throw config_error("max_sandboxes, sandbox_max_page_count and sandbox_ttl_s must not be negative");
    }
    if (s.sandbox_idle_close_s < 1 || s.max_open_sandboxes < 1) {
        throw config_error("sandbox_idle_close_s and max_open_sandboxes must be at least 1");
    }
    if (s.log_format != "text" && s.log_format != "json") throw config_error("log_format must be text or json");
    if (s.log_level != "debug" && s.log_level != "info" && s.log_level != "warn" && s.log_level != "error") {
        throw config_error("log_level must be debug, info, warn or error");
    }
    if (s.metrics_access != "auto" && s.metrics_access != "open" && s.metrics_access != "admin_key" &&
        s.metrics_access != "off") {
        throw config_error("metrics_access must be auto, open, admin_key or off");
    }
    if ((s.auto_approve_user_id == 0) != (s.auto_approve_hub_id == 0)) {
        throw config_error("auto_approve_user_id and auto_approve_hub_id go together");
    }
    if (s.journal_max_events < 1 || s.journal_max_events > 10000000) {
        throw config_error("journal_max_events must be 1 to 10000000");
    }
    if (s.journal_max_age_s < 1) throw config_error("journal_max_age_s must be at least 1");
    if (s.journal_max_followers > 1000) throw config_error("journal_max_followers must be at most 1000");
    validate_gateway(s);
}

}  // namespace

const std::vector<key_info>& keys() {
    static const std::vector<key_info> all = [] {
        std::vector<key_info> out;
        for (const auto& spec : specs()) out.push_back({spec.name, default_text(spec), spec.description});
        return out;
    }();
    return all;
}

std::string markdown_table() {
    std::string out = "| key | default | meaning |\n|---|---|---|\n";
    for (const auto& key : keys()) {
        const bool none = key.default_value == "\"\"";
        out += "| `" + key.name + "` | " + (none ? std::string("(none)") : "`" + key.default_value + "`") + " | " +
               key.description + " |\n";
    }
    return out;
}

std::pair<std::string, std::uint16_t> split_listen(const std::string& listen) {
    const auto colon = listen.rfind(':');
    if (colon == std::string::npos || colon == 0) {
        throw config_error("listen must be HOST:PORT, got '" + listen + "'");
    }
    unsigned port = 0;
    const std::string port_text = listen.substr(colon + 1);
    const auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
    if (ec != std::errc() || end != port_text.data() + port_text.size() || port > 65535) {
        throw config_error("listen must be HOST:PORT, got '" + listen + "'");
    }
    std::string host = listen.substr(0, colon);
    if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
        host = host.substr(1, host.size() - 2);
    } else if (host.find(':') != std::string::npos) {
        throw config_error("listen: write an IPv6 address in brackets, [::1]:PORT, got '" + listen + "'");
    }
    return {host, static_cast<std::uint16_t>(port)};
}

std::pair<std::string, std::uint16_t> split_upstream(const std::string& url) {
    constexpr std::string_view scheme = "http://";
    std::string rest = url;
    if (rest.rfind(scheme, 0) != 0) {
        throw config_error("gateway_upstream must be http://HOST:PORT (plain HTTP), got '" + url + "'");
    }
    rest.erase(0, scheme.size());
    if (!rest.empty() && rest.back() == '/') rest.pop_back();
    if (rest.find('/') != std::string::npos || rest.find('@') != std::string::npos || rest.rfind(':') == std::string::npos) {
        throw config_error("gateway_upstream must be http://HOST:PORT, without a path, got '" + url + "'");
    }
    try {
        auto split = split_listen(rest);
        if (split.second == 0) throw config_error("port 0");
        return split;
    } catch (const config_error&) {
        throw config_error("gateway_upstream must be http://HOST:PORT, got '" + url + "'");
    }
}

std::vector<std::string> split_list(const std::string& text) {
    std::vector<std::string> items;
    std::size_t start = 0;
    while (start <= text.size()) {
        const auto comma = std::min(text.find(',', start), text.size());
        std::string item = text.substr(start, comma - start);
        item.erase(0, item.find_first_not_of(" \t"));
        item.erase(item.find_last_not_of(" \t") + 1);
        if (!item.empty()) items.push_back(std::move(item));
        start = comma + 1;
    }
    return items;
}

namespace {

// A Host field's form of a listen host: IPv6 addresses in brackets, lower-case.
std::string host_field_form(std::string host) {
    for (auto& c : host) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return host.find(':') != std::string::npos ? "[" + host + "]" : host;
}

bool is_loopback(const std::string& host) {
    return host == "localhost" || host == "::1" || host.rfind("127.", 0) == 0;
}

}  // namespace

std::vector<std::string> allowed_hosts(const settings& s) {
    std::vector<std::string> hosts;
    const auto add = [&hosts](std::string host) {
        if (!host.empty() && std::find(hosts.begin(), hosts.end(), host) == hosts.end()) hosts.push_back(std::move(host));
    };
    if (!s.allowed_hosts.empty()) {
        std::size_t start = 0;
        while (start <= s.allowed_hosts.size()) {
            const auto comma = std::min(s.allowed_hosts.find(',', start), s.allowed_hosts.size());
            std::string name = s.allowed_hosts.substr(start, comma - start);
            name.erase(0, name.find_first_not_of(" \t"));
            name.erase(name.find_last_not_of(" \t") + 1);
            for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
            add(std::move(name));
            start = comma + 1;
        }
        if (std::find(hosts.begin(), hosts.end(), "*") != hosts.end()) return {"*"};
        return hosts;
    }
    for (const auto* listen : {&s.listen, &s.tls_listen}) {
        if (!listen->empty()) add(host_field_form(split_listen(*listen).first));
    }
    for (const char* host : {"localhost", "127.0.0.1", "[::1]"}) add(host);
    return hosts;
}

bool serves_loopback_only(const settings& s) {
    for (const auto* listen : {&s.listen, &s.tls_listen}) {
        if (!listen->empty() && !is_loopback(split_listen(*listen).first)) return false;
    }
    return true;
}

void check_serve(const settings& s) {
    if (s.admin_key.empty() || s.admin_key.size() >= 16) return;
    bool loopback = true;
    for (const auto* listen : {&s.listen, &s.tls_listen}) {
        if (!listen->empty() && !is_loopback(split_listen(*listen).first)) loopback = false;
    }
    if (s.admin_key == "demo-admin-key" && loopback) return;
    throw config_error(s.admin_key == "demo-admin-key"
                           ? "the demo admin key serves loopback addresses only: set an admin_key of at least 16 bytes"
                           : "admin_key must be at least 16 bytes long");
}

void check_deterministic(const settings& s) {
    if (s.deterministic_seed.empty()) return;
    for (const auto* listen : {&s.listen, &s.tls_listen}) {
        if (!listen->empty() && !is_loopback(split_listen(*listen).first)) {
            throw config_error("deterministic_seed makes every token predictable: it serves loopback addresses only (" +
                               *listen + " is not one)");
        }
    }
}

settings load(const std::vector<std::string>& flags, char** environment) {
    // Flags first into a list, so --config is known before the file is read.
    std::vector<std::pair<const key_spec*, std::string>> flag_values;
    std::string config_path;
    for (std::size_t i = 0; i < flags.size(); ++i) {
        const std::string& flag = flags[i];
        if (flag.rfind("--", 0) != 0) throw config_error("unexpected argument '" + flag + "'");
        std::string name = flag.substr(2);
        std::string value;
        const auto eq = name.find('=');
        if (eq != std::string::npos) {
            value = name.substr(eq + 1);
            name = name.substr(0, eq);
        } else {
            if (i + 1 >= flags.size()) throw config_error("flag " + flag + " needs a value");
            value = flags[++i];
        }
        for (auto& c : name) {
            if (c == '-') c = '_';
        }
        if (name == "config") {
            config_path = value;
            continue;
        }
        const key_spec* spec = find_spec(name);
        if (!spec || spec->env_only) throw config_error("unknown flag " + flag.substr(0, flag.find('=')));
        flag_values.emplace_back(spec, value);
    }
    std::vector<std::pair<std::string, std::string>> env;
    for (char** e = environment; e && *e; ++e) {
        const std::string entry(*e);
        if (entry.rfind("HSOAUTH_", 0) != 0) continue;
        const auto eq = entry.find('=');
        if (eq == std::string::npos) continue;
        env.emplace_back(entry.substr(8, eq - 8), entry.substr(eq + 1));
    }
    if (config_path.empty()) {
        for (const auto& [name, value] : env) {
            if (name == "CONFIG") config_path = value;
        }
    }

    settings s;
    if (!config_path.empty()) load_file(s, config_path);
    for (const auto& [name, value] : env) {
        if (name == "CONFIG") continue;
        const key_spec* spec = nullptr;
        for (const auto& candidate : specs()) {
            if (upper(candidate.name) == name) spec = &candidate;
        }
        if (!spec) continue;  // other tools share the HSOAUTH_ prefix (scripts, tests)
        assign_text(s, *spec, value, "HSOAUTH_" + name);
    }
    for (const auto& [spec, value] : flag_values) {
        assign_text(s, *spec, value, std::string("--") + spec->name);
    }
    validate(s);
    return s;
}

}  // namespace hsoauth::config
