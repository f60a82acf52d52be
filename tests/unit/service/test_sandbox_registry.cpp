// service::sandbox_registry over a real root store and real sandbox files, with the server's
// clock in the test's hand: TTL expiry, closing idle and surplus sandboxes (never one a request
// holds), what survives closing, and the catalogue across a restart.
#include <doctest/doctest.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <future>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "../storage/temp_database.hpp"
#include "hsoauth/service/controls_keeper.hpp"
#include "hsoauth/service/sandbox_registry.hpp"
#include "hsoauth/storage/sqlite/sandbox_files.hpp"

using namespace hsoauth;

namespace {

class plain_site final : public service::sandbox_site {
  public:
    plain_site(storage::store& store, const crypto::secret_hasher& hasher) : world_(store, hasher, settings()) {}
    service::sandbox& world() override { return world_; }

  private:
    static service::sandbox_settings settings() {
        service::sandbox_settings s;
        s.admin_key = "unit-key-0123456789abcdef";
        return s;
    }
    service::sandbox world_;
};

template <class T, class Operation>
service::outcome<T> wait_for(Operation operation) {
    std::promise<service::outcome<T>> answered;
    operation([&](service::outcome<T> out) { answered.set_value(std::move(out)); });
    return answered.get_future().get();
}

struct registry_world {
    explicit registry_world(service::sandbox_limits limits = {}) : limits_(limits) { start(); }

    void start() {
        storage::sqlite::store_options options;
        options.synchronous = "NORMAL";
        files = std::make_unique<storage::sqlite::sandbox_files>(root.dir.file("sandboxes"), options);
        registry = std::make_unique<service::sandbox_registry>(
            root.db, *files, hasher,
            [this](const std::string&, storage::store& store, const std::string&) {
                return std::make_unique<plain_site>(store, hasher);
            },
            [this] { return now.load(); }, limits_,
            [this](const std::string& id) {
                std::lock_guard lock(removed_mutex);
                removed.push_back(id);
            });
    }
    std::vector<std::string> removed_ids() {
        std::lock_guard lock(removed_mutex);
        return removed;
    }
    void restart() {
        registry.reset();
        files.reset();
        start();
    }

    service::created_sandbox create(std::optional<std::int64_t> ttl = std::nullopt) {
        service::sandbox_request request;
        request.ttl_seconds = ttl;
        auto out = wait_for<service::created_sandbox>(
            [&](auto done) { registry->create(service::call{}, std::move(request), std::move(done)); });
        REQUIRE(out.ok());
        return std::move(out.value());
    }

    bool known(const std::string& id) { return registry->find(id).status == service::sandbox_registry::lookup::found; }

    test::temp_database root;
    crypto::secret_hasher hasher{test::test_pepper};
    std::atomic<std::int64_t> now{1'000'000};
    service::sandbox_limits limits_;
    std::unique_ptr<storage::sqlite::sandbox_files> files;
    std::unique_ptr<service::sandbox_registry> registry;
    std::mutex removed_mutex;
    std::vector<std::string> removed;  // guarded by removed_mutex
};

admin::seed_document one_hub(std::int64_t hub_id) {
    admin::seed_document seed;
    seed.hubs.push_back({hub_id, "hub" + std::to_string(hub_id) + ".example.com", "na1", std::nullopt});
    return seed;
}

std::size_t hubs_in(service::sandbox_site& site) {
    auto out = wait_for<std::vector<storage::hub_record>>(
        [&](auto done) { site.world().admin().list_hubs(service::call{}, std::move(done)); });
    REQUIRE(out.ok());
    return out.value().size();
}

}  // namespace

TEST_CASE("sandbox registry: a sandbox idle past its TTL on the server's clock is gone, files and row") {
    registry_world w;
    const auto kept = w.create(0);
    const auto doomed = w.create(100);
    CHECK(w.registry->owns_key(doomed.info.sandbox_id, doomed.admin_key));
    CHECK_FALSE(w.registry->owns_key(doomed.info.sandbox_id, kept.admin_key));
    w.now += 60;
    REQUIRE(w.known(doomed.info.sandbox_id));  // used at +60: idle from then on
    w.now += 100;
    CHECK(w.registry->owns_key(doomed.info.sandbox_id, doomed.admin_key));  // idle exactly its TTL: still there
    w.now += 1;
    CHECK_FALSE(w.registry->owns_key(doomed.info.sandbox_id, doomed.admin_key));
    CHECK_FALSE(w.known(doomed.info.sandbox_id));
    w.registry->sweep_now();
    CHECK_FALSE(std::filesystem::exists(w.files->world_path(doomed.info.sandbox_id)));
    CHECK(std::filesystem::exists(w.files->world_path(kept.info.sandbox_id)));
    const auto rows = storage::read_value(w.root.db, [](storage::repository& repo) { return repo.list_sandboxes(); });
    REQUIRE(rows.size() == 1);
    CHECK(rows[0].sandbox_id == kept.info.sandbox_id);
}

