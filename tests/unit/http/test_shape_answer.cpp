// How write_then turns a write's outcome into the answer, on the thread that completes the write.
#include <doctest/doctest.h>

#include <optional>
#include <stdexcept>

#include "hsoauth/http/write_then.hpp"
#include "hsoauth/storage/errors.hpp"

using namespace hsoauth;
using http::response;

namespace {

using outcome_type = std::optional<oauth::result<int>>;

auto value_as_201 = [](int& value) {
    response r;
    r.status = 201;
    r.body = std::to_string(value);
    return r;
};
auto client_error_as_418 = [](const oauth::error&) {
    response r;
    r.status = 418;
    return r;
};

response shape(outcome_type& outcome, std::exception_ptr error) {
    return http::detail::shape_answer(outcome, error, value_as_201, client_error_as_418, "corr-1");
}

}  // namespace

TEST_CASE("write_then: a value goes through on_value, a client error through on_client_error") {
    outcome_type ok{oauth::result<int>(7)};
    const auto answered = shape(ok, nullptr);
    CHECK(answered.status == 201);
    CHECK(answered.body == "7");

    outcome_type refused{oauth::result<int>(oauth::make_error(oauth::errc::bad_refresh_token))};
    CHECK(shape(refused, nullptr).status == 418);
    // A job that rolled itself back still answers with the error it recorded.
    CHECK(shape(refused, std::make_exception_ptr(storage::rollback_only{})).status == 418);
}

TEST_CASE("write_then: a storage fault that passes answers 503, anything else 500") {
    outcome_type none;
    // The engine decides whether a fault passes (13: SQLite's SQLITE_FULL, 19: SQLITE_CONSTRAINT).
    CHECK(shape(none, std::make_exception_ptr(storage::storage_error(13, "disk full", true))).status == 503);
    CHECK(shape(none, std::make_exception_ptr(storage::storage_error(19, "constraint failed", false))).status == 500);
    CHECK(shape(none, std::make_exception_ptr(std::runtime_error("bug"))).status == 500);
}

TEST_CASE("write_then: a shaping function that throws answers 500 instead of escaping") {
    outcome_type ok{oauth::result<int>(7)};
    auto throwing = [](int&) -> response { throw std::runtime_error("cannot render"); };
    const auto answered = http::detail::shape_answer(ok, nullptr, throwing, client_error_as_418, "corr-2");
    CHECK(answered.status == 500);
}
