#pragma once

// The echo stub (tests/support/echo-upstream.mjs) as a child process: the API mock that the
// gateway tests put behind hsoauth. Started on a free loopback port; stopped on destruction.

#include <sys/types.h>

#include <cstdint>
#include <string>

namespace hsoauth::e2e {

class echo_upstream {
  public:
    // Starts `node tests/support/echo-upstream.mjs 0` and waits (10 s at most) for its
    // "listening on" line. Throws std::runtime_error with its output when it does not come.
    echo_upstream();
    ~echo_upstream();
    echo_upstream(const echo_upstream&) = delete;
    echo_upstream& operator=(const echo_upstream&) = delete;

    std::uint16_t port() const { return port_; }
    // "http://127.0.0.1:<port>", as gateway_upstream takes it.
    std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }

  private:
    pid_t pid_ = -1;
    std::uint16_t port_ = 0;
    std::string output_path_;
};

// A loopback port nothing listens on (bound, then closed): an upstream that refuses.
std::uint16_t closed_port();

}  // namespace hsoauth::e2e
