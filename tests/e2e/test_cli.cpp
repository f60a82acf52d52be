// The hsoauth command line as a developer meets it: --help and --version, one-line refusals of
// bad input (exit 2), configuration precedence, and the migrate and seed commands.

#include <doctest/doctest.h>
#include <stdlib.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "support/http_client.hpp"
#include "support/seed_helpers.hpp"
#include "support/server_process.hpp"

using namespace hsoauth::e2e;
using nlohmann::json;

namespace {

// A private directory under /tmp, removed with its contents at scope exit.
class temp_dir {
  public:
    temp_dir() {
        std::string pattern =
            (std::filesystem::temp_directory_path() / "hsoauth-cli-XXXXXX").string();
        if (::mkdtemp(pattern.data()) == nullptr) {
            throw std::runtime_error(std::string("mkdtemp: ") + std::strerror(errno));
        }
        path_ = pattern;
    }
    ~temp_dir() {
        std::error_code ignored;
        std::filesystem::remove_all(path_, ignored);
    }
    temp_dir(const temp_dir&) = delete;
    temp_dir& operator=(const temp_dir&) = delete;

    std::string file(const std::string& name) const { return path_ + "/" + name; }

  private:
    std::string path_;
};

struct cli_result {
    std::string output;
    int exit_code = -1;
};

cli_result cli(const std::vector<std::string>& args, const env_list& env = {}) {
    cli_result r;
    r.output = run_cli(args, &r.exit_code, env);
    return r;
}

// Exit 2 with exactly one line "hsoauth: ..." that contains every `needle`.
void check_usage_error(const cli_result& r, const std::vector<std::string>& needles) {
    INFO("output: " << r.output);
    CHECK(r.exit_code == 2);
    CHECK(r.output.rfind("hsoauth: ", 0) == 0);
    CHECK(!r.output.empty());
    CHECK(r.output.back() == '\n');
    CHECK(r.output.find('\n') == r.output.size() - 1);
    for (const auto& needle : needles) {
        CHECK_MESSAGE(r.output.find(needle) != std::string::npos, "does not mention " << needle);
    }
}

// Flags that make `serve` harmless should it wrongly start: a private db and an ephemeral port.
std::vector<std::string> serve_args(const temp_dir& dir, std::vector<std::string> extra) {
    std::vector<std::string> args = {"serve", "--listen", "127.0.0.1:0", "--db", dir.file("x.db"),
                                     "--admin-key", "cli-test-admin-key-0"};
    args.insert(args.end(), extra.begin(), extra.end());
    return args;
}

std::set<int> migration_versions_in_source() {
    std::set<int> out;
    for (const auto& entry :
         std::filesystem::directory_iterator(std::string(HSOAUTH_SOURCE_DIR) + "/migrations")) {
        const std::string name = entry.path().filename().string();
        if (entry.path().extension() == ".sql" && name.size() > 4) out.insert(std::stoi(name.substr(0, 4)));
    }
    return out;
}

// For each migration file in the source: its version and the text of its first line, which
// starts with "-- Why:" (without that prefix).
std::vector<std::pair<int, std::string>> migration_reasons_in_source() {
    std::vector<std::pair<int, std::string>> out;
    for (const auto& entry :
         std::filesystem::directory_iterator(std::string(HSOAUTH_SOURCE_DIR) + "/migrations")) {
        if (entry.path().extension() != ".sql") continue;
        std::ifstream file(entry.path());
        std::string first_line;
        std::getline(file, first_line);
        const std::string prefix = "-- Why: ";
        out.emplace_back(std::stoi(entry.path().filename().string().substr(0, 4)),
                         first_line.rfind(prefix, 0) == 0 ? first_line.substr(prefix.size()) : std::string());
    }
    return out;
}

// The number in "applied N migration(s)", or -1.
int applied_count(const std::string& output) {
    std::smatch m;
    if (!std::regex_search(output, m, std::regex(R"(applied (\d+) migration)"))) return -1;
    return std::stoi(m[1].str());
}

// Expires_in of a token issued to a fresh app that sets no access_token_ttl.
std::int64_t default_ttl_seen(server_process& server) {
    server.start();
    const admin_sandbox s = make_sandbox(server, "ttl");
    const json app = admin_expect(server, "GET", "/admin/v1/apps/" + std::to_string(s.app_id), nullptr, 200);
    const token_grant tokens = issue_tokens(server, s);
    CHECK(app.at("access_token_ttl") == tokens.expires_in);
    const http_response meta = get_access_token(server.port(), tokens.access_token);
    CHECK(meta.status == 200);
    if (meta.status == 200) CHECK(meta.json().at("expires_in").get<std::int64_t>() <= tokens.expires_in);
    CHECK(server.stop() == 0);
    return tokens.expires_in;
}

const json seed_document = {
    {"_comment", "written by test_cli"},
    {"hubs", {{{"hub_id", 62515}, {"hub_domain", "cli.hubspot.test"}, {"hublet", "na1"}}}},
    {"users", {{{"user_id", 123456}, {"email", "cli@example.test"}, {"hub_ids", {62515}}}}},
    {"apps",
     {{{"app_id", 456789},
       {"name", "CLI chosen"},
       {"client_id", "cli-chosen"},
       {"client_secret", "cli-chosen-secret"},
       {"redirect_uris", {"http://localhost:3000/cb"}},
       {"scopes", {"oauth"}}},
      {{"app_id", 456790},
       {"name", "CLI generated"},
       {"client_id", "cli-generated"},
       {"redirect_uris", {"http://localhost:3000/cb"}},
       {"scopes", {"oauth"}}}}},
};

const char* const table_snapshot_sql =
    "select 'app', app_id, name, client_id, hex(client_secret_digest), redirect_uris, scopes from apps;"
    "select 'hub', hub_id, hub_domain, hublet, scopes from hubs;"
    "select 'user', user_id, email from users;"
    "select 'member', user_id, hub_id from user_hubs order by user_id, hub_id;";

}  // namespace

