// Configuration: defaults, then file, environment and flags in rising precedence (config::load).
#include <doctest/doctest.h>

#include <fstream>
#include <string>
#include <vector>

#include "../storage/temp_database.hpp"
#include "hsoauth/config/config.hpp"

using namespace hsoauth;
using config::config_error;

namespace {

// A NULL-terminated environment block built from "KEY=value" strings.
class fake_env {
public:
    fake_env(std::initializer_list<std::string> entries) : entries_(entries) {
        for (auto& e : entries_) pointers_.push_back(e.data());
        pointers_.push_back(nullptr);
    }
    char** get() { return pointers_.data(); }

private:
    std::vector<std::string> entries_;
    std::vector<char*> pointers_;
};

std::string write_config(const test::temp_dir& dir, const std::string& json_text) {
    const std::string path = dir.file("hsoauth.json");
    std::ofstream out(path);
    out << json_text;
    return path;
}

// The config_error message for `flags` and `env`; fails the test when load succeeded.
std::string load_error(const std::vector<std::string>& flags, char** env) {
    try {
        config::load(flags, env);
    } catch (const config_error& e) {
        return e.what();
    }
    FAIL("config::load accepted the configuration");
    return {};
}

}  // namespace

TEST_CASE("config: defaults without file, environment or flags") {
    fake_env env{"PATH=/usr/bin", "HOME=/root"};
    const auto s = config::load({}, env.get());
    CHECK(s.listen == "127.0.0.1:8080");
    CHECK(s.db == "var/hsoauth.db");
    CHECK(s.seed.empty());
    CHECK(s.admin_key.empty());
    CHECK(s.synchronous == "FULL");
    CHECK(s.pepper_file.empty());
    CHECK(s.pepper.empty());
    CHECK(s.threads == 0);
    CHECK(s.access_token_ttl == 1800);
    CHECK(s.code_ttl == 600);
    CHECK(s.revoke_cascades);
    CHECK(s.log_requests);
    CHECK(s.max_body_bytes == 16384);
    CHECK(s.max_header_bytes == 8192);
    CHECK(s.auth_failure_limit == 20);
    CHECK(s.auth_failure_window_s == 60);
    CHECK_FALSE(s.decline_redirects);
    CHECK(s.auto_approve_user_id == 0);
    CHECK(s.auto_approve_hub_id == 0);
    CHECK(config::load({}, nullptr).listen == "127.0.0.1:8080");
}

TEST_CASE("config: keys() lists every key with its default") {
    const auto& keys = config::keys();
    const auto find = [&](const std::string& name) -> const config::key_info* {
        for (const auto& k : keys) {
            if (k.name == name) return &k;
        }
        return nullptr;
    };
    for (const char* name : {"listen", "db", "seed", "admin_key", "synchronous", "pepper_file", "pepper", "threads",
                             "access_token_ttl", "code_ttl", "revoke_cascades", "log_requests", "max_body_bytes",
                             "max_header_bytes", "max_connections", "max_requests_per_connection",
                             "header_timeout_ms", "body_timeout_ms", "idle_timeout_ms", "write_timeout_ms",
                             "auth_failure_limit", "auth_failure_window_s", "cleanup_interval_s",
                             "decline_redirects", "auto_approve_user_id", "auto_approve_hub_id"}) {
        CAPTURE(name);
        CHECK(find(name) != nullptr);
    }
    REQUIRE(find("code_ttl") != nullptr);
    CHECK(find("code_ttl")->default_value == "600");
    CHECK(find("revoke_cascades")->default_value == "true");
    CHECK(find("listen")->default_value == "127.0.0.1:8080");
    CHECK_FALSE(find("listen")->description.empty());
}

TEST_CASE("config: the file overrides defaults, the environment the file, flags the environment") {
    test::temp_dir dir;
    const std::string path = write_config(dir, R"({
        "_comment": "ignored",
        "code_ttl": 100,
        "access_token_ttl": 200,
        "threads": 3,
        "listen": "127.0.0.1:1111",
        "revoke_cascades": false,
        "db": null
    })");
    fake_env env{"HSOAUTH_CONFIG=" + path, "HSOAUTH_CODE_TTL=300", "HSOAUTH_ACCESS_TOKEN_TTL=400",
                 "HSOAUTH_LISTEN=127.0.0.1:2222", "HSOAUTH_UNRELATED_TOOL=whatever"};
    const auto s = config::load({"--code-ttl", "500", "--listen=0.0.0.0:0"}, env.get());
    CHECK(s.code_ttl == 500);           // flag over env over file
    CHECK(s.access_token_ttl == 400);   // env over file
    CHECK(s.threads == 3);              // file over default
    CHECK(s.listen == "0.0.0.0:0");     // --key=value form
    CHECK_FALSE(s.revoke_cascades);     // file
    CHECK(s.db == "var/hsoauth.db");    // null keeps the default
    CHECK(s.max_body_bytes == 16384);   // default

    fake_env file_only{"HSOAUTH_CONFIG=" + path};
    const auto f = config::load({}, file_only.get());
    CHECK(f.code_ttl == 100);
    CHECK(f.access_token_ttl == 200);
    CHECK(f.listen == "127.0.0.1:1111");
}

