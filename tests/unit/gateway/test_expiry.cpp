// The texts of HubSpot's 401 for an expired token (gateway/expiry.hpp).
#include <doctest/doctest.h>

#include <cstdint>
#include <string>

#include "hsoauth/gateway/expiry.hpp"

using namespace hsoauth::gateway;

namespace {

std::string ago(std::int64_t seconds) {
    const std::string message = expired_message(seconds);
    const std::string prefix = "The OAuth token used to make this call expired ";
    const std::string suffix = " ago.";
    REQUIRE(message.starts_with(prefix));
    REQUIRE(message.ends_with(suffix));
    return message.substr(prefix.size(), message.size() - prefix.size() - suffix.size());
}

}  // namespace

TEST_CASE("gateway: the expiry message is HubSpot's") {
    CHECK(expired_message(0) == "The OAuth token used to make this call expired 0 second(s) ago.");
}

TEST_CASE("gateway: the expiry message scales its unit, rounding down") {
    CHECK(ago(0) == "0 second(s)");
    CHECK(ago(1) == "1 second(s)");
    CHECK(ago(59) == "59 second(s)");
    CHECK(ago(60) == "1 minute(s)");
    CHECK(ago(119) == "1 minute(s)");
    CHECK(ago(300) == "5 minute(s)");
    CHECK(ago(3599) == "59 minute(s)");
    CHECK(ago(3600) == "1 hour(s)");
    CHECK(ago(5 * 3600 + 3599) == "5 hour(s)");
    CHECK(ago(86399) == "23 hour(s)");
    CHECK(ago(86400) == "1 day(s)");
    CHECK(ago(19884LL * 86400 + 86399) == "19884 day(s)");
    CHECK(ago(-5) == "0 second(s)");
}

TEST_CASE("gateway: expire time is ISO 8601 UTC with milliseconds") {
    CHECK(expire_time_text(1773183881) == "2026-03-10T23:04:41.000Z");
    CHECK(expire_time_text(0) == "1970-01-01T00:00:00.000Z");
    CHECK(expire_time_text(-1) == "1969-12-31T23:59:59.000Z");
    CHECK(expire_time_text(951825600) == "2000-02-29T12:00:00.000Z");
    CHECK(expire_time_text(253402300799) == "9999-12-31T23:59:59.000Z");
    CHECK(expire_time_text(INT64_MAX) == "9999-12-31T23:59:59.000Z");
    CHECK(expire_time_text(INT64_MIN) == "0000-01-01T00:00:00.000Z");
}