TEST_CASE("sandbox registry: beyond max_open the least recently used idle sandbox closes, never a held one") {
    service::sandbox_limits limits;
    limits.max_open = 1;
    registry_world w(limits);
    const std::string a = w.create().info.sandbox_id;
    const std::string b = w.create().info.sandbox_id;
    {
        auto lease = w.registry->find(a);
        lease.site->world().seed_now(one_hub(7));
        lease.site->world().admin().set_auto_approval(service::auto_approve::target{1, 7});
    }
    auto held = w.registry->find(b);  // b stays held; a is the idle one
    w.registry->sweep_now();
    CHECK(w.registry->open_count() == 1);
    auto reopened = w.registry->find(a);  // reopens a: its rows and its auto-approve are back
    CHECK(hubs_in(*reopened.site) == 1);
    CHECK(reopened.site->world().admin().auto_approval().has_value());
    CHECK(w.registry->open_count() == 2);
    w.registry->sweep_now();  // both held: nothing closes
    CHECK(w.registry->open_count() == 2);
    reopened = {};
    held = {};
    w.registry->sweep_now();
    CHECK(w.registry->open_count() == 1);
}

TEST_CASE("sandbox registry: the catalogue and worlds survive a restart; stray files are removed") {
    registry_world w;
    const auto created = w.create(500);
    w.registry->find(created.info.sandbox_id).site->world().seed_now(one_hub(9));
    auto snap = wait_for<storage::snapshot_record>([&](auto done) {
        w.registry->snapshot(service::call{}, created.info.sandbox_id, std::move(done));
    });
    REQUIRE(snap.ok());
    w.now += 400;
    REQUIRE(w.known(created.info.sandbox_id));  // last used at +400, written by the sweep
    w.registry->sweep_now();
    std::ofstream(w.root.dir.file("sandboxes/0123456789abcdef.db")) << "left by a crash";
    w.restart();
    CHECK_FALSE(std::filesystem::exists(w.root.dir.file("sandboxes/0123456789abcdef.db")));
    CHECK(w.registry->owns_key(created.info.sandbox_id, created.admin_key));
    w.now += 450;  // 850 s after creation, 450 after its last use: within its TTL
    auto lease = w.registry->find(created.info.sandbox_id);
    REQUIRE(lease.status == service::sandbox_registry::lookup::found);
    CHECK(hubs_in(*lease.site) == 1);
    lease = {};
    auto restored = wait_for<service::sandbox_info>([&](auto done) {
        w.registry->restore(service::call{}, created.info.sandbox_id, snap.value().snapshot_id, std::move(done));
    });
    REQUIRE(restored.ok());
    CHECK(restored.value().snapshots == std::vector<std::string>{snap.value().snapshot_id});
}

TEST_CASE("sandbox registry: the forgotten hook hears of each sandbox removed, by TTL or by delete") {
    registry_world w;
    const auto by_ttl = w.create(100);
    const auto by_delete = w.create(0);
    const auto kept = w.create(0);
    REQUIRE(w.known(kept.info.sandbox_id));
    w.now += 101;
    w.registry->sweep_now();
    CHECK(w.removed_ids() == std::vector<std::string>{by_ttl.info.sandbox_id});
    auto out = wait_for<oauth::done>([&](auto done) {
        w.registry->remove(service::call{}, by_delete.info.sandbox_id, std::move(done));
    });
    REQUIRE(out.ok());
    CHECK(w.removed_ids() == std::vector<std::string>{by_ttl.info.sandbox_id, by_delete.info.sandbox_id});
    CHECK(w.known(kept.info.sandbox_id));
}

TEST_CASE("controls keeper: one memory per sandbox until forgotten") {
    service::controls_keeper keeper;
    service::controls_settings settings;
    settings.rule_seeds = 7;
    const auto a = keeper.of("a", settings);
    CHECK(keeper.of("a", settings) == a);
    CHECK(keeper.of("b", settings) != a);
    CHECK(keeper.size() == 2);
    keeper.forget("a");
    keeper.forget("unknown");
    CHECK(keeper.size() == 1);
    CHECK(keeper.of("a", settings) != a);  // a new sandbox under an old id starts empty
}
