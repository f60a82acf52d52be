// Event lines in both log formats: every value escaped, JSON lines parse, levels filter.
#include <doctest/doctest.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include <string>

#include "hsoauth/http/log_event.hpp"
#include "hsoauth/http/log_writer.hpp"

using namespace hsoauth::http;

namespace {

// Everything `write` logs in `style`, as written to a pipe.
template <class Write>
std::string logged(log_style style, Write write) {
    int fds[2];
    REQUIRE(::pipe(fds) == 0);
    {
        log_writer log(fds[1], style);
        write(log);
    }
    ::close(fds[1]);
    std::string out;
    char buffer[4096];
    for (ssize_t n; (n = ::read(fds[0], buffer, sizeof buffer)) > 0;) out.append(buffer, static_cast<std::size_t>(n));
    ::close(fds[0]);
    return out;
}

const std::string hostile = "a \"quoted\"\\ value\n\x1b[31m\xe2\x80\xae\xff";

}  // namespace

TEST_CASE("log_event: JSON lines parse, whatever the values hold") {
    const std::string out = logged({log_format::json, log_level::info, true}, [](log_writer& log) {
        log_event(log, log_level::warn, "storage_unavailable").add("cause", hostile).add("count", 3).add("ok", true);
    });
    REQUIRE(!out.empty());
    REQUIRE(out.back() == '\n');
    const auto line = nlohmann::json::parse(out.substr(0, out.size() - 1));
    CHECK(line.at("level") == "warn");
    CHECK(line.at("event") == "storage_unavailable");
    CHECK(line.at("count") == 3);
    CHECK(line.at("ok") == true);
    CHECK(line.at("cause") == "a \\x22quoted\\x22\\x5c value\\x0a\\x1b[31m\\xe2\\x80\\xae\\xff");
}

TEST_CASE("log_event: text lines quote values with spaces and escape the rest") {
    const std::string out = logged({log_format::text, log_level::info, true}, [](log_writer& log) {
        log_event(log, log_level::info, "start").add("listen", "http://a http://b").add("cause", hostile).add("n", 7);
    });
    CHECK(out.find(" info start listen=\"http://a http://b\" cause=\"a \\x22quoted\\x22\\x5c value\\x0a\\x1b[31m"
                   "\\xe2\\x80\\xae\\xff\" n=7\n") != std::string::npos);
    CHECK(out.find('\x1b') == std::string::npos);
}

TEST_CASE("log_event: lines under the least level are not written") {
    const std::string out = logged({log_format::text, log_level::warn, true}, [](log_writer& log) {
        log_event(log, log_level::info, "start").add("x", 1);
        log_event(log, log_level::error, "internal_error").add("x", 2);
    });
    CHECK(out.find("start") == std::string::npos);
    CHECK(out.find("error internal_error x=2") != std::string::npos);
}
