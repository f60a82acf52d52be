#include "hsoauth/app/lifecycle_log.hpp"

#include <unistd.h>

#include "hsoauth/app/assembly.hpp"
#include "hsoauth/http/log_event.hpp"

namespace hsoauth::app {

void log_migrations(http::log_writer& log, const std::vector<storage::sqlite::applied_migration>& applied) {
    for (const auto& m : applied) {
        http::log_event(log, http::log_level::info, "migration")
            .add("schema_version", m.version)
            .add("name", m.name)
            .add("why", m.why);
    }
}

void log_started(http::log_writer& log, const config::settings& settings, const std::vector<std::string>& urls) {
    std::string listening;
    for (const auto& url : urls) listening += (listening.empty() ? "" : " ") + url;
    http::log_event(log, http::log_level::info, "start")
        .add("version", HSOAUTH_VERSION)
        .add("pid", static_cast<std::int64_t>(::getpid()))
        .add("listen", listening)
        .add("db", settings.db)
        .add("synchronous", settings.synchronous)
        .add("threads", static_cast<std::uint64_t>(network_threads_of(settings)))
        .add("metrics_access", settings.metrics_access);
}

void log_stopped(http::log_writer& log, const storage::store_statistics& stats) {
    http::log_event(log, http::log_level::info, "stop")
        .add("writes", stats.committed_jobs)
        .add("commits", stats.commits)
        .add("flushes", stats.flushes)
        .add("failed_batches", stats.failed_batches);
}

}  // namespace hsoauth::app
