#pragma once
// One log line of an event (start-up, shutdown, a migration, a storage fault, a request), built
// field by field and written when the builder goes out of scope, in the log's format:
//   text:  2026-12-04T16:28:13Z info start version=0.1.0 listen="http://127.0.0.1:8080"
//   json:  {"time":"2026-12-04T16:28:13.123456Z","level":"info","event":"start","version":"0.1.0",…}
// Values are escaped as append_escaped does (request_log.hpp): every byte outside printable
// ASCII, and the backslash, is written as the text \xNN (in JSON, "\\xNN"), so no value can
// break a line or the JSON, or carry control characters; the double quote is \x22 in both.
// Nothing is built when the log does not keep the level. Not thread-safe: one builder per line.
#include <cstdint>
#include <string>
#include <string_view>

#include "hsoauth/http/log_writer.hpp"

namespace hsoauth::http {

class log_event {
  public:
    log_event(log_writer& log, log_level level, std::string_view event);
    ~log_event();
    log_event(const log_event&) = delete;
    log_event& operator=(const log_event&) = delete;

    // `key` must be a plain identifier ([a-z_]+): it is written as is.
    log_event& add(std::string_view key, std::string_view value);
    log_event& add(std::string_view key, const char* value) { return add(key, std::string_view(value)); }
    log_event& add(std::string_view key, const std::string& value) { return add(key, std::string_view(value)); }
    log_event& add(std::string_view key, std::int64_t value);
    log_event& add(std::string_view key, int value) { return add(key, static_cast<std::int64_t>(value)); }
    log_event& add(std::string_view key, std::uint64_t value) { return add(key, static_cast<std::int64_t>(value)); }
    log_event& add(std::string_view key, bool value);
    // A value already escaped to printable ASCII (masked_path's): only the double quote is
    // escaped further.
    log_event& add_printable(std::string_view key, std::string_view value);

  private:
    void key(std::string_view name);

    log_writer& log_;
    bool on_;
    bool json_;
    std::string& line_;  // a per-thread buffer
};

// `seconds` and `micros` past the epoch as "2026-12-04T16:28:13.123456Z".
void append_utc_micros(std::string& out, std::int64_t micros_since_epoch);

}  // namespace hsoauth::http
