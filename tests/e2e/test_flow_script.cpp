// scripts/auth-code-flow.sh, the walk-through a user runs against a server seeded with
// conf/seed.json, must succeed end to end against the real binary.

#include <doctest/doctest.h>
#include <sys/wait.h>

#include <cstdio>
#include <stdexcept>
#include <string>

#include "support/server_process.hpp"

using namespace hsoauth::e2e;

namespace {

std::string shell_quote(const std::string& text) {
    std::string out = "'";
    for (const char c : text) {
        if (c == '\'') {
            out += "'\\''";
        } else {
            out += c;
        }
    }
    return out + "'";
}

// Runs `command` through /bin/sh with stderr folded into stdout; returns the output and stores
// the shell-style exit status in *exit_code.
std::string run_shell(const std::string& command, int* exit_code) {
    FILE* pipe = ::popen((command + " 2>&1 </dev/null").c_str(), "r");
    if (pipe == nullptr) throw std::runtime_error("popen failed: " + command);
    std::string out;
    char buffer[4096];
    while (const std::size_t n = std::fread(buffer, 1, sizeof buffer, pipe)) out.append(buffer, n);
    const int status = ::pclose(pipe);
    *exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
    return out;
}

const std::string source_dir = HSOAUTH_SOURCE_DIR;

}  // namespace

TEST_CASE("scripts/auth-code-flow.sh walks the whole flow against a server seeded with conf/seed.json") {
    server_options options;
    options.extra_args = {"--seed", source_dir + "/conf/seed.json"};
    server_process server(options);
    server.start();

    int exit_code = -1;
    const std::string output = run_shell(
        "timeout 120 bash " + shell_quote(source_dir + "/scripts/auth-code-flow.sh") + " " + shell_quote(server.base_url()),
        &exit_code);
    INFO("script output:\n", output, "\nserver log:\n", server.log_text());
    CHECK(exit_code == 0);
    CHECK(output.find("the whole flow behaved as HubSpot does") != std::string::npos);
    CHECK(output.find("FAILED") == std::string::npos);
    // The script really went through the consent form and the token endpoint (its last request,
    // the revocation, is waited for: log lines may lag the answer by 10 ms).
    const std::string log = server.log_text_with("DELETE /oauth/v1/refresh-tokens/*** 204");
    CHECK(log.find("POST /oauth/authorize 303") != std::string::npos);
    CHECK(log.find("POST /oauth/v1/token 200") != std::string::npos);
    CHECK(log.find("DELETE /oauth/v1/refresh-tokens/*** 204") != std::string::npos);
}

TEST_CASE("scripts/auth-code-flow.sh fails when the server does not behave") {
    // A redirect URI the demo app never registered: the authorize URL answers an error page.
    server_options options;
    options.extra_args = {"--seed", source_dir + "/conf/seed.json"};
    server_process server(options);
    server.start();
    int exit_code = -1;
    const std::string output = run_shell("REDIRECT_URI=http://localhost:3000/elsewhere timeout 120 bash " +
                                             shell_quote(source_dir + "/scripts/auth-code-flow.sh") + " " +
                                             shell_quote(server.base_url()),
                                         &exit_code);
    INFO("script output:\n", output);
    CHECK(exit_code != 0);
    CHECK(output.find("the whole flow behaved as HubSpot does") == std::string::npos);
}
