#pragma once
// The server's stderr log, written off the request path: log_line() appends to a buffer and a
// background thread writes what has gathered, at most about a millisecond later, in one write(2).
// Lines stay whole and in order; whatever is buffered is written before the process exits
// normally (a SIGKILL loses at most the last millisecond of lines).
#include <string_view>

namespace hsoauth::http {

// Appends `line` and a newline to the log. Thread-safe; never blocks on the disk.
void log_line(std::string_view line);

// Writes everything buffered now (also runs at exit).
void flush_log();

}  // namespace hsoauth::http
