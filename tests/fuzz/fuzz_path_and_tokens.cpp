// libFuzzer target: the router's path matching and parameter decoding, the token handlers behind
// it, and the request log's masking.
// Input: byte 0 picks the method (low 3 bits), whether the admin key is sent (0x80) and whether
// the body is declared a form (0x40); the rest is the request target (path, then '?' and query).
// Checks: every answer passes check_response (never 500, JSON error bodies with the request's
// correlation id, ...) and masked_path hides every segment after access-tokens/refresh-tokens.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_world.hpp"
#include "hsoauth/http/message.hpp"

namespace {

constexpr std::string_view methods[] = {"GET", "POST", "DELETE", "PUT", "HEAD", "PATCH", "OPTIONS", "GET"};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    using namespace hsoauth;
    const std::uint8_t flags = data[0];
    const std::string_view target(reinterpret_cast<const char*>(data) + 1, size - 1);

    http::request req;
    req.method = std::string(methods[flags & 7]);
    req.target = std::string(target);
    const auto question = req.target.find('?');
    req.path = req.target.substr(0, question);
    if (question != std::string::npos) req.query = req.target.substr(question + 1);
    if (flags & 0x80) req.headers.emplace_back("authorization", "Bearer " + std::string(fuzz::admin_key));
    if (flags & 0x40) req.headers.emplace_back("content-type", "application/x-www-form-urlencoded");
    req.correlation_id = fuzz::next_correlation_id();

    fuzz::check_masked_path(req.path);
    const auto response = fuzz::exchange(fuzz::world(), req);
    fuzz::check_response(req, response);
    // Admin writes (deletes above all) could take the seeded apps away from later inputs.
    fuzz::reset_world(/*reseed=*/(flags & 0x80) && req.method != "GET" && req.method != "HEAD");
    return 0;
}
