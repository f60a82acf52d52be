#include "network_thread.hpp"

#include <utility>
#include <vector>

namespace hsoauth::http::detail {
namespace {

thread_local boost::asio::io_context* current = nullptr;
thread_local std::vector<std::function<void()>> cleanups;

}  // namespace

network_thread_scope::network_thread_scope(boost::asio::io_context& ctx) { current = &ctx; }

network_thread_scope::~network_thread_scope() {
    std::vector<std::function<void()>> due;
    due.swap(cleanups);
    for (auto& cleanup : due) cleanup();
    current = nullptr;
}

boost::asio::io_context* this_network_context() { return current; }

void at_network_thread_end(std::function<void()> cleanup) {
    if (current) cleanups.push_back(std::move(cleanup));
}

}  // namespace hsoauth::http::detail