TEST_CASE("--version and --help") {
    const cli_result version = cli({"--version"});
    CHECK(version.exit_code == 0);
    CHECK(version.output == "hsoauth 0.1.0\n");

    const cli_result help = cli({"--help"});
    CHECK(help.exit_code == 0);
    INFO("help:\n" << help.output);
    for (const char* command : {"serve", "migrate", "seed"}) {
        CHECK_MESSAGE(help.output.find(std::string("hsoauth ") + command) != std::string::npos, command);
    }
    const std::vector<std::string> keys = {
        "listen", "db", "seed", "admin_key", "synchronous", "pepper_file", "pepper", "threads",
        "access_token_ttl", "code_ttl", "revoke_cascades", "log_requests", "max_body_bytes",
        "max_header_bytes", "max_connections", "max_requests_per_connection", "header_timeout_ms",
        "body_timeout_ms", "idle_timeout_ms", "write_timeout_ms", "auth_failure_limit",
        "auth_failure_window_s", "cleanup_interval_s", "decline_redirects", "auto_approve_user_id",
        "auto_approve_hub_id"};
    for (const auto& key : keys) {
        // Each key starts a line of its own.
        const std::regex listed("(^|\\n)[ \\t]+" + key + "[ \\t]");
        CHECK_MESSAGE(std::regex_search(help.output, listed), "--help does not list " << key);
    }
    // Defaults are shown beside the keys.
    for (const auto& [key, value] : std::vector<std::pair<std::string, std::string>>{
             {"access_token_ttl", "1800"}, {"code_ttl", "600"}, {"max_body_bytes", "16384"},
             {"max_header_bytes", "8192"}, {"auth_failure_limit", "20"}}) {
        const std::regex line("(^|\\n)[ \\t]+" + key + "[ \\t]+" + value + "\\b");
        CHECK_MESSAGE(std::regex_search(help.output, line), key << " default " << value << " not shown");
    }
}

