#include "crash_server.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "support/subprocess.hpp"

namespace hsoauth::crash {
namespace {

using steady = std::chrono::steady_clock;
using hsoauth::e2e::unique_fd;

constexpr std::string_view listening_prefix = "listening on http://127.0.0.1:";

std::pair<unique_fd, unique_fd> make_pipe() {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) throw std::runtime_error(std::string("pipe2: ") + std::strerror(errno));
    return {unique_fd(fds[0]), unique_fd(fds[1])};
}

// Reads `fd` until EOF or `deadline`, appending to `out`; false on timeout.
bool read_until_eof(int fd, std::string& out, steady::time_point deadline) {
    for (;;) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - steady::now()).count();
        if (left <= 0) return false;
        pollfd pfd{fd, POLLIN, 0};
        const int rc = ::poll(&pfd, 1, static_cast<int>(left));
        if (rc < 0 && errno != EINTR) throw std::runtime_error(std::string("poll: ") + std::strerror(errno));
        if (rc <= 0) continue;
        char buffer[4096];
        const ssize_t n = ::read(fd, buffer, sizeof buffer);
        if (n == 0) return true;
        if (n > 0) {
            out.append(buffer, static_cast<std::size_t>(n));
        } else if (errno != EINTR && errno != EAGAIN) {
            throw std::runtime_error(std::string("read: ") + std::strerror(errno));
        }
    }
}

std::string file_text(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

}  // namespace

crash_server::crash_server(std::string binary, std::string dir, std::string admin_key)
    : binary_(std::move(binary)),
      db_path_(dir + "/hsoauth.db"),
      log_path_(dir + "/server.log"),
      admin_key_(std::move(admin_key)) {}

crash_server::~crash_server() {
    try {
        kill9();
    } catch (...) {
    }
}

void crash_server::start() {
    if (pid_ > 0) throw std::logic_error("crash_server::start: already running");
    if (port_ != 0 && try_start(port_)) return;
    if (!try_start(0)) {
        throw std::runtime_error("server exited before listening; server.log:\n" + file_text(log_path_));
    }
}

bool crash_server::try_start(std::uint16_t port) {
    auto [read_end, write_end] = make_pipe();
    const unique_fd log_fd(::open(log_path_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644));
    if (!log_fd) throw std::runtime_error("cannot open " + log_path_);
    const std::vector<std::string> argv = {binary_, "serve", "--listen", "127.0.0.1:" + std::to_string(port),
                                           "--db",  db_path_, "--admin-key", admin_key_};
    pid_ = hsoauth::e2e::spawn(argv, {}, write_end.get(), log_fd.get());
    write_end.reset();

    const auto deadline = steady::now() + std::chrono::seconds(15);
    std::string seen;
    for (;;) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - steady::now()).count();
        if (left <= 0) {
            kill9();
            throw std::runtime_error("no \"listening on\" line within 15 s; server.log:\n" + file_text(log_path_));
        }
        pollfd pfd{read_end.get(), POLLIN, 0};
        if (::poll(&pfd, 1, static_cast<int>(left)) <= 0) continue;
        char buffer[1024];
        const ssize_t n = ::read(read_end.get(), buffer, sizeof buffer);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {  // stdout closed: the process is exiting (e.g. the port is taken)
            kill9();
            return false;
        }
        seen.append(buffer, static_cast<std::size_t>(n));
        const auto at = seen.find(listening_prefix);
        const auto end = at == std::string::npos ? std::string::npos : seen.find('\n', at);
        if (end != std::string::npos) {
            port_ = static_cast<std::uint16_t>(std::stoul(seen.substr(at + listening_prefix.size())));
            stdout_ = std::move(read_end);
            return true;
        }
    }
}

void crash_server::kill9() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGKILL);
    (void)hsoauth::e2e::wait_for_exit(pid_, steady::now() + std::chrono::seconds(15));
    pid_ = -1;
    stdout_.reset();
}

int crash_server::stop() {
    if (pid_ <= 0) throw std::logic_error("crash_server::stop: not running");
    ::kill(pid_, SIGTERM);
    auto status = hsoauth::e2e::wait_for_exit(pid_, steady::now() + std::chrono::seconds(15));
    if (!status) {
        ::kill(pid_, SIGKILL);
        status = hsoauth::e2e::wait_for_exit(pid_, steady::now() + std::chrono::seconds(15));
    }
    pid_ = -1;
    stdout_.reset();
    return status.value_or(-1);
}

std::string run_capture(const std::vector<std::string>& argv, int& exit_code) {
    auto [read_end, write_end] = make_pipe();
    const pid_t pid = hsoauth::e2e::spawn(argv, {}, write_end.get(), STDERR_FILENO);
    write_end.reset();
    std::string out;
    const auto deadline = steady::now() + std::chrono::seconds(60);
    const bool finished = read_until_eof(read_end.get(), out, deadline);
    const auto status = hsoauth::e2e::wait_for_exit(pid, finished ? deadline : steady::now());
    if (!status) {
        ::kill(pid, SIGKILL);
        (void)hsoauth::e2e::wait_for_exit(pid, steady::now() + std::chrono::seconds(5));
        throw std::runtime_error(argv.front() + " did not finish within 60 s");
    }
    exit_code = *status;
    while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
    return out;
}

}  // namespace hsoauth::crash
