#include "hsoauth/gateway/expiry.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>

namespace hsoauth::gateway {

std::string expired_message(std::int64_t seconds_ago) {
    if (seconds_ago < 0) seconds_ago = 0;
    std::int64_t amount = seconds_ago;
    const char* unit = "second";
    if (seconds_ago >= 86'400) {
        amount = seconds_ago / 86'400;
        unit = "day";
    } else if (seconds_ago >= 3'600) {
        amount = seconds_ago / 3'600;
        unit = "hour";
    } else if (seconds_ago >= 60) {
        amount = seconds_ago / 60;
        unit = "minute";
    }
    return "The OAuth token used to make this call expired " + std::to_string(amount) + " " + unit +
           "(s) ago.";
}

std::string expire_time_text(std::int64_t epoch_seconds) {
    using namespace std::chrono;
    // Four-digit years only (0000-01-01 to 9999-12-31), which also keeps the calendar arithmetic
    // from overflowing.
    epoch_seconds = std::clamp<std::int64_t>(epoch_seconds, -62'167'219'200, 253'402'300'799);
    const sys_seconds instant{seconds{epoch_seconds}};
    const sys_days day = floor<days>(instant);
    const year_month_day date{day};
    const hh_mm_ss time{instant - day};
    char text[40];
    std::snprintf(text, sizeof text, "%04d-%02u-%02uT%02d:%02d:%02d.000Z",
                  static_cast<int>(date.year()), static_cast<unsigned>(date.month()),
                  static_cast<unsigned>(date.day()), static_cast<int>(time.hours().count()),
                  static_cast<int>(time.minutes().count()),
                  static_cast<int>(time.seconds().count()));
    return text;
}

}  // namespace hsoauth::gateway