TEST_CASE("bad command lines and config files: one line, exit 2") {
    const temp_dir dir;
    SUBCASE("unknown flag") {
        check_usage_error(cli(serve_args(dir, {"--bogus-flag", "1"})), {"--bogus-flag"});
    }
    SUBCASE("unknown flag with =value") {
        check_usage_error(cli(serve_args(dir, {"--bogus-flag=1"})), {"--bogus-flag"});
    }
    SUBCASE("flag without value") {
        check_usage_error(cli(serve_args(dir, {"--code-ttl"})), {"--code-ttl"});
    }
    SUBCASE("bad --listen") {
        check_usage_error(cli(serve_args(dir, {"--listen", "nonsense"})), {"listen", "nonsense"});
    }
    SUBCASE("bad port in --listen") {
        check_usage_error(cli(serve_args(dir, {"--listen", "127.0.0.1:99999"})), {"listen"});
    }
    SUBCASE("bad --synchronous") {
        check_usage_error(cli(serve_args(dir, {"--synchronous", "WRONG"})), {"synchronous"});
    }
    SUBCASE("non-numeric ttl") {
        check_usage_error(cli(serve_args(dir, {"--access-token-ttl", "soon"})), {"access_token_ttl", "soon"});
    }
    SUBCASE("non-boolean switch") {
        check_usage_error(cli(serve_args(dir, {"--revoke-cascades", "maybe"})), {"revoke_cascades", "maybe"});
    }
    SUBCASE("config file that is not JSON") {
        const std::string path = dir.file("broken.json");
        write_text(path, "listen = 127.0.0.1:8080\n");
        check_usage_error(cli(serve_args(dir, {"--config", path})), {path});
    }
    SUBCASE("config file with a JSON syntax error: its line and column") {
        const std::string path = dir.file("trailing.json");
        write_text(path, "{\n  \"access_token_ttl\": 100,\n}\n");
        check_usage_error(cli(serve_args(dir, {"--config", path})),
                          {path, "not valid JSON: line 3, column 1:", "(a trailing comma?)"});
    }
    SUBCASE("a seed file with a JSON syntax error: its line and column, before anything is made") {
        const std::string path = dir.file("seed.json");
        write_text(path, "{\"hubs\": [\n  {\"hub_domain\": \"a.test\"}\n  {\"hub_domain\": \"b.test\"}\n]}\n");
        check_usage_error(cli(serve_args(dir, {"--seed", path})), {path, "not valid JSON: line 3, column 3:"});
    }
    SUBCASE("a seed file that does not exist") {
        check_usage_error(cli(serve_args(dir, {"--seed", dir.file("sed.json")})), {dir.file("sed.json"), "does not exist"});
    }
    SUBCASE("a seed entry with an unknown field, named with its place") {
        const std::string path = dir.file("seed.json");
        write_text(path, R"({"apps": [{"name": "x", "redirect_uri": ["http://localhost/cb"], "scopes": ["oauth"]}]})");
        check_usage_error(cli(serve_args(dir, {"--seed", path})), {path, "apps[0]: unknown field 'redirect_uri'"});
    }
    SUBCASE("seed without its FILE names the FILE, not the flag before it") {
        check_usage_error(cli({"seed", "--db", dir.file("x.db")}), {"seed needs a FILE", "usage: hsoauth seed"});
    }
    SUBCASE("seed with a flag that lacks its value") {
        check_usage_error(cli({"seed", dir.file("s.json"), "--db"}), {"flag --db needs a value"});
    }
    SUBCASE("seed with two files") {
        check_usage_error(cli({"seed", "--db", dir.file("x.db"), dir.file("a.json"), dir.file("b.json")}),
                          {"unexpected argument", "b.json"});
    }
    SUBCASE("migrate with an argument it does not take") {
        check_usage_error(cli({"migrate", "--db", dir.file("x.db"), "now"}), {"unexpected argument 'now'"});
    }
    SUBCASE("a listen host that is not an IP address") {
        check_usage_error(cli(serve_args(dir, {"--listen", "localhost:0"})), {"localhost:0", "IP address", "--listen"});
    }
    SUBCASE("config file that does not exist") {
        const std::string path = dir.file("missing.json");
        check_usage_error(cli(serve_args(dir, {"--config", path})), {path});
    }
    SUBCASE("config file with an unknown key") {
        const std::string path = dir.file("unknown.json");
        write_text(path, R"({"access_token_ttl": 100, "colour": "blue"})");
        check_usage_error(cli(serve_args(dir, {"--config", path})), {path, "colour"});
    }
    SUBCASE("config file with a value of the wrong type") {
        const std::string path = dir.file("typed.json");
        write_text(path, R"({"code_ttl": "ten minutes"})");
        check_usage_error(cli(serve_args(dir, {"--config", path})), {path, "code_ttl"});
    }
    SUBCASE("bad environment value") {
        check_usage_error(cli(serve_args(dir, {}), {{"HSOAUTH_CODE_TTL", "-5"}}), {"HSOAUTH_CODE_TTL"});
    }
    SUBCASE("unknown command") {
        check_usage_error(cli({"frobnicate", "--db", dir.file("x.db")}), {"frobnicate"});
    }
    SUBCASE("migrate with an unknown flag") {
        check_usage_error(cli({"migrate", "--db", dir.file("x.db"), "--nope", "1"}), {"--nope"});
    }
    SUBCASE("an admin key shorter than 16 bytes") {
        check_usage_error(cli(serve_args(dir, {"--admin-key", "fifteen-bytes-k"})), {"admin_key", "16 bytes"});
    }
    SUBCASE("the demo admin key on an address other than loopback") {
        check_usage_error(cli(serve_args(dir, {"--listen", "0.0.0.0:0", "--admin-key", "demo-admin-key"})),
                          {"demo admin key", "loopback", "16 bytes"});
    }
    SUBCASE("a certificate without tls_listen") {
        check_usage_error(cli(serve_args(dir, {"--tls-cert", dir.file("c.pem"), "--tls-key", dir.file("k.pem")})),
                          {"tls_listen"});
    }
    SUBCASE("tls_listen without a certificate") {
        check_usage_error(cli(serve_args(dir, {"--tls-listen", "127.0.0.1:0"})), {"tls_cert"});
    }
    SUBCASE("a certificate file that cannot be read") {
        check_usage_error(cli(serve_args(dir, {"--tls-listen", "127.0.0.1:0", "--tls-cert", dir.file("missing.pem"),
                                               "--tls-key", dir.file("missing.key")})),
                          {dir.file("missing.pem")});
    }
    SUBCASE("a certificate file that holds no certificate") {
        write_text(dir.file("c.pem"), "not a certificate\n");
        check_usage_error(cli(serve_args(dir, {"--tls-listen", "127.0.0.1:0", "--tls-cert", dir.file("c.pem"),
                                               "--tls-key", dir.file("c.pem")})),
                          {dir.file("c.pem")});
    }
    // None of them created the database.
    CHECK_FALSE(std::filesystem::exists(dir.file("x.db")));
}

TEST_CASE("every command answers --help (or -h) with its usage and exit 0") {
    const temp_dir dir;
    for (const std::string command : {"serve", "migrate", "seed"}) {
        for (const std::vector<std::string>& args :
             std::vector<std::vector<std::string>>{{command, "--help"},
                                                   {command, "-h"},
                                                   {command, "--db", dir.file("x.db"), "--help"},
                                                   {"help", command}}) {
            const cli_result r = cli(args);
            INFO(args.back() << " of " << command << ":\n" << r.output);
            CHECK(r.exit_code == 0);
            CHECK(r.output.rfind("usage:\n  hsoauth " + command + " ", 0) == 0);
            CHECK(r.output.find("needs a value") == std::string::npos);
        }
    }
    // serve's usage lists the keys it reads; seed's names its FILE.
    CHECK(std::regex_search(cli({"serve", "--help"}).output, std::regex("\\n  listen +127\\.0\\.0\\.1:8080 ")));
    CHECK(cli({"seed", "--help"}).output.find("hsoauth seed [--db PATH] [--config FILE] FILE\n") != std::string::npos);
    // Asking for help creates nothing.
    CHECK_FALSE(std::filesystem::exists(dir.file("x.db")));
}

TEST_CASE("a taken address: one sentence naming it, exit 2, and nothing left behind") {
    server_process holder;
    holder.start();
    const temp_dir dir;
    const std::string taken = "127.0.0.1:" + std::to_string(holder.port());
    const std::string db = dir.file("nested/hsoauth.db");
    // No admin key: one would be generated and printed were the server to get that far.
    const cli_result r = cli({"serve", "--listen", taken, "--db", db, "--seed",
                              std::string(HSOAUTH_SOURCE_DIR) + "/conf/seed.json"});
    check_usage_error(r, {"hsoauth: " + taken + " is already in use; pick another with --listen\n"});
    CHECK(r.output.find("admin key") == std::string::npos);
    CHECK(r.output.find("system:") == std::string::npos);
    CHECK_FALSE(std::filesystem::exists(db));
    CHECK_FALSE(std::filesystem::exists(db + ".pepper"));
    CHECK_FALSE(std::filesystem::exists(dir.file("nested")));
    // The server holding it is untouched.
    CHECK(http_request(holder.port(), "GET", "/healthz").status == 200);
    CHECK(holder.stop() == 0);
}

TEST_CASE("a TLS key that is unreadable, not a key, or another certificate's: exit 2 naming the file") {
    const temp_dir dir;
    int made = -1;
    const std::string script = std::string(HSOAUTH_SOURCE_DIR) + "/scripts/dev-cert.sh";
    run_program({"/bin/bash", script, "--out", dir.file("one")}, &made);
    REQUIRE(made == 0);
    run_program({"/bin/bash", script, "--out", dir.file("two")}, &made);
    REQUIRE(made == 0);
    const std::string cert = dir.file("one/server.pem");
    const auto tls = [&](const std::string& key) {
        return serve_args(dir, {"--tls-listen", "127.0.0.1:0", "--tls-cert", cert, "--tls-key", key});
    };
    check_usage_error(cli(tls(dir.file("nowhere.key"))), {dir.file("nowhere.key")});
    write_text(dir.file("garbage.key"), "-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5\n-----END PRIVATE KEY-----\n");
    check_usage_error(cli(tls(dir.file("garbage.key"))), {dir.file("garbage.key")});
    const cli_result other = cli(tls(dir.file("two/server.key")));
    check_usage_error(other, {dir.file("two/server.key"), cert});
    // The refusal never quotes the key.
    const std::string key = read_bytes(dir.file("two/server.key"));
    CHECK(other.output.find(key.substr(key.find('\n') + 1, 40)) == std::string::npos);
    // The right pair starts (and stops) cleanly.
    server_process server({.extra_args = {"--tls-listen", "127.0.0.1:0", "--tls-cert", cert, "--tls-key",
                                          dir.file("one/server.key")}});
    server.start();
    CHECK(server.tls_port() != 0);
    CHECK(server.stop() == 0);
}

TEST_CASE("configuration precedence: file < environment < flag") {
    const temp_dir dir;
    const std::string config = dir.file("hsoauth.json");
    write_text(config, R"({"_comment": "precedence test", "access_token_ttl": 100})");

    SUBCASE("the built-in default") {
        server_process server;
        CHECK(default_ttl_seen(server) == 1800);
    }
    SUBCASE("the config file") {
        server_process server(server_options{{"--config", config}, {}});
        CHECK(default_ttl_seen(server) == 100);
    }
    SUBCASE("the environment overrides the file") {
        server_process server(server_options{{"--config", config}, {{"HSOAUTH_ACCESS_TOKEN_TTL", "200"}}});
        CHECK(default_ttl_seen(server) == 200);
    }
    SUBCASE("a flag overrides the environment") {
        server_process server(server_options{{"--config", config, "--access-token-ttl", "300"},
                                             {{"HSOAUTH_ACCESS_TOKEN_TTL", "200"}}});
        CHECK(default_ttl_seen(server) == 300);
    }
    SUBCASE("a flag overrides the file") {
        server_process server(server_options{{"--config", config, "--access-token-ttl=300"}, {}});
        CHECK(default_ttl_seen(server) == 300);
    }
}

TEST_CASE("migrate is idempotent and records each migration") {
    const temp_dir dir;
    const std::string db = dir.file("nested/dir/hsoauth.db");
    const std::set<int> versions = migration_versions_in_source();
    REQUIRE_FALSE(versions.empty());

    const cli_result first = cli({"migrate", "--db", db});
    INFO("first: " << first.output);
    CHECK(first.exit_code == 0);
    // It says which database it used, and that it made it.
    CHECK(first.output.rfind("database " + db + " (created)\n", 0) == 0);
    CHECK(applied_count(first.output) == static_cast<int>(versions.size()));
    // Each applied migration is shown with why it exists.
    for (const auto& [version, why] : migration_reasons_in_source()) {
        CAPTURE(version);
        CHECK_FALSE(why.empty());
        CHECK(first.output.find("migration " + std::to_string(version) + " (") != std::string::npos);
        CHECK(first.output.find(why) != std::string::npos);
    }
    const std::string rows = sqlite_query(db, "select version, name, applied_at from schema_migrations order by version");
    std::set<int> recorded;
    std::istringstream listed(sqlite_query(db, "select version from schema_migrations"));
    for (std::string line; std::getline(listed, line);) recorded.insert(std::stoi(line));
    CHECK(recorded == versions);
    CHECK(sqlite_query(db, "select count(*) from schema_migrations") == std::to_string(versions.size()));
    CHECK(sqlite_query(db, "select count(*) from sqlite_master where type='table' and name='apps'") == "1");

    const cli_result second = cli({"migrate"}, {{"HSOAUTH_DB", db}});
    INFO("second: " << second.output);
    CHECK(second.exit_code == 0);
    CHECK(second.output.rfind("database " + db + "\n", 0) == 0);
    CHECK(applied_count(second.output) == 0);
    CHECK(second.output.find("migration 1 (") == std::string::npos);
    CHECK(sqlite_query(db, "select version, name, applied_at from schema_migrations order by version") == rows);
}

TEST_CASE("a database from a newer hsoauth is refused") {
    const temp_dir dir;
    const std::string db = dir.file("future.db");
    REQUIRE(cli({"migrate", "--db", db}).exit_code == 0);
    sqlite_query(db, "insert into schema_migrations values (9999,'future','now')");

    const cli_result serve = cli({"serve", "--db", db, "--listen", "127.0.0.1:0", "--admin-key", "cli-test-admin-key-0"});
    INFO("serve: " << serve.output);
    CHECK(serve.exit_code != 0);
    CHECK(serve.output.find("9999") != std::string::npos);
    CHECK(serve.output.find("listening on") == std::string::npos);

    const cli_result migrate = cli({"migrate", "--db", db});
    INFO("migrate: " << migrate.output);
    CHECK(migrate.exit_code != 0);
    CHECK(migrate.output.find("9999") != std::string::npos);

    const std::string seed_file = dir.file("seed.json");
    write_text(seed_file, seed_document.dump());
    const cli_result seed = cli({"seed", "--db", db, seed_file});
    INFO("seed: " << seed.output);
    CHECK(seed.exit_code != 0);
    CHECK(seed.output.find("9999") != std::string::npos);
    CHECK(sqlite_query(db, "select count(*) from apps") == "0");
    CHECK(sqlite_query(db, "select count(*) from schema_migrations where version = 9999") == "1");
}

TEST_CASE("hsoauth seed loads a file, and loading it again changes nothing") {
    server_process server;  // its database is seeded offline, then served
    const std::string file = server.dir() + "/seed.json";
    write_text(file, seed_document.dump(2));

    const cli_result first = cli({"seed", "--db", server.db_path(), file});
    INFO("first: " << first.output);
    REQUIRE(first.exit_code == 0);
    const std::string snapshot = sqlite_query(server.db_path(), table_snapshot_sql);
    CHECK(sqlite_query(server.db_path(), "select count(*) from apps") == "2");
    CHECK(sqlite_query(server.db_path(), "select count(*) from hubs") == "1");
    CHECK(sqlite_query(server.db_path(), "select count(*) from users") == "1");
    CHECK(sqlite_query(server.db_path(), "select count(*) from user_hubs") == "1");

    // The generated secret is printed once, on the line of its app.
    std::smatch m;
    const bool shown = std::regex_search(first.output, m, std::regex(R"(client_id=cli-generated\S* client_secret=(\S+))"));
    CHECK_MESSAGE(shown, "the generated secret is not shown");
    const std::string generated = shown ? m[1].str() : "";

    const cli_result second = cli({"seed", "--db", server.db_path(), file});
    INFO("second: " << second.output);
    REQUIRE(second.exit_code == 0);
    CHECK(sqlite_query(server.db_path(), table_snapshot_sql) == snapshot);
    if (!generated.empty()) CHECK(second.output.find(generated) == std::string::npos);

    // A bad file changes nothing and says why.
    const std::string bad_file = server.dir() + "/bad-seed.json";
    json bad = seed_document;
    bad["hubs"].push_back({{"hub_id", 70000}, {"hub_domain", "new.test"}});
    bad["users"].push_back({{"user_id", 7}, {"email", "lost@example.test"}, {"hub_ids", {424242}}});
    write_text(bad_file, bad.dump());
    const cli_result refused = cli({"seed", "--db", server.db_path(), bad_file});
    INFO("refused: " << refused.output);
    CHECK(refused.exit_code != 0);
    CHECK(refused.output.find("bad-seed.json") != std::string::npos);
    CHECK(sqlite_query(server.db_path(), table_snapshot_sql) == snapshot);

    const std::string not_json = server.dir() + "/not-json.json";
    write_text(not_json, "{hubs: [");
    const cli_result garbled = cli({"seed", "--db", server.db_path(), not_json});
    check_usage_error(garbled, {"not-json.json", "is not valid JSON: line 1, column 2:"});
    CHECK(sqlite_query(server.db_path(), table_snapshot_sql) == snapshot);

    // The server on the seeded database honours both secrets.
    server.start();
    const admin_sandbox chosen{62515, 123456, 456789, "cli-chosen", "cli-chosen-secret", "http://localhost:3000/cb", {"oauth"}};
    CHECK(issue_tokens(server, chosen).expires_in == 1800);
    if (!generated.empty()) {
        const admin_sandbox made{62515, 123456, 456790, "cli-generated", generated, "http://localhost:3000/cb", {"oauth"}};
        CHECK(issue_tokens(server, made).expires_in == 1800);
    }
    CHECK(server.stop() == 0);
}

// ---- Reproducible runs (deterministic_seed) ----

#include "support/raw_connection.hpp"

namespace {

// One request over its own connection; the response's bytes exactly as they came.
std::string raw_round_trip(std::uint16_t port, std::string_view method, std::string_view target,
                           std::string_view body = {}, bool admin = false) {
    std::string request = std::string(method) + " " + std::string(target) +
                          " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n";
    if (admin) request += "Authorization: Bearer test-admin-key-0123456789\r\n";
    if (!body.empty() || method == "POST") {
        request += std::string("Content-Type: ") +
                   (admin ? "application/json" : "application/x-www-form-urlencoded") + "\r\n";
        request += "Content-Length: " + std::to_string(body.size()) + "\r\n";
    }
    request += "\r\n";
    request += body;
    raw_connection c(port);
    c.send(request);
    return c.receive_until_closed(std::chrono::seconds(10));
}

std::string body_of_raw(const std::string& raw) { return raw.substr(raw.find("\r\n\r\n") + 4); }

// The same requests, in the same order, against a fresh server; every response's bytes.
std::vector<std::string> golden_run(const std::vector<std::string>& extra_args) {
    server_process server({extra_args});
    server.start();
    const auto port = server.port();
    std::vector<std::string> out;
    out.push_back(raw_round_trip(port, "POST", "/admin/v1/seed",
                                 R"({"hubs":[{"hub_id":62515,"hub_domain":"golden.example.com"}],
                                     "users":[{"user_id":7,"email":"golden@example.com","hub_ids":[62515]}],
                                     "apps":[{"app_id":99,"name":"Golden","redirect_uris":["http://localhost/cb"],
                                              "scopes":["oauth"]}]})",
                                 true));
    const json app = json::parse(body_of_raw(out.back())).at("apps").at(0);
    const std::string client_id = app.at("client_id");
    const std::string secret = app.at("client_secret");
    out.push_back(raw_round_trip(port, "POST", "/admin/v1/authorization-codes",
                                 json{{"client_id", client_id}, {"hub_id", 62515}, {"user_id", 7},
                                      {"redirect_uri", "http://localhost/cb"}, {"scopes", {"oauth"}}}
                                     .dump(),
                                 true));
    const std::string code = json::parse(body_of_raw(out.back())).at("code");
    const std::string credentials = "&client_id=" + url_encode(client_id) + "&client_secret=" + url_encode(secret);
    out.push_back(raw_round_trip(port, "POST", "/oauth/v1/token",
                                 "grant_type=authorization_code&redirect_uri=http%3A%2F%2Flocalhost%2Fcb&code=" +
                                     url_encode(code) + credentials));
    const json tokens = json::parse(body_of_raw(out.back()));
    const std::string access = tokens.at("access_token");
    const std::string refresh = tokens.at("refresh_token");
    out.push_back(raw_round_trip(port, "GET", "/oauth/v1/access-tokens/" + url_encode(access)));
    out.push_back(raw_round_trip(port, "POST", "/oauth/v1/token",
                                 "grant_type=refresh_token&refresh_token=" + url_encode(refresh) + credentials));
    out.push_back(raw_round_trip(port, "POST", "/oauth/v1/token",
                                 "grant_type=refresh_token&refresh_token=" + url_encode(refresh) +
                                     "&client_id=" + url_encode(client_id) + "&client_secret=wrong"));
    out.push_back(raw_round_trip(port, "POST", "/admin/v1/clock", R"({"advance_seconds":1860})", true));
    out.push_back(raw_round_trip(port, "GET", "/oauth/v1/access-tokens/" + url_encode(access)));
    return out;
}

}  // namespace

