#pragma once
// Names the threads the server starts, so that `top -H`, `perf` and /proc/PID/task/*/comm tell
// them apart (hs-net-0, hs-writer, hs-wal-sync, ...).
#include <cstddef>
#include <string_view>

namespace hsoauth::util {

// The longest name the kernel keeps (TASK_COMM_LEN 16, less the terminating NUL).
inline constexpr std::size_t max_thread_name = 15;

// Names the calling thread `name`, cut to max_thread_name bytes. Best effort: a platform
// without thread names, or a refusal, leaves the name as it was. Thread-safe; no allocation.
void name_this_thread(std::string_view name);

}  // namespace hsoauth::util
