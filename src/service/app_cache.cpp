#include "hsoauth/service/app_cache.hpp"

#include <optional>
#include <utility>

#include "hsoauth/crypto/digest.hpp"
#include "hsoauth/storage/repository.hpp"

namespace hsoauth::service {

app_cache::app_cache(storage::store& apps) : store_(apps) {}

bool app_cache::holds_secret(const entry& known, std::string_view secret) {
    return !known.verified_secret.empty() &&
           crypto::constant_time_equal(known.verified_secret, secret);
}

const app_cache::entry* app_cache::cached_entry(std::string_view client_id, std::uint64_t version) {
    if (cached_version_ != version) {
        apps_.clear();
        cached_version_ = version;
    }
    const auto it = apps_.find(client_id);
    return it == apps_.end() ? nullptr : &it->second;
}

std::shared_ptr<const storage::app_record> app_cache::read_through(std::string_view client_id,
                                                                   std::uint64_t version) {
    std::optional<storage::app_record> found;
    store_.read([&](storage::repository& repo) { found = repo.find_app_by_client_id(client_id); });
    if (!found) return nullptr;
    auto app = std::make_shared<const storage::app_record>(std::move(*found));
    std::lock_guard lock(mutex_);
    // Read at `version` or later; kept only while that is still the current version.
    if (cached_version_ == version && version_.load(std::memory_order_acquire) == version) {
        apps_.emplace(app->client_id, entry{app, {}});
    }
    return app;
}

std::shared_ptr<const storage::app_record> app_cache::find(std::string_view client_id) {
    const std::uint64_t version = version_.load(std::memory_order_acquire);
    {
        std::lock_guard lock(mutex_);
        if (const entry* cached = cached_entry(client_id, version)) return cached->app;
    }
    return read_through(client_id, version);
}

app_cache::app_and_secret app_cache::find_with_secret(std::string_view client_id,
                                                      std::string_view secret) {
    const std::uint64_t version = version_.load(std::memory_order_acquire);
    {
        std::lock_guard lock(mutex_);
        if (const entry* cached = cached_entry(client_id, version)) {
            return {cached->app, holds_secret(*cached, secret)};
        }
    }
    // Just read: no secret is remembered for it yet.
    return {read_through(client_id, version), false};
}

void app_cache::invalidate() {
    version_.fetch_add(1, std::memory_order_release);
}

app_cache::entry* app_cache::current_entry(const storage::app_record& app) {
    if (cached_version_ != version_.load(std::memory_order_acquire)) return nullptr;
    const auto it = apps_.find(app.client_id);
    // The caller holds `app`, so no other record can have its address.
    if (it == apps_.end() || it->second.app.get() != &app) return nullptr;
    return &it->second;
}

void app_cache::remember_secret(const storage::app_record& app, std::string_view secret) {
    std::lock_guard lock(mutex_);
    if (entry* known = current_entry(app)) known->verified_secret.assign(secret);
}

}  // namespace hsoauth::service
