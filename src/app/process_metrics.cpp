#include "hsoauth/app/process_metrics.hpp"

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace hsoauth::app {
namespace {

std::atomic<double> start_seconds{0};

}  // namespace

void note_process_start() {
    start_seconds.store(std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count());
}

void collect_process_metrics(metrics::exposition& out) {
    out.family("hsoauth_build_info", "gauge", "Always 1; the version of the running binary.");
    out.sample("hsoauth_build_info", {{"version", HSOAUTH_VERSION}}, std::uint64_t{1});
    out.family("process_start_time_seconds", "gauge", "Start time of the process since the Unix epoch in seconds.");
    out.sample("process_start_time_seconds", {}, start_seconds.load());

    // /proc/self/stat: fields 14 and 15 are utime and stime in clock ticks, 24 the RSS in pages.
    std::ifstream stat_file("/proc/self/stat");
    std::string stat_line;
    std::getline(stat_file, stat_line);
    const auto after_name = stat_line.rfind(')');
    if (after_name != std::string::npos) {
        std::istringstream fields(stat_line.substr(after_name + 2));
        std::string field;
        double utime = 0, stime = 0, rss_pages = 0;
        for (int index = 3; fields >> field; ++index) {
            if (index == 14) utime = std::stod(field);
            if (index == 15) stime = std::stod(field);
            if (index == 24) {
                rss_pages = std::stod(field);
                break;
            }
        }
        const double ticks = static_cast<double>(::sysconf(_SC_CLK_TCK));
        out.family("process_cpu_seconds_total", "counter", "Total user and system CPU time spent in seconds.");
        out.sample("process_cpu_seconds_total", {}, (utime + stime) / ticks);
        out.family("process_resident_memory_bytes", "gauge", "Resident memory size in bytes.");
        out.sample("process_resident_memory_bytes", {}, rss_pages * static_cast<double>(::sysconf(_SC_PAGESIZE)));
    }
    std::error_code ec;
    std::uint64_t fds = 0;
    for (std::filesystem::directory_iterator it("/proc/self/fd", ec), end; !ec && it != end; it.increment(ec)) ++fds;
    out.family("process_open_fds", "gauge", "Number of open file descriptors.");
    out.sample("process_open_fds", {}, fds);
}

}  // namespace hsoauth::app
