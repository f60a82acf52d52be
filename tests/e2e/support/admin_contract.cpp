#include "support/admin_contract.hpp"

#include <doctest/doctest.h>

#include <mutex>
#include <optional>
#include <stdexcept>

#include "support/contract.hpp"
#include "support/http_client.hpp"

namespace hsoauth::e2e {
namespace {

using nlohmann::json;

std::vector<std::string_view> segments(std::string_view path) {
    std::vector<std::string_view> out;
    std::size_t start = 0;
    while (start <= path.size()) {
        const auto slash = path.find('/', start);
        const auto end = slash == std::string_view::npos ? path.size() : slash;
        out.push_back(path.substr(start, end - start));
        if (slash == std::string_view::npos) break;
        start = slash + 1;
    }
    return out;
}

}  // namespace

const json& served_openapi(std::uint16_t port) {
    static std::mutex mutex;
    static std::optional<json> document;
    std::lock_guard lock(mutex);
    if (!document) {
        const http_response r = http_request(port, "GET", "/openapi.json");
        if (r.status != 200) throw std::runtime_error("GET /openapi.json answered " + std::to_string(r.status));
        document = json::parse(r.body);
    }
    return *document;
}

std::string path_template_of(const json& document, std::string_view path) {
    const auto wanted = segments(path);
    std::string best;
    int best_literals = -1;
    for (const auto& [pattern, item] : document.at("paths").items()) {
        const auto have = segments(pattern);
        if (have.size() != wanted.size()) continue;
        int literals = 0;
        bool match = true;
        for (std::size_t i = 0; i < have.size() && match; ++i) {
            const bool parameter = have[i].size() >= 2 && have[i].front() == '{' && have[i].back() == '}';
            if (parameter) {
                match = !wanted[i].empty();
            } else {
                match = have[i] == wanted[i];
                ++literals;
            }
        }
        if (match && literals > best_literals) {
            best = pattern;
            best_literals = literals;
        }
    }
    return best;
}

std::vector<std::string> served_contract_issues(std::uint16_t port, std::string_view method, std::string_view target,
                                                const http_response& r) {
    const json& document = served_openapi(port);
    const std::string_view path = target.substr(0, target.find('?'));
    const std::string pattern = path_template_of(document, path);
    if (pattern.empty()) {
        return {std::string(method) + " " + std::string(path) + ": no path of the served OpenAPI document matches"};
    }
    return conformance_issues(pattern, method, r, contract(document));
}

void check_served_contract(std::uint16_t port, std::string_view method, std::string_view target, const http_response& r) {
    if (!doctest::is_running_in_test) return;
    for (const auto& issue : served_contract_issues(port, method, target, r)) {
        const std::string message = "the served OpenAPI document does not describe this answer: " + issue +
                                    "\n  response body: " + r.body.substr(0, 500);
        ADD_FAIL_CHECK_AT(__FILE__, __LINE__, message);
    }
}

}  // namespace hsoauth::e2e
