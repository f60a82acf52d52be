#include "hsoauth/gateway/api_rate_limits.hpp"

#include <algorithm>
#include <mutex>

namespace hsoauth::gateway {

bool is_search_call(std::string_view method, std::string_view target) {
    if (method != "POST") return false;
    std::string_view path = target.substr(0, target.find_first_of("?#"));
    if (path.size() > 1 && path.back() == '/') path.remove_suffix(1);
    constexpr std::string_view head = "/crm/";
    constexpr std::string_view tail = "/search";
    return path.size() >= head.size() + tail.size() - 1 && path.substr(0, head.size()) == head &&
           path.substr(path.size() - tail.size()) == tail;
}

api_rate_limits::api_rate_limits(const options& o)
    : default_limit_(std::max<std::int64_t>(o.default_limit, 1)),
      search_limit_(std::max<std::int64_t>(o.search_limit, 1)),
      calls_(o.window_ms, o.max_keys),
      searches_(o.search_window_ms, o.max_keys) {}

void api_rate_limits::set_app_limit(std::int64_t app_id, std::optional<std::int64_t> limit) {
    std::unique_lock lock(app_limits_mutex_);
    if (limit) {
        app_limits_[app_id] = std::max<std::int64_t>(*limit, 1);
    } else {
        app_limits_.erase(app_id);
    }
}

std::int64_t api_rate_limits::app_limit(std::int64_t app_id) const {
    std::shared_lock lock(app_limits_mutex_);
    const auto it = app_limits_.find(app_id);
    return it == app_limits_.end() ? default_limit_ : it->second;
}

rate_decision api_rate_limits::acquire(std::int64_t app_id, std::int64_t hub_id,
                                       std::int64_t now_ms) {
    return calls_.acquire({app_id, hub_id}, app_limit(app_id), now_ms);
}

rate_decision api_rate_limits::acquire(std::int64_t app_id, std::int64_t hub_id,
                                       std::optional<std::int64_t> own_limit,
                                       std::int64_t now_ms) {
    if (!own_limit) return acquire(app_id, hub_id, now_ms);
    return calls_.acquire({app_id, hub_id}, std::max<std::int64_t>(*own_limit, 1), now_ms);
}

rate_decision api_rate_limits::acquire_search(std::int64_t hub_id, std::int64_t now_ms) {
    return searches_.acquire({hub_id, 0}, search_limit_, now_ms);
}

}  // namespace hsoauth::gateway
