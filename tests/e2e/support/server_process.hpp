#pragma once

// Runs the real hsoauth binary as a child process on an ephemeral loopback port with a
// private temporary directory and database.

#include <sys/types.h>

#include <cstdint>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "support/http_response.hpp"
#include "support/subprocess.hpp"

namespace hsoauth::e2e {

struct server_options {
    // Appended after the harness's own flags, so a repeated flag here is seen last.
    std::vector<std::string> extra_args{};
    // Added to (or overriding) the test process's environment.
    std::vector<std::pair<std::string, std::string>> env{};
    std::string admin_key = "test-admin-key-0123456789";
};

// Not copyable or movable; create one per test case (or share one per test binary).
class server_process {
  public:
    // Creates the temp dir /tmp/hsoauth-e2e-XXXXXX; does not start the server.
    explicit server_process(server_options options = {});
    ~server_process();
    server_process(const server_process&) = delete;
    server_process& operator=(const server_process&) = delete;

    // Spawns `HSOAUTH_BINARY serve --listen 127.0.0.1:0 --db <db> --admin-key <key> <extra>`,
    // stdout to a pipe, stderr appended to <dir>/server.log, and returns once stdout shows
    // "listening on http://127.0.0.1:<port>" (noting "listening on https://127.0.0.1:<port>" when it
    // comes first). Throws std::runtime_error with the log and stdout
    // if that line does not come within 15 s or the process exits first (it is then reaped).
    // Precondition: not running.
    void start();

    // SIGTERM, then waits up to 10 s (SIGKILL after that). Returns the exit code, or
    // 128 + signal if killed by a signal. If already exited, returns that status. Throws if
    // never started.
    int stop();
    // SIGKILL and reap; no-op if not running.
    void kill9();
    // stop() then start(): same db, args and env. The port is new (ephemeral).
    void restart();

    // True while the child has not exited (reaps it if it has).
    bool running();
    pid_t pid() const { return pid_; }
    // Port of the current run; 0 before the first start.
    std::uint16_t port() const { return port_; }
    // HTTPS port of the current run (announced before the plain one); 0 when none.
    std::uint16_t tls_port() const { return tls_port_; }
    std::string base_url() const;
    const std::string& dir() const { return dir_; }
    const std::string& db_path() const { return db_path_; }
    std::string admin_key() const { return options_.admin_key; }
    const server_options& options() const { return options_; }
    // Status of the last run that ended, if any.
    std::optional<int> last_exit_status() const { return last_exit_status_; }

    // Everything the server wrote to stdout, across all runs (restart appends).
    std::string stdout_text() const;
    // Contents of <dir>/server.log (stderr of all runs).
    std::string log_text() const;
    // The same, once `needle` is in it or 3 s have passed: the server writes its log lines up to
    // 10 ms after the request (log_writer.hpp), so a line of a request just answered may lag.
    std::string log_text_with(std::string_view needle) const;

    // Request with "Authorization: Bearer <admin key>"; a non-null body is sent as JSON with
    // Content-Type: application/json. Inside a doctest test, the answer is checked against the
    // OpenAPI document the server serves (support/admin_contract.hpp).
    http_response admin(std::string_view method, std::string_view target,
                        const nlohmann::json& body = nullptr) const;

  private:
    void join_drain();
    [[noreturn]] void fail_start(const std::string& why);

    server_options options_;
    std::string dir_;
    std::string db_path_;
    std::string log_path_;
    pid_t pid_ = -1;
    std::uint16_t port_ = 0;
    std::uint16_t tls_port_ = 0;
    std::optional<int> last_exit_status_;
    int stdout_fd_ = -1;  // owned by the drain thread while it runs
    std::thread drain_;
    mutable std::mutex stdout_mutex_;
    std::string stdout_;
};

// Runs `HSOAUTH_BINARY args...` to completion (stdin /dev/null, 60 s limit) and returns
// stdout and stderr interleaved. Stores the exit code (128 + signal if killed) in *exit_code
// when non-null. Throws on spawn failure or timeout.
std::string run_cli(const std::vector<std::string>& args, int* exit_code, const env_list& env = {});

}  // namespace hsoauth::e2e
