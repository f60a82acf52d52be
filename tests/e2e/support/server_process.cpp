#include "support/server_process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "support/admin_contract.hpp"
#include "support/http_client.hpp"
#include "support/unique_fd.hpp"

#ifndef HSOAUTH_BINARY
#error "HSOAUTH_BINARY must name the server binary"
#endif

namespace hsoauth::e2e {
namespace {

using clock_type = std::chrono::steady_clock;

constexpr auto start_timeout = std::chrono::seconds(15);
constexpr auto stop_timeout = std::chrono::seconds(10);
constexpr auto cli_timeout = std::chrono::seconds(60);
constexpr std::string_view listening_prefix = "listening on http://127.0.0.1:";
constexpr std::string_view tls_listening_prefix = "listening on https://127.0.0.1:";

std::pair<unique_fd, unique_fd> make_pipe() {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) {
        throw std::runtime_error(std::string("pipe2: ") + std::strerror(errno));
    }
    return {unique_fd(fds[0]), unique_fd(fds[1])};
}

// The port announced by a stdout line, if the line is the listening announcement.
std::optional<std::uint16_t> announced_port(std::string_view line,
                                           std::string_view prefix = listening_prefix) {
    const auto at = line.find(prefix);
    if (at == std::string_view::npos) {
        return std::nullopt;
    }
    const auto digits = line.substr(at + prefix.size());
    unsigned value = 0;
    const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
    if (ec != std::errc{} || end == digits.data() || value == 0 || value > 65535) {
        return std::nullopt;
    }
    return static_cast<std::uint16_t>(value);
}

// One read with poll until `deadline`. Returns bytes read (0 on EOF), or -1 on timeout.
ssize_t read_until(int fd, char* buffer, std::size_t size, clock_type::time_point deadline) {
    for (;;) {
        const auto remaining =
            std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock_type::now());
        if (remaining.count() <= 0) {
            return -1;
        }
        pollfd pfd{fd, POLLIN, 0};
        const int rc = ::poll(&pfd, 1, static_cast<int>(remaining.count()));
        if (rc < 0 && errno != EINTR) {
            throw std::runtime_error(std::string("poll: ") + std::strerror(errno));
        }
        if (rc <= 0) {
            continue;
        }
        const ssize_t n = ::read(fd, buffer, size);
        if (n >= 0) {
            return n;
        }
        if (errno != EINTR && errno != EAGAIN) {
            throw std::runtime_error(std::string("read: ") + std::strerror(errno));
        }
    }
}

std::string make_temp_dir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "hsoauth-e2e-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) {
        throw std::runtime_error(std::string("mkdtemp: ") + std::strerror(errno));
    }
    return pattern;
}

}  // namespace

server_process::server_process(server_options options)
    : options_(std::move(options)),
      dir_(make_temp_dir()),
      db_path_(dir_ + "/hsoauth.db"),
      log_path_(dir_ + "/server.log") {}

server_process::~server_process() {
    try {
        kill9();
    } catch (...) {
    }
    join_drain();
    if (std::getenv("HSOAUTH_KEEP_TEST_DIRS") == nullptr) {
        std::error_code ignored;
        std::filesystem::remove_all(dir_, ignored);
    }
}

void server_process::start() {
    if (pid_ > 0) {
        throw std::logic_error("server_process::start: already running");
    }
    join_drain();
    auto [read_end, write_end] = make_pipe();
    const unique_fd log_fd(
        ::open(log_path_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644));
    if (!log_fd) {
        throw std::runtime_error("cannot open " + log_path_ + ": " + std::strerror(errno));
    }
    std::vector<std::string> argv = {HSOAUTH_BINARY, "serve",  "--listen",    "127.0.0.1:0",
                                     "--db",         db_path_, "--admin-key", options_.admin_key};
    argv.insert(argv.end(), options_.extra_args.begin(), options_.extra_args.end());
    tls_port_ = 0;
    pid_ = spawn(argv, options_.env, write_end.get(), log_fd.get());
    write_end.reset();  // so EOF on read_end means the server (and its children) closed stdout

    const auto deadline = clock_type::now() + start_timeout;
    std::string pending;  // bytes after the last complete line
    for (;;) {
        char buffer[4096];
        const ssize_t n = read_until(read_end.get(), buffer, sizeof buffer, deadline);
        if (n < 0) {
            fail_start("no \"listening on\" line within 15 s");
        }
        if (n == 0) {
            fail_start("stdout closed before the \"listening on\" line");
        }
        pending.append(buffer, static_cast<std::size_t>(n));
        std::optional<std::uint16_t> found;
        std::size_t newline;
        while (!found && (newline = pending.find('\n')) != std::string::npos) {
            std::string line = pending.substr(0, newline + 1);
            pending.erase(0, newline + 1);
            const auto text = std::string_view(line).substr(0, line.find_first_of("\r\n"));
            found = announced_port(text);
            if (const auto tls = announced_port(text, tls_listening_prefix)) {
                tls_port_ = *tls;
            }
            const std::lock_guard lock(stdout_mutex_);
            stdout_ += line;
        }
        if (found) {
            port_ = *found;
            break;
        }
    }
    {
        const std::lock_guard lock(stdout_mutex_);
        stdout_ += pending;
    }
    stdout_fd_ = read_end.release();
    drain_ = std::thread([this] {
        char buffer[4096];
        for (;;) {
            const ssize_t n = ::read(stdout_fd_, buffer, sizeof buffer);
            if (n < 0 && errno == EINTR) {
                continue;
            }
            if (n <= 0) {
                break;
            }
            const std::lock_guard lock(stdout_mutex_);
            stdout_.append(buffer, static_cast<std::size_t>(n));
        }
        ::close(stdout_fd_);
    });
}