TEST_CASE("deterministic_seed: two runs with the same seed and requests give byte-identical answers") {
    const auto first = golden_run({"--deterministic-seed", "golden-1"});
    const auto second = golden_run({"--deterministic-seed", "golden-1"});
    REQUIRE(first.size() == second.size());
    for (std::size_t i = 0; i < first.size(); ++i) {
        INFO("response " << i << ":\n" << first[i] << "\n---\n" << second[i]);
        CHECK(first[i] == second[i]);
    }
    // What they hold: the clock stands on 2026-01-01 plus the offset, the tokens follow the seed.
    CHECK(first.back().rfind("HTTP/1.1 401 ", 0) == 0);
    CHECK(json::parse(body_of_raw(first[6])).at("now") == 1767225600 + 1860);
    const auto other = golden_run({"--deterministic-seed", "golden-2"});
    CHECK(body_of_raw(other[2]) != body_of_raw(first[2]));
    // Without a seed, two runs differ.
    const auto random_a = golden_run({});
    const auto random_b = golden_run({});
    CHECK(body_of_raw(random_a[2]) != body_of_raw(random_b[2]));
}

TEST_CASE("deterministic_seed is refused unless every address served is a loopback address") {
    temp_dir dir;
    int code = -1;
    const std::string out = run_cli({"serve", "--listen", "0.0.0.0:0", "--db", dir.file("d.db"), "--admin-key",
                                     "test-admin-key-0123456789", "--deterministic-seed", "x"},
                                    &code);
    CHECK(code == 2);
    CHECK(out.find("loopback") != std::string::npos);
    CHECK(std::count(out.begin(), out.end(), '\n') == 1);
}

