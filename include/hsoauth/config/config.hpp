#pragma once
// Server configuration. Sources, lowest to highest precedence: built-in defaults, the JSON file
// given by --config (or HSOAUTH_CONFIG), HSOAUTH_<KEY> environment variables, command-line flags
// --<key-with-dashes> VALUE. Every key is listed, with its default, by `hsoauth --help` and in
// the README.
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace hsoauth::config {

struct settings {
    std::string listen = "127.0.0.1:8080";   // HOST:PORT; port 0 picks a free one; "" = no plain HTTP
    std::string tls_listen;                  // HTTPS HOST:PORT ("" = no HTTPS); needs tls_cert and tls_key
    std::string tls_cert;                    // PEM certificate chain for HTTPS
    std::string tls_key;                     // PEM private key for HTTPS, read once at start
    std::int64_t tls_handshake_timeout_ms = 10000;  // to complete a TLS handshake
    std::string allowed_hosts;               // Host names served, comma-separated; "*" = any; "" = defaults
    std::string db = "var/hsoauth.db";       // SQLite file, created when missing
    std::string seed;                        // seed file loaded at start ("" = none)
    std::string admin_key;                   // "" = generate one and print it at start
    std::string synchronous = "FULL";        // SQLite PRAGMA synchronous
    std::string pepper_file;                 // "" = <db>.pepper; created 0600 on first start
    std::int64_t max_page_count = 0;         // SQLite size cap in pages; 0 = none
    std::string pepper;                      // the pepper itself (env only); overrides the file
    std::int64_t threads = 0;                // network threads; 0 = one per core, less one for the writer
    std::int64_t access_token_ttl = 1800;    // default for apps that set none, seconds
    std::int64_t code_ttl = 600;             // authorization code lifetime, seconds
    bool revoke_cascades = true;             // false: revoking a refresh token keeps access tokens (HubSpot's documented behaviour)
    bool log_requests = true;                // one stderr line per request
    std::string log_format = "text";         // text or json (one JSON object per line)
    std::string log_level = "info";          // debug, info, warn or error: the least level written
    std::string metrics_access = "auto";     // GET /metrics: auto, open, admin_key or off
    std::int64_t max_body_bytes = 16384;     // larger bodies: 413
    std::int64_t max_header_bytes = 8192;    // larger header blocks: 431
    std::int64_t max_connections = 1024;     // further connections are closed at once
    std::int64_t max_requests_per_connection = 1000;  // then the connection is closed
    std::int64_t header_timeout_ms = 10000;  // to receive a whole header block
    std::int64_t body_timeout_ms = 10000;    // to receive a whole body
    std::int64_t idle_timeout_ms = 5000;     // between requests on a keep-alive connection
    std::int64_t write_timeout_ms = 10000;   // to send a response
    std::int64_t drain_timeout_ms = 10000;   // SIGTERM: longest wait for requests in flight
    std::int64_t auth_failure_limit = 20;    // failed client authentications per client_id …
    std::int64_t auth_failure_window_s = 60; // … within this window before 429
    std::int64_t cleanup_interval_s = 60;    // how often expired tokens and codes are removed
    bool decline_redirects = false;          // consent "Decline" redirects with error=access_denied
    std::int64_t auto_approve_user_id = 0;   // with auto_approve_hub_id: skip the consent page
    std::int64_t auto_approve_hub_id = 0;
    std::string faults;                      // fault playbook file loaded at start ("" = none)
    bool journal = true;                     // record events (GET /admin/v1/events, reports)
    std::int64_t journal_max_events = 100000;  // events kept at most, oldest dropped first
    std::int64_t journal_max_age_s = 86400;  // events kept at most this long (real time)
    std::int64_t journal_max_followers = 8;  // open follow streams at most
    std::string deterministic_seed;          // reproducible runs (loopback only); "" = off
    // Sandboxes (docs/sandboxes.md)
    std::string sandbox_dir;                 // "" = <db>.sandboxes
    std::int64_t max_sandboxes = 1000;       // 0 = sandboxes switched off
    std::int64_t sandbox_max_page_count = 25600;  // each sandbox's size cap in 4 KiB pages (100 MiB)
    std::int64_t sandbox_ttl_s = 86400;      // default idle lifetime; 0 = until deleted
    std::int64_t sandbox_idle_close_s = 600; // an idle sandbox's store is closed after this (s)
    std::int64_t max_open_sandboxes = 64;    // open sandbox stores at once
    std::string gateway_upstream;            // http://HOST:PORT that API calls are forwarded to ("" = none)
    std::int64_t gateway_timeout_ms = 10000; // upstream connect and answer, then 504
    std::int64_t gateway_rate_limit = 110;   // API calls per app and hub per rolling 10 s (apps may set their own)
    std::string gateway_spec_files;          // OpenAPI JSON files adding or overriding operations, comma-separated
    std::string gateway_unknown_operations = "allow";  // an operation in no table: "allow" or "404"
    std::int64_t gateway_max_response_bytes = 8388608;  // larger upstream answers: 502
};

// One configuration key, for --help and the README.
struct key_info {
    std::string name;
    std::string default_value;
    std::string description;
};
const std::vector<key_info>& keys();

// keys() as the README's Markdown table (key, default, meaning): the README's table is this
// text, held equal by a unit test.
std::string markdown_table();

// Thrown with a one-line message naming the offending flag, variable, file or key.
struct config_error : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// Builds the settings from defaults, the config file, the environment and `flags` (the
// arguments after the subcommand). Throws config_error.
settings load(const std::vector<std::string>& flags, char** environment);

// Splits "HOST:PORT"; throws config_error.
std::pair<std::string, std::uint16_t> split_listen(const std::string& listen);

// Splits gateway_upstream, "http://HOST:PORT" (a trailing '/' allowed, no path, no user, a
// port other than 0), into the host (IPv6 without brackets) and the port; throws config_error.
std::pair<std::string, std::uint16_t> split_upstream(const std::string& url);

// The non-empty items of a comma-separated list, blanks around them trimmed.
std::vector<std::string> split_list(const std::string& text);

// The Host names `serve` answers for, lower-case, without ports: allowed_hosts split at commas,
// or by default the hosts of listen and tls_listen, localhost, 127.0.0.1 and [::1] (IPv6
// addresses in brackets, as a Host field writes them). {"*"} means any host. The default list
// is completed at start with the names of the TLS certificate.
std::vector<std::string> allowed_hosts(const settings& s);

// Whether every address served (listen, tls_listen) is a loopback address.
bool serves_loopback_only(const settings& s);

// Checks what only `serve` needs: an admin key of at least 16 bytes, except the demo key
// "demo-admin-key" on loopback addresses only. Throws config_error with one sentence.
void check_serve(const settings& s);

// A deterministic seed makes every secret predictable: refused (config_error) unless every
// address served (listen and tls_listen) is a loopback address.
void check_deterministic(const settings& s);

// The epoch the sandbox clock stands on in a reproducible run: 2026-01-01T00:00:00Z.
inline constexpr std::int64_t deterministic_epoch = 1767225600;

}  // namespace hsoauth::config
