#pragma once

// Spawning and reaping child processes for the e2e harness.

#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace hsoauth::e2e {

using env_list = std::vector<std::pair<std::string, std::string>>;

// fork/execv's argv[0] with argv, the parent's environment plus `env` (overriding same names),
// stdin from /dev/null, and stdout/stderr dup'ed from the given descriptors. The child gets
// SIGKILL if the spawning thread dies (PR_SET_PDEATHSIG), so a crashed test leaves no server.
// Exec failure shows up as exit status 127 with a message on the child's stderr.
// Safe to call while other threads run: nothing but async-signal-safe calls follow fork.
pid_t spawn(const std::vector<std::string>& argv, const env_list& env, int stdout_fd,
            int stderr_fd);

// Shell-style status: exit code if exited, 128 + signal number if killed by a signal.
int decode_wait_status(int status);

// Reaps `pid` if it has exited by `deadline`; returns its decoded status, or nullopt if it is
// still running. A zero-length wait just polls.
std::optional<int> wait_for_exit(pid_t pid, std::chrono::steady_clock::time_point deadline);

}  // namespace hsoauth::e2e