// ---- hsoauth admin: the admin API from the command line ----

namespace {

// Runs `hsoauth admin WORDS…` against `server`, its URL and admin key from the environment.
auto admin_command_of(const server_process& server) {
    const env_list env = {{"HSOAUTH_URL", server.base_url()}, {"HSOAUTH_ADMIN_KEY", server.admin_key()}};
    return [env](std::vector<std::string> words) {
        words.insert(words.begin(), "admin");
        return cli(words, env);
    };
}

}  // namespace

TEST_CASE("hsoauth admin: apps, hubs, users, code, clock, installs and seed against a running server") {
    server_process server;
    server.start();
    const auto admin = admin_command_of(server);

    const cli_result hub = admin({"hubs", "create", "--domain", "cli.example.com", "--hub-id", "7001"});
    INFO(hub.output);
    REQUIRE(hub.exit_code == 0);
    CHECK(hub.output.find("hub_domain:") != std::string::npos);
    REQUIRE(admin({"users", "create", "--email", "cli@example.com", "--hub", "7001", "--user-id", "8001"}).exit_code == 0);
    const cli_result app = admin({"apps", "create", "--name", "CLI App", "--client-id", "cli-client", "--redirect-uri",
                                  "http://localhost:4000/cb", "--scope", "oauth crm.objects.contacts.read"});
    INFO(app.output);
    REQUIRE(app.exit_code == 0);
    CHECK(app.output.find("client_secret:") != std::string::npos);  // generated, shown once

    // Tables by default, the server's JSON with --json.
    const cli_result apps = admin({"apps", "list"});
    CHECK(apps.exit_code == 0);
    CHECK(apps.output.rfind("APP_ID", 0) == 0);
    CHECK(apps.output.find("cli-client") != std::string::npos);
    const cli_result apps_json = admin({"apps", "list", "--json"});
    REQUIRE(apps_json.exit_code == 0);
    const json listed = json::parse(apps_json.output);
    REQUIRE(listed.at("results").size() == 1);
    const std::int64_t app_id = listed["results"][0].at("app_id");
    CHECK(admin({"apps", "show", std::to_string(app_id)}).output.find("CLI App") != std::string::npos);

    // A code with the app's defaults (its first redirect URI and required scopes), exchanged.
    const cli_result code = admin({"code", "--client-id", "cli-client", "--hub", "7001", "--user", "8001", "--json"});
    INFO(code.output);
    REQUIRE(code.exit_code == 0);
    const json issued = json::parse(code.output);
    CHECK(issued.at("scopes") == json({"oauth", "crm.objects.contacts.read"}));
    CHECK(admin({"installs", "list"}).output.find("7001") != std::string::npos);

    const cli_result advanced = admin({"clock", "advance", "31m"});
    CHECK(advanced.exit_code == 0);
    CHECK(advanced.output.find("1860 s ahead") != std::string::npos);
    CHECK(json::parse(admin({"clock", "show", "--json"}).output).at("offset_seconds") == 1860);

    CHECK(admin({"installs", "delete", "7001", std::to_string(app_id)}).exit_code == 0);
    CHECK(json::parse(admin({"--json", "installs", "list"}).output)["results"][0].at("live") == false);

    // A seed file, all or nothing.
    const std::string seed_file = server.dir() + "/cli-seed.json";
    write_text(seed_file, R"({"hubs": [{"hub_id": 7002, "hub_domain": "seeded.example.com"}],
                             "users": [{"email": "seeded@example.com", "hub_ids": [7002]}]})");
    const cli_result seeded = admin({"seed", seed_file});
    CHECK(seeded.exit_code == 0);
    CHECK(seeded.output.find("seeded 1 hub(s), 1 user(s), 0 app(s)") != std::string::npos);
    CHECK(admin({"hubs", "list"}).output.find("seeded.example.com") != std::string::npos);

    SUBCASE("exit codes and errors a script can rely on") {
        const cli_result missing = admin({"apps", "show", "999999"});
        CHECK(missing.exit_code == 4);
        CHECK(missing.output.find("404 NOT_FOUND") != std::string::npos);
        CHECK(admin({"apps", "delete", std::to_string(app_id)}).exit_code == 0);
        CHECK(admin({"apps", "delete", std::to_string(app_id)}).exit_code == 4);

        const cli_result wrong_key = cli({"admin", "apps", "list", "--admin-key", "not-the-admin-key-123"},
                                         {{"HSOAUTH_URL", server.base_url()}});
        CHECK(wrong_key.exit_code == 1);
        CHECK(wrong_key.output.find("401 INVALID_AUTHENTICATION") != std::string::npos);

        const cli_result refused = admin({"users", "create", "--email", "x@example.com", "--hub", "99999"});
        CHECK(refused.exit_code == 1);
        CHECK(refused.output.find("400") != std::string::npos);

        const cli_result usage = admin({"apps", "create", "--name"});
        check_usage_error(usage, {"--name needs a value"});
        check_usage_error(admin({"apps", "frobnicate"}), {"apps", "list"});
        check_usage_error(admin({"clock", "advance", "31x"}), {"31x"});
        check_usage_error(admin({"apps", "list", "--bogus", "1"}), {"--bogus"});

        // A seed file is sent as written: a syntax error comes back with its line and column.
        const std::string broken_seed = server.dir() + "/cli-broken-seed.json";
        write_text(broken_seed, "{\"hubs\": [\n  {\"hub_domain\": \"broken.example.com\",}\n]}\n");
        const cli_result broken = admin({"seed", broken_seed});
        CHECK(broken.exit_code == 1);
        CHECK(broken.output.find("not valid JSON: line 2, column ") != std::string::npos);
        CHECK(broken.output.find("(a trailing comma?)") != std::string::npos);

        const cli_result unreachable = cli({"admin", "--url", "http://127.0.0.1:1", "apps", "list"});
        CHECK(unreachable.exit_code == 3);
        CHECK(unreachable.output.find("cannot connect") != std::string::npos);
    }
}