TEST_CASE("config: --config beats HSOAUTH_CONFIG") {
    test::temp_dir dir;
    const std::string flagged = write_config(dir, R"({"code_ttl": 11})");
    const std::string other = dir.file("other.json");
    {
        std::ofstream out(other);
        out << R"({"code_ttl": 22})";
    }
    fake_env env{"HSOAUTH_CONFIG=" + other};
    CHECK(config::load({"--config", flagged}, env.get()).code_ttl == 11);
    CHECK(config::load({}, env.get()).code_ttl == 22);
}

TEST_CASE("config: booleans, dashes and the env-only pepper") {
    fake_env env{"HSOAUTH_LOG_REQUESTS=0", "HSOAUTH_PEPPER=" + std::string(32, 'p')};
    const auto s = config::load({"--revoke-cascades", "false", "--decline-redirects", "1", "--auto-approve-user-id", "201",
                                 "--auto-approve-hub-id", "101"},
                                env.get());
    CHECK_FALSE(s.log_requests);
    CHECK_FALSE(s.revoke_cascades);
    CHECK(s.decline_redirects);
    CHECK(s.auto_approve_user_id == 201);
    CHECK(s.auto_approve_hub_id == 101);
    CHECK(s.pepper == std::string(32, 'p'));
}

TEST_CASE("config: unknown flags, unknown file keys and bad values are config_error") {
    test::temp_dir dir;
    fake_env empty{};
    CHECK(load_error({"--no-such-flag", "1"}, empty.get()).find("--no-such-flag") != std::string::npos);
    CHECK(load_error({"--pepper", std::string(32, 'p')}, empty.get()).find("--pepper") != std::string::npos);
    CHECK_FALSE(load_error({"code-ttl", "5"}, empty.get()).empty());
    CHECK(load_error({"--code-ttl"}, empty.get()).find("--code-ttl") != std::string::npos);
    CHECK(load_error({"--code-ttl", "abc"}, empty.get()).find("abc") != std::string::npos);
    CHECK_FALSE(load_error({"--code-ttl", "-5"}, empty.get()).empty());
    CHECK_FALSE(load_error({"--code-ttl", "5s"}, empty.get()).empty());
    CHECK_FALSE(load_error({"--code-ttl", "0"}, empty.get()).empty());
    CHECK_FALSE(load_error({"--code-ttl", "99999999999999999999"}, empty.get()).empty());
    CHECK_FALSE(load_error({"--revoke-cascades", "yes"}, empty.get()).empty());
    CHECK_FALSE(load_error({"--synchronous", "SOMETIMES"}, empty.get()).empty());
    CHECK_FALSE(load_error({"--listen", "no-port"}, empty.get()).empty());
    CHECK_FALSE(load_error({"--max-body-bytes", "100"}, empty.get()).empty());
    CHECK_FALSE(load_error({"--db", ""}, empty.get()).empty());
    CHECK_FALSE(load_error({"--auto-approve-user-id", "201"}, empty.get()).empty());

    fake_env bad_env{"HSOAUTH_THREADS=many"};
    CHECK(load_error({}, bad_env.get()).find("HSOAUTH_THREADS") != std::string::npos);
    fake_env short_pepper{"HSOAUTH_PEPPER=short"};
    CHECK_FALSE(load_error({}, short_pepper.get()).empty());

    const std::string unknown_key = write_config(dir, R"({"code_ttl": 5, "colour": "blue"})");
    CHECK(load_error({"--config", unknown_key}, empty.get()).find("colour") != std::string::npos);
    const std::string pepper_key = write_config(dir, R"({"pepper": "0123456789012345678901234567890123"})");
    CHECK(load_error({"--config", pepper_key}, empty.get()).find("pepper") != std::string::npos);
    const std::string bad_type = write_config(dir, R"({"code_ttl": "600"})");
    CHECK(load_error({"--config", bad_type}, empty.get()).find("code_ttl") != std::string::npos);
    const std::string bad_bool = write_config(dir, R"({"revoke_cascades": 1})");
    CHECK(load_error({"--config", bad_bool}, empty.get()).find("revoke_cascades") != std::string::npos);
    const std::string negative = write_config(dir, R"({"threads": -1})");
    CHECK_FALSE(load_error({"--config", negative}, empty.get()).empty());
    const std::string not_json = write_config(dir, "{ code_ttl: 5 ");
    CHECK_FALSE(load_error({"--config", not_json}, empty.get()).empty());
    const std::string array = write_config(dir, "[1, 2]");
    CHECK_FALSE(load_error({"--config", array}, empty.get()).empty());
    CHECK(load_error({"--config", dir.file("missing.json")}, empty.get()).find("missing.json") != std::string::npos);
}

TEST_CASE("config: split_listen") {
    CHECK(config::split_listen("127.0.0.1:8080") == std::pair<std::string, std::uint16_t>("127.0.0.1", 8080));
    CHECK(config::split_listen("localhost:0") == std::pair<std::string, std::uint16_t>("localhost", 0));
    CHECK(config::split_listen("[::1]:65535") == std::pair<std::string, std::uint16_t>("::1", 65535));
    CHECK(config::split_listen("0.0.0.0:443") == std::pair<std::string, std::uint16_t>("0.0.0.0", 443));
    for (const char* bad : {"", "localhost", ":8080", "host:", "host:65536", "host:-1", "host:80x", "host:+80",
                            "host: 80", "host:99999999999", "::1", "::1:80"}) {
        CAPTURE(bad);
        CHECK_THROWS_AS(config::split_listen(bad), config_error);
    }
}
