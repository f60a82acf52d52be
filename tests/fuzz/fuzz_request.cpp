// libFuzzer target: whole requests from raw bytes, the way a connection sees them.
// The input is parsed with Beast's request_parser<string_body> under the server's default limits
// (8 KiB of header, 16 KiB of body); up to 8 pipelined requests are read from one input, as on a
// keep-alive connection, and reading stops at the first that fails to parse or asks to close.
// Each parsed request becomes an http::request the way the server builds it (lower-cased header
// names, path and query split at the first '?', a fresh correlation id) and goes through
// http::dispatch; its response must pass check_response and its path's masking check_masked_path.
#include <boost/asio/buffer.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>

#include <cctype>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "fuzz_world.hpp"
#include "hsoauth/http/message.hpp"

namespace {

namespace bhttp = boost::beast::http;
using hsoauth::http::request;

constexpr std::uint32_t max_header_bytes = 8192;   // config::settings defaults
constexpr std::uint64_t max_body_bytes = 16384;
constexpr int max_requests_per_input = 8;

struct parsed {
    request req;
    bool keep_alive = false;
};

// Parses one request from the front of `input` and removes its bytes; nullopt when the bytes
// are not one complete, valid request (the server would answer 400/413/431 or close).
std::optional<parsed> parse_one(std::string_view& input) {
    bhttp::request_parser<bhttp::string_body> parser;
    parser.header_limit(max_header_bytes);
    parser.body_limit(max_body_bytes);
    parser.eager(true);
    boost::beast::error_code ec;
    while (!parser.is_done()) {
        if (input.empty()) {
            parser.put_eof(ec);
            if (ec || !parser.is_done()) return std::nullopt;
            break;
        }
        const std::size_t used = parser.put(boost::asio::buffer(input.data(), input.size()), ec);
        input.remove_prefix(used);
        if (ec == bhttp::error::need_more) {
            // Everything left was offered: a request that needs more is cut short.
            if (used == 0) return std::nullopt;
            ec = {};
            continue;
        }
        if (ec || used == 0) return std::nullopt;
    }

    auto& message = parser.get();
    parsed out;
    out.req.method = std::string(message.method_string());
    out.req.target = std::string(message.target());
    const auto question = out.req.target.find('?');
    out.req.path = out.req.target.substr(0, question);
    if (question != std::string::npos) out.req.query = out.req.target.substr(question + 1);
    for (const auto& field : message) {
        std::string name(field.name_string());
        for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        out.req.headers.emplace_back(std::move(name), std::string(field.value()));
    }
    out.req.body = std::move(message.body());
    out.req.correlation_id = hsoauth::fuzz::next_correlation_id();
    out.keep_alive = message.keep_alive();
    return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace hsoauth;
    auto& services = fuzz::world();
    std::string_view input(reinterpret_cast<const char*>(data), size);
    bool admin_write = false;
    for (int n = 0; n < max_requests_per_input && !input.empty(); ++n) {
        auto one = parse_one(input);
        if (!one) break;
        const request& req = one->req;
        fuzz::check_masked_path(req.path);
        const auto response = fuzz::exchange(services, req);
        fuzz::check_response(req, response);
        if (req.method != "GET" && req.path.rfind("/admin/", 0) == 0) admin_write = true;
        if (!one->keep_alive) break;
    }
    fuzz::reset_world(admin_write);
    return 0;
}
