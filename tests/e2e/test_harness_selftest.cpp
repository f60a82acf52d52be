// Self-test of the e2e harness (tests/e2e/support); needs no hsoauth server.

#include <arpa/inet.h>
#include <doctest/doctest.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <thread>

#include "support/contract.hpp"
#include "support/http_client.hpp"
#include "support/response_parser.hpp"
#include "support/schema_validator.hpp"
#include "support/socket_io.hpp"
#include "support/subprocess.hpp"

using namespace hsoauth::e2e;
using namespace std::chrono_literals;
using nlohmann::json;

namespace {

constexpr std::string_view token_path = "/oauth/v1/token";
constexpr std::string_view access_path = "/oauth/v1/access-tokens/{token}";
constexpr std::string_view refresh_path = "/oauth/v1/refresh-tokens/{token}";

bool any_contains(const std::vector<std::string>& messages, std::string_view needle) {
    for (const auto& m : messages) {
        if (m.find(needle) != std::string::npos) {
            return true;
        }
    }
    return false;
}

std::string joined(const std::vector<std::string>& messages) {
    std::string out;
    for (const auto& m : messages) {
        out += m + "\n";
    }
    return out;
}

json example_value(const char* name) {
    return contract::instance().spec().at("components").at("examples").at(name).at("value");
}

json valid_error() {
    return {{"category", "VALIDATION_ERROR"},
            {"correlationId", "aeb5f871-7f07-4993-9211-075dc63e7cbf"},
            {"message", "Missing required parameter"}};
}

// Accepts one connection on 127.0.0.1:<ephemeral>, reads one request (head plus
// Content-Length body), writes `reply` and then either closes or, if `hold_open`, waits for
// the client to close first.
class one_shot_server {
  public:
    explicit one_shot_server(std::string reply, bool hold_open = false)
        : listener_(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) {
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t length = sizeof addr;
        if (::bind(listener_.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
            ::listen(listener_.get(), 1) != 0 ||
            ::getsockname(listener_.get(), reinterpret_cast<sockaddr*>(&addr), &length) != 0) {
            throw std::runtime_error("one_shot_server: cannot listen");
        }
        port_ = ntohs(addr.sin_port);
        thread_ = std::thread([this, reply = std::move(reply), hold_open] {
            const unique_fd client(::accept4(listener_.get(), nullptr, nullptr, SOCK_CLOEXEC));
            while (!request_complete()) {
                if (recv_some(client.get(), request_) != recv_status::data) {
                    break;
                }
            }
            (void)try_send_all(client.get(), reply);
            if (hold_open) {
                std::string ignored;
                while (recv_some(client.get(), ignored) == recv_status::data) {
                }
            }
        });
    }
    ~one_shot_server() { thread_.join(); }
    one_shot_server(const one_shot_server&) = delete;
    one_shot_server& operator=(const one_shot_server&) = delete;

    std::uint16_t port() const { return port_; }
    // Valid once the client has received the reply.
    const std::string& request() const { return request_; }

  private:
    bool request_complete() const {
        const auto head_end = request_.find("\r\n\r\n");
        if (head_end == std::string::npos) {
            return false;
        }
        const auto at = request_.find("Content-Length: ");
        const std::size_t length =
            at == std::string::npos || at > head_end ? 0 : std::stoul(request_.substr(at + 16));
        return request_.size() >= head_end + 4 + length;
    }

    unique_fd listener_;
    std::uint16_t port_ = 0;
    std::string request_;
    std::thread thread_;
};

}  // namespace

TEST_SUITE("contract") {
    TEST_CASE("the spec's own response examples conform") {
        const auto& spec = contract::instance().spec();
        int checked = 0;
        int checked_200 = 0;
        for (const auto& [path, operations] : spec.at("paths").items()) {
            for (const auto& [method, operation] : operations.items()) {
                for (const auto& [status, response] : operation.at("responses").items()) {
                    const auto content = response.find("content");
                    if (content == response.end()) {
                        continue;
                    }
                    const json examples =
                        content->at("application/json").value("examples", json::object());
                    for (const auto& [name, example] : examples.items()) {
                        json value = follow_refs(spec, example).at("value");
                        if (value.contains("user")) {
                            value["user"] = "user@example.com";  // the spec's examples mangle it
                        }
                        const auto found =
                            contract::instance().violations(path, method, std::stoi(status), value);
                        CHECK_MESSAGE(found.empty(), path, " ", method, " ", status, " ", name,
                                      ":\n", joined(found));
                        ++checked;
                        checked_200 += status == "200";
                    }
                }
            }
        }
        CHECK(checked_200 == 3);
        CHECK(checked >= 9);
    }

    TEST_CASE("the mangled user example is itself rejected") {
        const auto found = contract::instance().violations(
            access_path, "GET", 200, example_value("AccessTokenMetadataSuccessExample"));
        CHECK(any_contains(found, "#/user: expected \"string\", got array"));
    }

    TEST_CASE("missing required member") {
        json body = example_value("TokenResponseSuccessExample");
        body.erase("refresh_token");
        const auto found = contract::instance().violations(token_path, "POST", 200, body);
        REQUIRE(found.size() == 1);
        CHECK(found[0] ==
              "POST /oauth/v1/token -> 200: #: missing required member \"refresh_token\"");
    }

    TEST_CASE("wrong types, at top level and nested") {
        json body = example_value("TokenResponseSuccessExample");
        body["expires_in"] = "1800";
        auto found = contract::instance().violations(token_path, "POST", 200, body);
        CHECK(any_contains(found, "#/expires_in: expected \"integer\", got string"));

        body["expires_in"] = 1800.5;
        found = contract::instance().violations(token_path, "POST", 200, body);
        CHECK(any_contains(found, "#/expires_in: expected \"integer\", got number"));

        json error = valid_error();
        error["errors"] = json::array({json{{"code", "X"}}, json{{"message", 7}}});
        error["context"] = {{"fields", "not-an-array"}};
        error["links"] = {{"docs", 1}};
        found = contract::instance().violations(token_path, "POST", 400, error);
        CHECK(any_contains(found, "#/errors/0: missing required member \"message\""));
        CHECK(any_contains(found, "#/errors/1/message: expected \"string\", got integer"));
        CHECK(any_contains(found, "#/context/fields: expected \"array\", got string"));
        CHECK(any_contains(found, "#/links/docs: expected \"string\", got integer"));
        CHECK(found.size() == 4);

        found = contract::instance().violations(token_path, "POST", 400, json::array());
        CHECK(any_contains(found, "#: expected \"object\", got array"));
    }

    TEST_CASE("correlationId must be a v4 UUID") {
        json error = valid_error();
        CHECK(contract::instance().violations(refresh_path, "DELETE", 401, error).empty());

        error["correlationId"] = "not-a-uuid";
        auto found = contract::instance().violations(refresh_path, "DELETE", 401, error);
        CHECK(any_contains(found, "#/correlationId: \"not-a-uuid\" is not a UUID"));

        error["correlationId"] = "aeb5f871-7f07-1993-9211-075dc63e7cbf";  // version 1
        found = contract::instance().violations(refresh_path, "DELETE", 401, error);
        CHECK(any_contains(found, "not version 4"));

        error["correlationId"] = "aeb5f871-7f07-4993-c211-075dc63e7cbf";  // wrong variant
        found = contract::instance().violations(refresh_path, "DELETE", 401, error);
        CHECK(any_contains(found, "not version 4"));

        CHECK(is_uuid_v4("AEB5F871-7F07-4993-B211-075DC63E7CBF"));
        CHECK_FALSE(is_uuid("aeb5f871-7f07-4993-9211-075dc63e7cb"));
        CHECK_FALSE(is_uuid("aeb5f871x7f07-4993-9211-075dc63e7cbf"));
        CHECK_FALSE(is_uuid("aeb5f871-7f07-4993-9211-075dc63e7cbg"));
    }

    TEST_CASE("undeclared statuses, paths and methods") {
        auto found = contract::instance().violations(access_path, "GET", 404, valid_error());
        REQUIRE(found.size() == 1);
        CHECK(found[0] ==
              "GET /oauth/v1/access-tokens/{token} -> 404: status not declared in the "
              "contract for this operation");
        CHECK(any_contains(contract::instance().violations("/nope", "GET", 200, nullptr),
                           "path not in the contract"));
        CHECK(any_contains(contract::instance().violations(token_path, "GET", 200, nullptr),
                           "method not in the contract"));
    }

    TEST_CASE("bodiless and bodied responses") {
        CHECK(contract::instance().violations(refresh_path, "delete", 204, nullptr).empty());
        CHECK(any_contains(
            contract::instance().violations(refresh_path, "DELETE", 204, json::object()),
            "contract declares no body"));
        CHECK(any_contains(contract::instance().violations(token_path, "POST", 500, nullptr),
                           "got none"));
    }

    TEST_CASE("enum, additionalProperties false, ranges, default and unsupported keywords") {
        const contract custom(json::parse(R"({
          "paths": {"/x": {"get": {"responses": {
            "200": {"$ref": "#/components/responses/Thing"},
            "4XX": {"description": "client error"},
            "default": {"content": {"application/json": {"schema": {"type": ["string", "null"]}}}}
          }}}},
          "components": {
            "responses": {"Thing": {"content": {"application/json": {
              "schema": {"$ref": "#/components/schemas/Thing"}}}}},
            "schemas": {"Thing": {"type": "object", "additionalProperties": false,
              "properties": {"kind": {"type": "string", "enum": ["a", "b"]},
                             "n": {"type": "number", "minimum": 0},
                             "a/b": {"type": "boolean"}}}}
          }
        })"));
        CHECK(custom.violations("/x", "GET", 200, json{{"kind", "a"}, {"a/b", true}}).empty());
        auto found =
            custom.violations("/x", "GET", 200, json{{"kind", "c"}, {"extra", 1}, {"a/b", 1}});
        CHECK(any_contains(found, "#/kind: \"c\" is not one of [\"a\",\"b\"]"));
        CHECK(any_contains(found, "#/extra: member not allowed"));
        CHECK(any_contains(found, "#/a~1b: expected \"boolean\""));
        CHECK(found.size() == 3);
        CHECK(any_contains(custom.violations("/x", "GET", 200, json{{"n", 1.5}}),
                           "unsupported schema keyword \"minimum\""));
        CHECK(custom.violations("/x", "GET", 404, nullptr).empty());
        CHECK(custom.violations("/x", "GET", 503, "down").empty());
        CHECK(
            any_contains(custom.violations("/x", "GET", 503, 5), "expected [\"string\",\"null\"]"));
    }

    TEST_CASE("oneOf holds for exactly one branch; int32; closed objects") {
        const contract custom(json::parse(R"({
          "paths": {"/x": {"post": {"responses": {"200": {"content": {"*/*": {
            "schema": {"$ref": "#/components/schemas/Either"}}}}}}}},
          "components": {"schemas": {
            "Either": {"properties": {}, "oneOf": [{"$ref": "#/components/schemas/A"},
                                                   {"$ref": "#/components/schemas/B"}]},
            "A": {"type": "object", "required": ["kind"],
                  "properties": {"kind": {"type": "string", "enum": ["a"]},
                                 "id": {"type": "integer", "format": "int32"}}},
            "B": {"type": "object", "required": ["kind", "id"],
                  "properties": {"kind": {"type": "string", "enum": ["b", "a"]},
                                 "id": {"type": "integer", "format": "int64"}}}
          }}
        })"));
        CHECK(custom.violations("/x", "POST", 200, json{{"kind", "a"}}).empty());
        CHECK(custom.violations("/x", "POST", 200, json{{"kind", "b"}, {"id", 1}}).empty());
        // Both branches hold, then neither does.
        CHECK(any_contains(custom.violations("/x", "POST", 200, json{{"kind", "a"}, {"id", 7}}),
                           "2 of the 2 oneOf branches hold"));
        CHECK(any_contains(custom.violations("/x", "POST", 200, json{{"kind", "c"}}),
                           "0 of the 2 oneOf branches hold"));
        // Too large for A's int32, so only B holds.
        CHECK(custom.violations("/x", "POST", 200, json{{"kind", "a"}, {"id", 4294967296LL}}).empty());
        std::vector<std::string> int32;
        validate_schema(custom.spec(), json::parse(R"({"type": "integer", "format": "int32"})"),
                        json(2147483648LL), int32);
        CHECK(any_contains(int32, "does not fit format int32"));
        // Closed: members a schema does not declare are violations.
        CHECK(custom.violations("/x", "POST", 200, json{{"kind", "b"}, {"id", 1}, {"more", 1}}).empty());
        CHECK(any_contains(
            custom.violations("/x", "POST", 200, json{{"kind", "b"}, {"id", 1}, {"more", 1}}, true),
            "0 of the 2 oneOf branches hold"));
    }

    TEST_CASE("the published documents' gaps are filled as written down, and only those") {
        const auto& v3 = published_contract("v3");
        CHECK(v3.violations("/oauth/v3/token/introspect", "POST", 200, json{{"active", false}}, true).empty());
        CHECK_FALSE(v3.violations("/oauth/v3/token/introspect", "POST", 200, json{{"active", true}}, true).empty());
        CHECK(v3.violations("/oauth/v3/token/revoke", "POST", 200, nullptr).empty());
        const auto& late = published_contract("2026-09");
        CHECK(late.violations("/oauth/2026-09/token/introspect", "POST", 200, json{{"active", true}}, true).empty());
        CHECK_FALSE(late.violations("/oauth/2026-09/token/introspect", "POST", 200,
                                    json{{"active", true}, {"token", "x"}}, true)
                        .empty());
        CHECK_FALSE(late.violations("/oauth/2026-09/token", "POST", 200, json{{"access_token", "x"}}, true).empty());
        CHECK(late.violations("/oauth/2026-09/token", "POST", 200,
                              json{{"access_token", "x"}, {"expires_in", 1}, {"refresh_token", "r"},
                                   {"token_type", "bearer"}, {"token_use", "access_token"}},
                              true)
                  .empty());
    }

    TEST_CASE("conformance_issues checks Content-Type and JSON syntax") {
        http_response r;
        r.status = 401;
        r.body = valid_error().dump();
        r.headers = {{"content-type", "application/json;charset=utf-8"}};
        CHECK(conformance_issues(access_path, "GET", r).empty());

        r.headers = {{"Content-Type", "application/json; charset=utf-8"}};
        CHECK(any_contains(conformance_issues(access_path, "GET", r), "Content-Type is"));

        r.headers = {{"Content-Type", "application/json;charset=utf-8"}};
        r.body = "{oops";
        CHECK(any_contains(conformance_issues(access_path, "GET", r), "body is not JSON"));

        http_response empty;
        empty.status = 204;
        CHECK(conformance_issues(refresh_path, "DELETE", empty).empty());
        check_conforms(refresh_path, "DELETE", empty);
    }
}

TEST_SUITE("encoding") {
    TEST_CASE("url_encode keeps unreserved characters only") {
        CHECK(url_encode("") == "");
        CHECK(url_encode("AZaz09-._~") == "AZaz09-._~");
        CHECK(url_encode("a b+c/d?e=f&g") == "a%20b%2Bc%2Fd%3Fe%3Df%26g");
        CHECK(url_encode("%") == "%25");
        CHECK(url_encode("\xC3\xA9") == "%C3%A9");
        CHECK(url_encode(std::string_view("\0\x7f", 2)) == "%00%7F");
    }

    TEST_CASE("form_encode joins encoded pairs in order") {
        CHECK(form_encode({}) == "");
        CHECK(form_encode({{"grant_type", "refresh_token"},
                           {"redirect_uri", "https://app.example/cb?x=1"},
                           {"empty", ""},
                           {"sp ace", "a&b"}}) ==
              "grant_type=refresh_token&redirect_uri=https%3A%2F%2Fapp.example%2Fcb%3Fx%3D1"
              "&empty=&sp%20ace=a%26b");
    }
}

TEST_SUITE("response parser") {
    const std::string chunked =
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Type: text/plain\r\n\r\n"
        "5;ext=1\r\nhello\r\nA\r\n, chunked!\r\n0\r\nX-Trailer: t\r\n\r\n";

    TEST_CASE("chunked body, extensions and trailers") {
        const auto parsed = parse_response(chunked, false);
        REQUIRE(parsed);
        CHECK(parsed->consumed == chunked.size());
        CHECK(parsed->response.status == 200);
        CHECK(parsed->response.body == "hello, chunked!");
        CHECK(parsed->response.header("x-trailer") == "t");
        CHECK(parsed->response.header("CONTENT-TYPE") == "text/plain");
        CHECK(parsed->response.header("Absent") == "");
    }

    TEST_CASE("needs more bytes until the response is complete") {
        for (std::size_t cut = 0; cut < chunked.size(); ++cut) {
            CHECK_FALSE(parse_response(std::string_view(chunked).substr(0, cut), false));
        }
        const std::string fixed = "HTTP/1.1 401 Unauthorized\r\nContent-Length: 4\r\n\r\nabcd";
        for (std::size_t cut = 0; cut < fixed.size(); ++cut) {
            CHECK_FALSE(parse_response(std::string_view(fixed).substr(0, cut), false));
        }
    }

    TEST_CASE("pipelined responses leave the rest in place") {
        const std::string two =
            "HTTP/1.1 204 No Content\r\nX: 1\r\n\r\n"
            "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokHTTP";
        const auto first = parse_response(two, false);
        REQUIRE(first);
        CHECK(first->response.status == 204);
        CHECK(first->response.body.empty());
        const auto second = parse_response(std::string_view(two).substr(first->consumed), false);
        REQUIRE(second);
        CHECK(second->response.body == "ok");
        CHECK(two.substr(first->consumed + second->consumed) == "HTTP");
    }

    TEST_CASE("close-delimited and HEAD bodies") {
        const std::string text = "HTTP/1.0 200 OK\r\n\r\nuntil eof";
        CHECK_FALSE(parse_response(text, false));
        CHECK(parse_response(text, true)->response.body == "until eof");
        const std::string head = "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n";
        CHECK(parse_response(head, false, true)->response.body.empty());
        CHECK_FALSE(parse_response("", true));
    }

    TEST_CASE("malformed or truncated responses throw") {
        CHECK_THROWS_AS(parse_response("HTTP/2 200 OK\r\n\r\n", false), std::runtime_error);
        CHECK_THROWS_AS(parse_response("HTTP/1.1 2x0 OK\r\n\r\n", false), std::runtime_error);
        CHECK_THROWS_AS(parse_response("HTTP/1.1 200 OK\r\nno colon\r\n\r\n", false),
                        std::runtime_error);
        CHECK_THROWS_AS(parse_response("HTTP/1.1 200 OK\r\nContent-Length: 1\r\n"
                                       "Content-Length: 2\r\n\r\nab",
                                       false),
                        std::runtime_error);
        CHECK_THROWS_AS(parse_response("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                                       "zz\r\n",
                                       false),
                        std::runtime_error);
        CHECK_THROWS_AS(parse_response("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nab", true),
                        std::runtime_error);
        CHECK_THROWS_AS(parse_response("HTTP/1.1 200 O", true), std::runtime_error);
    }

    TEST_CASE("json() quotes the body when it is not JSON") {
        http_response r;
        r.status = 500;
        r.body = R"({"a":1})";
        CHECK(r.json() == json{{"a", 1}});
        r.body = "<html>";
        try {
            (void)r.json();
            FAIL("expected a throw");
        } catch (const std::runtime_error& e) {
            CHECK(std::string(e.what()).find("HTTP 500 body is not JSON") != std::string::npos);
            CHECK(std::string(e.what()).find("<html>") != std::string::npos);
        }
    }
}

TEST_SUITE("http client") {
    TEST_CASE("chunked response over a real socket; the request is well-formed") {
        one_shot_server server(
            "HTTP/1.1 200 OK\r\nContent-Type: application/json;charset=utf-8\r\n"
            "Transfer-Encoding: chunked\r\n\r\n4\r\n{\"a\"\r\n3\r\n:1}\r\n0\r\n\r\n");
        const auto r = post_form(server.port(), "/oauth/v1/token?x=1",
                                 {{"grant_type", "refresh_token"}, {"refresh_token", "a b"}},
                                 {{"Accept", "application/json"}});
        CHECK(r.status == 200);
        CHECK(r.json() == json{{"a", 1}});
        const auto& request = server.request();
        const std::string body = "grant_type=refresh_token&refresh_token=a%20b";
        CHECK(request.rfind("POST /oauth/v1/token?x=1 HTTP/1.1\r\n", 0) == 0);
        CHECK(request.find("\r\nHost: 127.0.0.1:" + std::to_string(server.port()) + "\r\n") !=
              std::string::npos);
        CHECK(request.find("\r\nConnection: close\r\n") != std::string::npos);
        CHECK(request.find("\r\nContent-Length: " + std::to_string(body.size()) + "\r\n") !=
              std::string::npos);
        CHECK(request.find("\r\nContent-Type: application/x-www-form-urlencoded\r\n") !=
              std::string::npos);
        CHECK(request.find("\r\nAccept: application/json\r\n") != std::string::npos);
        CHECK(request.substr(request.size() - body.size()) == body);
    }

    TEST_CASE("Content-Length response; GET sends no Content-Length") {
        one_shot_server server(
            "HTTP/1.1 401 Unauthorized\r\nContent-Length: 7\r\nX-Dup: 1\r\nx-dup: 2\r\n\r\n"
            "{\"b\":2}trailing-garbage");
        const auto r = http_request(server.port(), "GET", "/oauth/v1/access-tokens/abc");
        CHECK(r.status == 401);
        CHECK(r.body == "{\"b\":2}");
        CHECK(r.header("x-dup") == "1");
        CHECK(r.header_count("X-DUP") == 2);
        CHECK(server.request().find("Content-Length") == std::string::npos);
    }

    TEST_CASE("post_json, 100 Continue skipped, body until EOF") {
        one_shot_server server("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\n\r\n[1,2]");
        const auto r = post_json(server.port(), "/admin/apps", json{{"name", "x"}});
        CHECK(r.status == 201);
        CHECK(r.json() == json::array({1, 2}));
        CHECK(server.request().find("\r\nContent-Type: application/json\r\n") != std::string::npos);
        CHECK(server.request().find("{\"name\":\"x\"}") != std::string::npos);
    }

    TEST_CASE("connection refused and no response are errors") {
        std::uint16_t closed_port = 0;
        {
            one_shot_server probe("");
            closed_port = probe.port();
            raw_connection(probe.port()).send("x\r\n\r\n");
        }
        CHECK_THROWS_AS(http_request(closed_port, "GET", "/"), std::runtime_error);

        one_shot_server silent("");
        CHECK_THROWS_WITH_AS(http_request(silent.port(), "GET", "/"),
                             doctest::Contains("connection closed without a response"),
                             std::runtime_error);
    }
}

TEST_SUITE("raw connection") {
    TEST_CASE("keep-alive responses are read one at a time") {
        one_shot_server server(
            "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\na"
            "HTTP/1.1 400 Bad Request\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nb\r\n0\r\n\r\n");
        raw_connection connection(server.port());
        connection.send("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n");
        const auto first = connection.read_response(5s);
        REQUIRE(first);
        CHECK(first->status == 200);
        CHECK(first->body == "a");
        const auto second = connection.read_response(5s);
        REQUIRE(second);
        CHECK(second->status == 400);
        CHECK(second->body == "b");
        CHECK(connection.closed_by_peer(5s));
        CHECK_FALSE(connection.read_response(1s));
        CHECK(connection.receive_some(1s) == "");
    }

    TEST_CASE("silence is a timeout; bytes seen while waiting for close are kept") {
        one_shot_server server("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", true);
        raw_connection connection(server.port());
        CHECK_FALSE(connection.read_response(200ms));
        CHECK_THROWS_AS(connection.receive_some(100ms), std::runtime_error);
        connection.send("GET / HTTP/1.1\r\n\r\n");
        CHECK_FALSE(connection.closed_by_peer(300ms));
        CHECK_THROWS_AS(connection.receive_until_closed(100ms), std::runtime_error);
        const auto r = connection.read_response(5s);
        REQUIRE(r);
        CHECK(r->body == "ok");
        connection.shutdown_write();  // the server sees EOF and closes
        CHECK(connection.receive_until_closed(5s) == "");
    }
}

TEST_SUITE("subprocess") {
    std::string read_all(int fd) {
        std::string output;
        char buffer[256];
        ssize_t n;
        while ((n = ::read(fd, buffer, sizeof buffer)) > 0) {
            output.append(buffer, static_cast<std::size_t>(n));
        }
        return output;
    }

    TEST_CASE("spawn passes env and stdout; exit statuses decode shell-style") {
        int fds[2];
        REQUIRE(::pipe2(fds, O_CLOEXEC) == 0);
        const unique_fd read_end(fds[0]);
        unique_fd write_end(fds[1]);
        const pid_t pid = spawn({"/bin/sh", "-c", "printf %s \"$HSOAUTH_SELFTEST\"; exit 3"},
                                {{"HSOAUTH_SELFTEST", "v=1"}}, write_end.get(), write_end.get());
        write_end.reset();
        CHECK(read_all(read_end.get()) == "v=1");
        CHECK(wait_for_exit(pid, std::chrono::steady_clock::now() + 10s) == 3);

        const unique_fd dev_null(::open("/dev/null", O_WRONLY | O_CLOEXEC));
        const pid_t sleeper = spawn({"/bin/sleep", "30"}, {}, dev_null.get(), dev_null.get());
        CHECK_FALSE(wait_for_exit(sleeper, std::chrono::steady_clock::now()));
        ::kill(sleeper, SIGKILL);
        CHECK(wait_for_exit(sleeper, std::chrono::steady_clock::now() + 10s) == 128 + SIGKILL);

        const pid_t missing = spawn({"/nonexistent/binary"}, {}, dev_null.get(), dev_null.get());
        CHECK(wait_for_exit(missing, std::chrono::steady_clock::now() + 10s) == 127);
    }
}
