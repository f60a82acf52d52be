#pragma once
// The events of a server's life, as log lines (http/log_event.hpp) in the configured format:
// each migration applied when the store opened, the start (version, addresses, database,
// threads), and the stop (what the store wrote). The drain on SIGTERM is the server's own event.
#include <string>
#include <vector>

#include "hsoauth/config/config.hpp"
#include "hsoauth/http/log_writer.hpp"
#include "hsoauth/storage/sqlite/migrations.hpp"
#include "hsoauth/storage/store.hpp"

namespace hsoauth::app {

void log_migrations(http::log_writer& log, const std::vector<storage::sqlite::applied_migration>& applied);
void log_started(http::log_writer& log, const config::settings& settings, const std::vector<std::string>& urls);
void log_stopped(http::log_writer& log, const storage::store_statistics& stats);

}  // namespace hsoauth::app