void server_process::fail_start(const std::string& why) {
    kill9();
    std::ostringstream message;
    message << "server failed to start: " << why;
    if (last_exit_status_) {
        message << " (exit status " << *last_exit_status_ << ")";
    }
    message << "\n--- command: " << HSOAUTH_BINARY << " serve ... (dir " << dir_ << ")"
            << "\n--- stdout:\n"
            << stdout_text() << "\n--- server.log:\n"
            << log_text();
    throw std::runtime_error(message.str());
}

int server_process::stop() {
    if (pid_ <= 0) {
        if (last_exit_status_) {
            return *last_exit_status_;
        }
        throw std::logic_error("server_process::stop: never started");
    }
    ::kill(pid_, SIGTERM);
    auto status = wait_for_exit(pid_, clock_type::now() + stop_timeout);
    if (!status) {
        ::kill(pid_, SIGKILL);
        status = wait_for_exit(pid_, clock_type::now() + stop_timeout);
    }
    if (!status) {
        throw std::runtime_error("server pid " + std::to_string(pid_) + " survived SIGKILL");
    }
    last_exit_status_ = status;
    pid_ = -1;
    join_drain();
    return *status;
}

void server_process::kill9() {
    if (pid_ <= 0) {
        return;
    }
    ::kill(pid_, SIGKILL);
    last_exit_status_ = wait_for_exit(pid_, clock_type::now() + stop_timeout);
    pid_ = -1;
    join_drain();
}

void server_process::restart() {
    stop();
    start();
}

bool server_process::running() {
    if (pid_ <= 0) {
        return false;
    }
    if (const auto status = wait_for_exit(pid_, clock_type::now())) {
        last_exit_status_ = status;
        pid_ = -1;
        join_drain();
        return false;
    }
    return true;
}

void server_process::join_drain() {
    if (drain_.joinable()) {
        drain_.join();
    }
    stdout_fd_ = -1;
}

std::string server_process::base_url() const {
    return "http://127.0.0.1:" + std::to_string(port_);
}

std::string server_process::stdout_text() const {
    const std::lock_guard lock(stdout_mutex_);
    return stdout_;
}

std::string server_process::log_text() const {
    std::ifstream in(log_path_, std::ios::binary);
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

std::string server_process::log_text_with(std::string_view needle) const {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(3);
    std::string log = log_text();
    while (log.find(needle) == std::string::npos && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
        log = log_text();
    }
    return log;
}

http_response server_process::admin(std::string_view method, std::string_view target,
                                    const nlohmann::json& body) const {
    header_list headers = {{"Authorization", "Bearer " + options_.admin_key}};
    if (!body.is_null()) headers.emplace_back("Content-Type", "application/json");
    http_response r = http_request(port_, method, target, headers, body.is_null() ? std::string() : body.dump());
    check_served_contract(port_, method, target, r);
    return r;
}

std::string run_cli(const std::vector<std::string>& args, int* exit_code, const env_list& env) {
    auto [read_end, write_end] = make_pipe();
    std::vector<std::string> argv = {HSOAUTH_BINARY};
    argv.insert(argv.end(), args.begin(), args.end());
    const pid_t pid = spawn(argv, env, write_end.get(), write_end.get());
    write_end.reset();

    const auto deadline = clock_type::now() + cli_timeout;
    std::string output;
    for (;;) {
        char buffer[4096];
        const ssize_t n = read_until(read_end.get(), buffer, sizeof buffer, deadline);
        if (n == 0) {
            break;
        }
        if (n < 0) {
            ::kill(pid, SIGKILL);
            (void)wait_for_exit(pid, clock_type::now() + stop_timeout);
            throw std::runtime_error("hsoauth CLI did not finish within 60 s; output:\n" + output);
        }
        output.append(buffer, static_cast<std::size_t>(n));
    }
    auto status = wait_for_exit(pid, deadline);
    if (!status) {
        ::kill(pid, SIGKILL);
        status = wait_for_exit(pid, clock_type::now() + stop_timeout);
    }
    if (exit_code != nullptr) {
        *exit_code = status.value_or(-1);
    }
    return output;
}

}  // namespace hsoauth::e2e
