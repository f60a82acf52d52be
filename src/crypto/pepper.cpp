#include "hsoauth/crypto/pepper.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

#include "hsoauth/crypto/random.hpp"

namespace hsoauth::crypto {
namespace {

std::string read_all(int fd) {
    std::string out;
    char buffer[256];
    for (;;) {
        const ssize_t n = ::read(fd, buffer, sizeof buffer);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        out.append(buffer, static_cast<std::size_t>(n));
    }
    while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
    return out;
}

}  // namespace

std::string load_or_create_pepper(const std::string& path, random_source* source) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0 && errno == ENOENT) {
        fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
        if (fd >= 0) {
            const std::string pepper = hex(source ? source->bytes(32) : random_bytes(32)) + "\n";
            const bool written = ::write(fd, pepper.data(), pepper.size()) ==
                                 static_cast<ssize_t>(pepper.size()) && ::fsync(fd) == 0;
            ::close(fd);
            if (!written) throw std::runtime_error("cannot write pepper file " + path);
        }
        fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    }
    if (fd < 0) {
        throw std::runtime_error("cannot open pepper file " + path + ": " + std::strerror(errno));
    }
    struct stat info {};
    if (::fstat(fd, &info) != 0 || (info.st_mode & 077) != 0) {
        ::close(fd);
        throw std::runtime_error("pepper file " + path + " must not be readable by others (chmod 600)");
    }
    std::string pepper = read_all(fd);
    ::close(fd);
    if (pepper.size() < 32) throw std::runtime_error("pepper file " + path + " is too short");
    return pepper;
}

}  // namespace hsoauth::crypto
