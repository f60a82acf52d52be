#pragma once

// The hsoauth server as the crash driver runs it: a child process on 127.0.0.1 that is started,
// SIGKILLed and started again over the same database, keeping its port across restarts so that
// clients only ever see "connection refused" while it is down. Main thread only (the child is
// tied to the spawning thread through PR_SET_PDEATHSIG).

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

#include "support/unique_fd.hpp"

namespace hsoauth::crash {

class crash_server {
  public:
    // `binary`: the hsoauth executable; `dir`: an existing directory for the db and server.log.
    crash_server(std::string binary, std::string dir, std::string admin_key);
    ~crash_server();
    crash_server(const crash_server&) = delete;
    crash_server& operator=(const crash_server&) = delete;

    // Spawns `binary serve --listen 127.0.0.1:<port> --db <dir>/hsoauth.db --admin-key <key>`
    // (port 0 on the first start, the previous port afterwards, falling back to 0 if that one is
    // taken) and returns once stdout announces the port. Throws std::runtime_error, quoting
    // server.log, if that takes more than 15 s or the process exits first.
    void start();
    // SIGKILL and reap. No-op when not running.
    void kill9();
    // SIGTERM and wait up to 15 s (then SIGKILL). Returns the exit status (128 + signal if killed).
    int stop();

    std::uint16_t port() const { return port_; }
    const std::string& db_path() const { return db_path_; }
    const std::string& log_path() const { return log_path_; }
    const std::string& admin_key() const { return admin_key_; }

  private:
    // One attempt on `port`; false if the process exited before announcing a port.
    bool try_start(std::uint16_t port);

    std::string binary_;
    std::string db_path_;
    std::string log_path_;
    std::string admin_key_;
    pid_t pid_ = -1;
    std::uint16_t port_ = 0;
    hsoauth::e2e::unique_fd stdout_;  // kept open while the child runs, so it never gets SIGPIPE
};

// Runs argv (absolute program path first) to completion and returns its stdout without the
// trailing newline; stores the exit status in `exit_code`. Throws on spawn failure or after 60 s.
std::string run_capture(const std::vector<std::string>& argv, int& exit_code);

}  // namespace hsoauth::crash
