// util::json_syntax_error: the line and column a person fixing a file needs, never the input's
// own bytes.
#include <doctest/doctest.h>

#include <string>

#include "hsoauth/util/json_syntax.hpp"

using hsoauth::util::json_syntax_error;

TEST_CASE("json_syntax: a trailing comma is found on its line and column, and named") {
    CHECK(json_syntax_error("{\n  \"a\": 1,\n}\n") ==
          "line 3, column 1: syntax error while parsing object key - unexpected '}'; expected "
          "string literal "
          "(a trailing comma?)");
    CHECK(json_syntax_error("[1, 2,\n   ]") ==
          "line 2, column 4: syntax error while parsing value - unexpected ']'; expected '[', '{', "
          "or a literal "
          "(a trailing comma?)");
}

TEST_CASE("json_syntax: columns count from 1 on the line of the error, CRLF files included") {
    CHECK(json_syntax_error("{\"a\" 1}").rfind("line 1, column 6: ", 0) == 0);
    CHECK(json_syntax_error("{\r\n  \"a\": tru\r\n}").rfind("line 2, column 11: ", 0) == 0);
    // At the end of the input: one past the last byte.
    CHECK(json_syntax_error("{\"a\": 1").rfind("line 1, column 8: ", 0) == 0);
    CHECK(json_syntax_error("").rfind("line 1, column 1: ", 0) == 0);
    CHECK(json_syntax_error("{} x").rfind("line 1, column 4: ", 0) == 0);
}

TEST_CASE("json_syntax: the input is never quoted, so the text is printable ASCII") {
    const std::string found = json_syntax_error("{\"secret-looking\": \"\xff\xfe\"}");
    CHECK(found.rfind("line 1, column 21: ", 0) == 0);
    CHECK(found.find("last read") == std::string::npos);
    CHECK(found.find("secret-looking") == std::string::npos);
    for (const char c : found) CHECK((c >= 0x20 && c <= 0x7e));
    CHECK(json_syntax_error("{\"a\": nope}").find("nope") == std::string::npos);
}

TEST_CASE("json_syntax: comments are errors unless allowed; a valid text has no error") {
    const std::string commented = "{\n  // the demo\n  \"a\": 1\n}";
    CHECK(json_syntax_error(commented).rfind("line 2, column 3: ", 0) == 0);
    CHECK(json_syntax_error(commented, true).empty());
    CHECK(json_syntax_error("{\"a\": [1, 2]}").empty());
}
