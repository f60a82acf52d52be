#include "support/subprocess.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <thread>

extern char** environ;

namespace hsoauth::e2e {
namespace {

std::vector<std::string> merged_environment(const env_list& overrides) {
    std::vector<std::string> out;
    for (char** entry = environ; *entry != nullptr; ++entry) {
        const std::string_view text(*entry);
        const auto name = text.substr(0, text.find('='));
        bool overridden = false;
        for (const auto& item : overrides) {
            overridden = overridden || item.first == name;
        }
        if (!overridden) {
            out.emplace_back(text);
        }
    }
    for (const auto& [name, value] : overrides) {
        out.push_back(name + "=" + value);
    }
    return out;
}

std::vector<char*> pointers_to(std::vector<std::string>& strings) {
    std::vector<char*> out;
    out.reserve(strings.size() + 1);
    for (auto& s : strings) {
        out.push_back(s.data());
    }
    out.push_back(nullptr);
    return out;
}

void write_stderr(const char* text) {
    (void)!::write(STDERR_FILENO, text, std::strlen(text));
}

}  // namespace

pid_t spawn(const std::vector<std::string>& argv, const env_list& env, int stdout_fd,
            int stderr_fd) {
    if (argv.empty()) {
        throw std::invalid_argument("spawn: empty argv");
    }
    // Everything the child needs is prepared before fork.
    std::vector<std::string> args = argv;
    std::vector<std::string> environment = merged_environment(env);
    const std::vector<char*> arg_ptrs = pointers_to(args);
    const std::vector<char*> env_ptrs = pointers_to(environment);
    const int dev_null = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (dev_null < 0) {
        throw std::runtime_error("open /dev/null failed");
    }
    const pid_t parent = ::getpid();

    const pid_t pid = ::fork();
    if (pid < 0) {
        const int error = errno;
        ::close(dev_null);
        throw std::runtime_error(std::string("fork: ") + std::strerror(error));
    }
    if (pid == 0) {
        ::prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (::getppid() != parent) {
            ::_exit(127);
        }
        // dup2 clears FD_CLOEXEC on the target; the originals close on exec.
        if (::dup2(dev_null, STDIN_FILENO) < 0 || ::dup2(stdout_fd, STDOUT_FILENO) < 0 ||
            ::dup2(stderr_fd, STDERR_FILENO) < 0) {
            ::_exit(127);
        }
        ::execve(arg_ptrs[0], arg_ptrs.data(), env_ptrs.data());
        write_stderr("hsoauth e2e: execve failed: ");
        write_stderr(arg_ptrs[0]);
        write_stderr("\n");
        ::_exit(127);
    }
    ::close(dev_null);
    return pid;
}

int decode_wait_status(int status) {
    if (WIFEXITED(status)) {
        return WEXITSTATUS(status);
    }
    if (WIFSIGNALED(status)) {
        return 128 + WTERMSIG(status);
    }
    return -1;
}

std::optional<int> wait_for_exit(pid_t pid, std::chrono::steady_clock::time_point deadline) {
    for (;;) {
        int status = 0;
        const pid_t rc = ::waitpid(pid, &status, WNOHANG);
        if (rc == pid) {
            return decode_wait_status(status);
        }
        if (rc < 0 && errno != EINTR) {
            throw std::runtime_error(std::string("waitpid: ") + std::strerror(errno));
        }
        if (std::chrono::steady_clock::now() >= deadline) {
            return std::nullopt;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
}

}  // namespace hsoauth::e2e
