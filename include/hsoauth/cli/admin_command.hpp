#pragma once
// `hsoauth admin …`: a running server's admin API from the command line (docs/admin-cli.md).
//   hsoauth admin [--url URL] [--admin-key KEY] [--json] RESOURCE VERB [ARGS…]
// The base URL and key come from the flags, else HSOAUTH_URL and HSOAUTH_ADMIN_KEY, else
// http://127.0.0.1:8080 and no key. Answers are tables (or key: value lines) on stdout, the
// server's JSON with --json; errors are one line on stderr naming the problem.
#include <string>
#include <vector>

namespace hsoauth::cli {

// Exit codes a script can rely on.
inline constexpr int exit_ok = 0;
inline constexpr int exit_refused = 1;      // the server answered with an error (4xx other than 404, 5xx)
inline constexpr int exit_usage = 2;        // bad command line (as every hsoauth command)
inline constexpr int exit_unreachable = 3;  // no answer: cannot connect, time-out, not HTTP
inline constexpr int exit_not_found = 4;    // 404: no such app, hub, user or install

// Runs the command in `args` (the words after "admin"); returns the exit code.
int run_admin(const std::vector<std::string>& args, char** environment);

}  // namespace hsoauth::cli
