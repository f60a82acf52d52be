// Responses as bytes on the wire (http/wire.hpp): what a client reads, header by header.
#include <doctest/doctest.h>

#include <string>

#include "hsoauth/http/wire.hpp"

using namespace hsoauth::http;

namespace {

const std::string corr = "0f8fad5b-d9cb-469f-a165-70867728950e";

}  // namespace

TEST_CASE("wire: a JSON response carries the common headers, its length and its body") {
    const auto bytes = to_wire(json_response(200, R"({"status":"ok"})"), corr, /*keep_alive=*/true);
    CHECK(bytes ==
          "HTTP/1.1 200 OK\r\n"
          "Content-Type: application/json;charset=utf-8\r\n"
          "Server: hsoauth\r\n"
          "X-HubSpot-Correlation-Id: 0f8fad5b-d9cb-469f-a165-70867728950e\r\n"
          "Cache-Control: no-store\r\n"
          "Pragma: no-cache\r\n"
          "Content-Length: 15\r\n"
          "\r\n"
          R"({"status":"ok"})");
}

TEST_CASE("wire: the last response on a connection says Connection: close") {
    const auto bytes = to_wire(json_response(401, "{}"), corr, /*keep_alive=*/false);
    CHECK(bytes.rfind("HTTP/1.1 401 Unauthorized\r\n", 0) == 0);
    CHECK(bytes.find("\r\nConnection: close\r\n") != std::string::npos);
}

TEST_CASE("wire: 204 has neither a body nor a Content-Length") {
    response r = empty_response(204);
    r.body = "ignored";
    const auto bytes = to_wire(r, corr, true);
    CHECK(bytes.rfind("HTTP/1.1 204 No Content\r\n", 0) == 0);
    CHECK(bytes.find("Content-Length") == std::string::npos);
    CHECK(bytes.substr(bytes.size() - 4) == "\r\n\r\n");
}

TEST_CASE("wire: an answer to HEAD keeps the Content-Length and leaves the body out") {
    const auto bytes = to_wire(json_response(405, "0123456789"), corr, true, /*head_request=*/true);
    CHECK(bytes.find("Content-Length: 10\r\n") != std::string::npos);
    CHECK(bytes.substr(bytes.size() - 4) == "\r\n\r\n");
}

TEST_CASE("wire: a response's own Cache-Control replaces no-store and Pragma") {
    const auto bytes = to_wire(json_response(200, "{}").with_header("Cache-Control", "max-age=60"), corr, true);
    CHECK(bytes.find("Cache-Control: max-age=60\r\n") != std::string::npos);
    CHECK(bytes.find("no-store") == std::string::npos);
    CHECK(bytes.find("Pragma") == std::string::npos);
}

TEST_CASE("wire: CR, LF and NUL in a header value cannot start a new header") {
    const auto bytes = to_wire(empty_response(303).with_header("Location", std::string("/x\r\nSet-Cookie: a=b\0c", 21)),
                               corr, true);
    CHECK(bytes.find("\r\nSet-Cookie") == std::string::npos);
    CHECK(bytes.find(std::string("Location: /x  Set-Cookie: a=b c\r\n")) != std::string::npos);
    CHECK(bytes.rfind("HTTP/1.1 303 See Other\r\n", 0) == 0);
}

TEST_CASE("wire: a CR in a long header value is found at every offset; a tab stays") {
    const std::string plain = "/a-long-location-value";
    for (std::size_t at = 0; at < plain.size(); ++at) {
        std::string value = plain;
        value[at] = '\r';
        std::string expected = plain;
        expected[at] = ' ';
        const auto bytes = to_wire(empty_response(303).with_header("Location", value), corr, true);
        CHECK(bytes.find("Location: " + expected + "\r\n") != std::string::npos);
    }
    const auto tabbed =
        to_wire(empty_response(303).with_header("Location", "/a\tlong-location-value"), corr, true);
    CHECK(tabbed.find("Location: /a\tlong-location-value\r\n") != std::string::npos);
}

TEST_CASE("wire: every status the server answers has its reason phrase") {
    for (const int status : {200, 204, 302, 303, 400, 401, 403, 404, 405, 409, 413, 415, 429, 431, 500, 503}) {
        CHECK_FALSE(reason_phrase(status).empty());
    }
    CHECK(reason_phrase(299).empty());
}

TEST_CASE("wire: an HTTP/1.0 client that asked to keep the connection is told Connection: keep-alive") {
    const auto kept = to_wire(json_response(200, "{}"), corr, /*keep_alive=*/true, false, /*announce_keep_alive=*/true);
    CHECK(kept.find("\r\nConnection: keep-alive\r\n") != std::string::npos);
    CHECK(kept.find("Connection: close") == std::string::npos);
    // Closing wins over the announcement; HTTP/1.1 keeps the connection without the header.
    const auto closed = to_wire(json_response(200, "{}"), corr, /*keep_alive=*/false, false, true);
    CHECK(closed.find("\r\nConnection: close\r\n") != std::string::npos);
    CHECK(closed.find("keep-alive") == std::string::npos);
    CHECK(to_wire(json_response(200, "{}"), corr, true).find("Connection:") == std::string::npos);
}

TEST_CASE("wire: 421 Misdirected Request has its reason phrase") {
    CHECK(reason_phrase(421) == "Misdirected Request");
    CHECK(to_wire(json_response(421, "{}"), corr, true).rfind("HTTP/1.1 421 Misdirected Request\r\n", 0) == 0);
}
