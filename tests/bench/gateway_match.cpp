// Times operation_table::match over typical request paths, against HubSpot's embedded table.
//   build/tests/hsoauth_gateway_bench [ROUNDS]
// Prints nanoseconds per lookup for each path and for the mix. Not a test: no bound is asserted,
// as timings on a shared machine vary.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string_view>
#include <vector>

#include "hsoauth/gateway/operation_table.hpp"

namespace {

struct request {
    std::string_view method;
    std::string_view target;
};

const std::vector<request> typical = {
    {"GET", "/crm/v3/objects/contacts/12345?properties=email,firstname"},
    {"POST", "/crm/v3/objects/deals/batch/read"},
    {"PATCH", "/crm/objects/2026-03/0-3/987654321"},
    {"POST", "/crm/v3/objects/2-4411/search"},
    {"PUT", "/crm/v4/objects/contacts/101/associations/companies/202"},
    {"GET", "/automation/v4/flows/123456"},
    {"GET", "/files/v3/folders/marketing%2Fassets"},
    {"GET", "/account-info/v3/details"},
};

}  // namespace

int main(int argc, char** argv) {
    const long rounds = argc > 1 ? std::atol(argv[1]) : 1'000'000;
    const auto build_start = std::chrono::steady_clock::now();
    const auto table = hsoauth::gateway::operation_table::hubspot();
    const auto build_end = std::chrono::steady_clock::now();
    std::printf("table: %zu operations, %zu routes, built in %.1f ms\n", table.size(),
                table.route_count(),
                std::chrono::duration<double, std::milli>(build_end - build_start).count());

    std::size_t found = 0;
    double total_ns = 0;
    for (const auto& r : typical) {
        const auto start = std::chrono::steady_clock::now();
        for (long i = 0; i < rounds; ++i) found += table.match(r.method, r.target) != nullptr;
        const double ns =
            std::chrono::duration<double, std::nano>(std::chrono::steady_clock::now() - start)
                .count();
        total_ns += ns;
        const auto* op = table.match(r.method, r.target);
        std::printf("%8.1f ns  %s %.*s -> %s\n", ns / static_cast<double>(rounds),
                    std::string(r.method).c_str(), static_cast<int>(r.target.size()),
                    r.target.data(), op ? op->path.c_str() : "(none)");
    }
    std::printf("%8.1f ns  per lookup over the mix (%zu found)\n",
                total_ns / static_cast<double>(rounds * static_cast<long>(typical.size())), found);
    return found == rounds * typical.size() ? 0 : 1;
}