TEST_CASE("hsoauth admin: faults, events, report, sandboxes and reset against a running server") {
    server_process server;
    server.start();
    const auto admin = admin_command_of(server);
    const admin_sandbox s = make_sandbox(server, "controls");
    const token_grant tokens = issue_tokens(server, s);

    // A rule from a file: the next refresh of this client gets 502, then it fired once.
    const std::string rules_file = server.dir() + "/rules.json";
    write_text(rules_file, R"([{"match": {"route": "token", "client_id": ")" + s.client_id +
                               R"("}, "action": {"kind": "server_error", "status": 502}, "times": 1}])");
    const cli_result added = admin({"faults", "add", rules_file});
    INFO(added.output);
    REQUIRE(added.exit_code == 0);
    CHECK(added.output.find("added 1 rule(s): ") != std::string::npos);
    CHECK(refresh_raw(server.port(), s.client_id, s.client_secret, tokens.refresh_token).status == 502);
    const json rules = json::parse(admin({"--json", "faults", "list"}).output);
    REQUIRE(rules.at("results").size() == 1);
    CHECK(rules["results"][0].at("fired") == 1);
    CHECK(admin({"faults", "list"}).output.rfind("ID", 0) == 0);
    const std::string rule_id = std::to_string(rules["results"][0].at("id").get<std::int64_t>());
    CHECK(admin({"faults", "delete", rule_id}).exit_code == 0);
    CHECK(admin({"faults", "delete", rule_id}).exit_code == 4);
    CHECK(admin({"faults", "clear"}).exit_code == 0);
    const std::string broken_file = server.dir() + "/broken.json";
    write_text(broken_file, "{\"match\": {,}\n");
    check_usage_error(admin({"faults", "add", broken_file}), {"broken.json", "line 1, column 12"});

    // The journal holds the fault, for this client; the report names the app.
    const cli_result events = admin({"events", "--client-id", s.client_id, "--json"});
    REQUIRE(events.exit_code == 0);
    bool fault_seen = false;
    const json journal = json::parse(events.output);
    for (const auto& e : journal.at("results")) {
        CHECK(e.at("client_id") == s.client_id);
        fault_seen = fault_seen || e.at("kind") == "fault";
    }
    CHECK(fault_seen);
    CHECK(admin({"events", "--limit", "2"}).output.rfind("ID", 0) == 0);
    const cli_result report = admin({"report", std::to_string(s.app_id)});
    INFO(report.output);
    CHECK(report.exit_code == 0);
    CHECK(report.output.find(s.client_id) != std::string::npos);
    CHECK(admin({"report", "987654321"}).exit_code == 4);

    // A sandbox: created, listed, snapshotted, restored, deleted.
    const cli_result created = admin({"--json", "sandboxes", "create", "--name", "cli-suite"});
    INFO(created.output);
    REQUIRE(created.exit_code == 0);
    const std::string id = json::parse(created.output).at("id");
    CHECK(admin({"sandboxes", "list"}).output.find("cli-suite") != std::string::npos);
    CHECK(admin({"sandboxes", "show", id}).output.find("base_url:") != std::string::npos);
    const cli_result snapshot = admin({"--json", "sandboxes", "snapshot", id});
    REQUIRE(snapshot.exit_code == 0);
    const std::string snapshot_id = json::parse(snapshot.output).at("snapshot_id");
    CHECK(admin({"sandboxes", "restore", id, snapshot_id}).exit_code == 0);
    CHECK(admin({"sandboxes", "delete", id}).exit_code == 0);
    CHECK(admin({"sandboxes", "show", id}).exit_code == 4);
    check_usage_error(admin({"sandboxes", "show", "../apps"}), {"sandbox id"});

    // A reset: the app is gone.
    const cli_result reset = admin({"reset"});
    CHECK(reset.exit_code == 0);
    CHECK(reset.output.find("reset:") == 0);
    CHECK(json::parse(admin({"--json", "apps", "list"}).output).at("results").empty());
}
