// The configuration table (docs/configuration.md, linked from the README) is
// config::markdown_table(), generated from the one list of keys in config.cpp: a key added,
// renamed or redescribed there fails this test until the document shows it.
#include <doctest/doctest.h>

#include <fstream>
#include <sstream>
#include <string>

#include "hsoauth/config/config.hpp"

TEST_CASE("config: the configuration table of docs/configuration.md (linked from README) is the generated one") {
    std::ifstream in(std::string(HSOAUTH_SOURCE_DIR) + "/docs/configuration.md");
    REQUIRE(in);
    std::stringstream text;
    text << in.rdbuf();
    const std::string readme = text.str();
    const std::string start = "<!-- config-table:start (generated: config::markdown_table) -->\n";
    const std::string end = "<!-- config-table:end -->";
    const auto from = readme.find(start);
    REQUIRE_MESSAGE(from != std::string::npos, "docs/configuration.md has no " << start);
    const auto to = readme.find(end, from);
    REQUIRE(to != std::string::npos);
    const std::string shown = readme.substr(from + start.size(), to - from - start.size());
    CHECK_MESSAGE(shown == hsoauth::config::markdown_table(),
                  "paste this between the markers in docs/configuration.md:\n"
                      << hsoauth::config::markdown_table());
}
