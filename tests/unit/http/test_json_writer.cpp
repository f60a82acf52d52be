// The JSON writer of the hot responses (http/json_writer.hpp): its output parses back to what
// went in, whatever the strings hold.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "hsoauth/http/json_writer.hpp"

using namespace hsoauth::http;

TEST_CASE("json_writer: members come out in the order given, with numbers, strings and arrays") {
    const std::string text = json_object_writer()
                                 .add("access_token", "CAbc")
                                 .add("expires_in", std::int64_t{1800})
                                 .add("hub_id", std::int64_t{-7})
                                 .add("scopes", std::vector<std::string>{"oauth", "crm.objects.contacts.read"})
                                 .add("none", std::vector<std::string>{})
                                 .finish();
    CHECK(text ==
          R"({"access_token":"CAbc","expires_in":1800,"hub_id":-7,)"
          R"("scopes":["oauth","crm.objects.contacts.read"],"none":[]})");
}

TEST_CASE("json_writer: strings are escaped so that they parse back byte for byte") {
    std::string nasty = "quote\" backslash\\ slash/ tab\t newline\n cr\r bell\x07 unit\x1f é ✓";
    nasty.push_back('\0');
    const std::string text = json_object_writer().add("user", nasty).add("empty", "").finish();
    const auto parsed = nlohmann::json::parse(text);
    CHECK(parsed["user"].get<std::string>() == nasty);
    CHECK(parsed["empty"].get<std::string>().empty());
    CHECK(text.find('\n') == std::string::npos);
    CHECK(text.find("\\u0007") != std::string::npos);
}

TEST_CASE("json_writer: an empty object") { CHECK(json_object_writer().finish() == "{}"); }
