#include "gateway/echo_upstream.hpp"

#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "support/subprocess.hpp"

namespace hsoauth::e2e {
namespace {

std::string read_all(const std::string& path) {
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

}  // namespace

echo_upstream::echo_upstream() {
    char path[] = "/tmp/hsoauth-echo-XXXXXX";
    const int fd = ::mkstemp(path);
    if (fd < 0) throw std::runtime_error("mkstemp failed");
    output_path_ = path;
    const std::string script = std::string(HSOAUTH_SOURCE_DIR) + "/tests/support/echo-upstream.mjs";
    pid_ = spawn({"/usr/bin/env", "node", script, "0"}, {}, fd, fd);
    ::close(fd);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    constexpr std::string_view prefix = "listening on http://127.0.0.1:";
    while (std::chrono::steady_clock::now() < deadline) {
        const std::string out = read_all(output_path_);
        const auto at = out.find(prefix);
        if (at != std::string::npos && out.find('\n', at) != std::string::npos) {
            port_ = static_cast<std::uint16_t>(std::atoi(out.c_str() + at + prefix.size()));
            return;
        }
        if (wait_for_exit(pid_, std::chrono::steady_clock::now())) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    const std::string out = read_all(output_path_);
    ::kill(pid_, SIGKILL);
    wait_for_exit(pid_, std::chrono::steady_clock::now() + std::chrono::seconds(5));
    ::unlink(output_path_.c_str());
    throw std::runtime_error("the echo stub did not start: " + out);
}

echo_upstream::~echo_upstream() {
    ::kill(pid_, SIGTERM);
    if (!wait_for_exit(pid_, std::chrono::steady_clock::now() + std::chrono::seconds(5))) {
        ::kill(pid_, SIGKILL);
        wait_for_exit(pid_, std::chrono::steady_clock::now() + std::chrono::seconds(5));
    }
    ::unlink(output_path_.c_str());
}

std::uint16_t closed_port() {
    const int s = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(s, reinterpret_cast<sockaddr*>(&address), sizeof address);
    socklen_t size = sizeof address;
    ::getsockname(s, reinterpret_cast<sockaddr*>(&address), &size);
    ::close(s);
    return ntohs(address.sin_port);
}

}  // namespace hsoauth::e2e
