// How a view's reply turns a service outcome into the answer (http/answer.hpp), on whatever thread
// the outcome arrives.
#include <doctest/doctest.h>

#include <stdexcept>

#include "hsoauth/http/answer.hpp"
#include "hsoauth/storage/errors.hpp"
#include "quiet_log.hpp"

using namespace hsoauth;
using http::response;

namespace {

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

response shape(service::outcome<int> out) {
    static test::quiet_log sink;
    return http::shape_answer(out, value_as_201, client_error_as_418, "corr-1", sink.writer());
}

}  // namespace

TEST_CASE("answer: a value goes through on_value, a domain error through on_error") {
    const auto answered = shape(7);
    CHECK(answered.status == 201);
    CHECK(answered.body == "7");
    CHECK(shape(oauth::make_error(oauth::errc::invalid_refresh_token)).status == 418);
}

TEST_CASE("answer: a storage fault that passes answers 503 with Retry-After, anything else 500") {
    const auto unavailable = shape(
        service::failure{std::make_exception_ptr(storage::storage_error(13, "disk full", true))});
    CHECK(unavailable.status == 503);
    bool retry_after = false;
    for (const auto& [name, value] : unavailable.headers)
        retry_after = retry_after || name == "Retry-After";
    CHECK(retry_after);
    CHECK(shape(service::failure{
                    std::make_exception_ptr(storage::storage_error(11, "corrupt", false))})
              .status == 500);
    CHECK(shape(service::failure{std::make_exception_ptr(std::runtime_error("bug"))}).status ==
          500);
}

TEST_CASE("answer: a shaping function that throws answers 500 instead of escaping") {
    test::quiet_log sink;
    service::outcome<int> out(7);
    auto throwing = [](int&) -> response { throw std::runtime_error("cannot render"); };
    const auto answered =
        http::shape_answer(out, throwing, client_error_as_418, "corr-2", sink.writer());
    CHECK(answered.status == 500);
}
