#pragma once
// The texts of HubSpot's 401 EXPIRED_AUTHENTICATION answer to a call made with an expired token.
#include <cstdint>
#include <string>

namespace hsoauth::gateway {

// "The OAuth token used to make this call expired N <unit>(s) ago." The unit scales with the age,
// rounding down: under 60 s in seconds, under 60 min in minutes, under 24 h in hours, else in days
// ("0 second(s)", "5 minute(s)", "19884 day(s)"; HubSpot's cut-over points are not documented).
// A negative age reads as 0 seconds.
std::string expired_message(std::int64_t seconds_ago);

// The body's context."expire time" entry: an instant as ISO 8601 UTC with milliseconds,
// "2026-03-10T23:04:41.000Z", from seconds since the Unix epoch (before 1970 too). Instants
// outside years 0000 to 9999 are clamped to the nearest end of that range.
std::string expire_time_text(std::int64_t epoch_seconds);

}  // namespace hsoauth::gateway
