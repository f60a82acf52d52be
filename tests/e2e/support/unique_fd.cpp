#include "support/unique_fd.hpp"

#include <unistd.h>

namespace hsoauth::e2e {

void unique_fd::reset(int fd) {
    if (fd_ >= 0) {
        ::close(fd_);
    }
    fd_ = fd;
}

}  // namespace hsoauth::e2e
