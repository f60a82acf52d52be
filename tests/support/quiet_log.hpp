#pragma once
// A request log that discards what it is given, for unit tests that must hand one to the code
// under test: an http::log_writer over /dev/null. The descriptor is closed only after the
// writer's thread has stopped (members are destroyed in reverse order), so no write can race the
// close.
#include <fcntl.h>
#include <unistd.h>

#include "hsoauth/http/log_writer.hpp"

namespace hsoauth::test {

class quiet_log {
  public:
    quiet_log() = default;
    quiet_log(const quiet_log&) = delete;
    quiet_log& operator=(const quiet_log&) = delete;

    http::log_writer& writer() { return log_; }

  private:
    struct null_file {
        int fd = ::open("/dev/null", O_WRONLY | O_CLOEXEC);
        ~null_file() { ::close(fd); }
    };
    null_file file_;
    http::log_writer log_{file_.fd};
};

}  // namespace hsoauth::test
