// The seam where cross-cutting controls join: a decorator wraps the real token service, and a v1
// request routed through http::dispatch reaches the domain only through it.
#include <doctest/doctest.h>

#include <chrono>
#include <future>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <thread>

#include "../storage/temp_database.hpp"
#include "hsoauth/app/assembly.hpp"
#include "hsoauth/http/router.hpp"
#include "hsoauth/service/admin_service.hpp"
#include "hsoauth/service/controls_service.hpp"
#include "hsoauth/service/token_service.hpp"
#include "hsoauth/storage/sqlite/sandbox_files.hpp"
#include "in_process_port.hpp"
#include "quiet_log.hpp"

using namespace hsoauth;
using nlohmann::json;

namespace {

// Counts grants, and refuses them while `refusal` is set: a test double of a fault playbook.
class counting_tokens final : public service::token_service_wrapper {
  public:
    using token_service_wrapper::token_service_wrapper;

    void grant(const service::call& c, service::grant_request request,
               service::reply<oauth::issued_tokens>&& done) override {
        ++grants;
        if (refusal) return done(*refusal);
        wrapped().grant(c, std::move(request), std::move(done));
    }

    int grants = 0;
    std::optional<oauth::error> refusal;
};

// Notes the thread each grant's reply runs on, then passes the reply on.
class thread_noting_tokens final : public service::token_service_wrapper {
  public:
    using token_service_wrapper::token_service_wrapper;

    void grant(const service::call& c, service::grant_request request,
               service::reply<oauth::issued_tokens>&& done) override {
        done.tap([this](service::outcome<oauth::issued_tokens>&) { replied_on = std::this_thread::get_id(); });
        wrapped().grant(c, std::move(request), std::move(done));
    }

    std::thread::id replied_on;  // read once the answer has been sent
};

// Waits for a service operation's reply (from a thread that is not a network thread).
template <class T, class Operation>
service::outcome<T> wait_for(Operation operation) {
    std::promise<service::outcome<T>> answered;
    operation([&](service::outcome<T> out) { answered.set_value(std::move(out)); });
    return answered.get_future().get();
}

struct decorated_world {
    decorated_world()
        : hasher(test::test_pepper),
          parts(settings(), "unit-admin-key-0123456789", store.db, hasher, log),
          tokens(parts.sandbox().tokens()),
          endpoints{tokens, parts.sandbox().authorization(), parts.sandbox().admin(), log, nullptr, nullptr} {
        admin::seed_document seed;
        seed.hubs.push_back({std::int64_t{62515}, "demo.example.com", "na1", std::nullopt});
        seed.users.push_back({std::int64_t{123}, "dev@example.com", {62515}, {}});
        admin::app_input app;
        app.name = "Demo";
        app.client_id = "demo-client";
        app.client_secret = "demo-secret-0123456789";
        app.redirect_uris = {"http://localhost:3000/cb"};
        app.scopes = {"oauth"};
        seed.apps.push_back(app);
        parts.sandbox().seed_now(seed);
    }

    static config::settings settings() {
        config::settings s;
        s.log_requests = false;
        return s;
    }

    std::string mint_code() {
        service::code_request request{"demo-client", 62515, 123, "http://localhost:3000/cb",
                                      {"oauth"},     "",    ""};
        auto issued = wait_for<oauth::issued_code>([&](auto done) {
            parts.sandbox().admin().mint_code(service::call{"corr", nullptr, "admin.codes.create", "admin", "", nullptr}, request,
                                              std::move(done));
        });
        REQUIRE(issued.ok());
        return issued.value().code;
    }

    http::response post_token(const std::string& body) { return post_token(body, endpoints); }

    http::response post_token(const std::string& body, const http::endpoints& through) {
        http::request req;
        req.method = "POST";
        req.target = req.path = "/oauth/v1/token";
        req.headers = {{"content-type", "application/x-www-form-urlencoded"}};
        req.body = body;
        req.correlation_id = "5f0c1f0e-0000-4000-8000-000000000001";
        auto port = std::make_shared<test::in_process_port>();
        http::dispatch(through, req, http::responder(port));
        REQUIRE(
            port->run_until_answered(std::chrono::steady_clock::now() + std::chrono::seconds(10)));
        return port->take();
    }

    test::temp_database store;
    test::quiet_log quiet;
    http::log_writer& log = quiet.writer();
    crypto::secret_hasher hasher;
    app::assembly parts;
    counting_tokens tokens;
    http::endpoints endpoints;
};

}  // namespace

TEST_CASE_FIXTURE(decorated_world,
                  "service: a decorator sees every grant and passes it on to the real service") {
    const std::string code = mint_code();
    const auto r = post_token(
        "grant_type=authorization_code&client_id=demo-client&client_secret=demo-secret-0123456789"
        "&redirect_uri=http%3A%2F%2Flocalhost%3A3000%2Fcb&code=" +
        code);
    CHECK(tokens.grants == 1);
    REQUIRE(r.status == 200);
    const auto body = json::parse(r.body);
    CHECK(body.at("hub_id") == 62515);
    CHECK(body.at("token_type") == "bearer");
}

TEST_CASE_FIXTURE(decorated_world,
                  "service: a decorator's refusal is answered in the wire version's words, and "
                  "the domain never sees the request") {
    const std::string code = mint_code();
    const std::string body =
        "grant_type=authorization_code&client_id=demo-client&client_secret=demo-secret-0123456789"
        "&redirect_uri=http%3A%2F%2Flocalhost%3A3000%2Fcb&code=" +
        code;
    tokens.refusal = oauth::make_error(oauth::errc::invalid_refresh_token);
    const auto refused = post_token(body);
    CHECK(tokens.grants == 1);
    CHECK(refused.status == 400);
    CHECK(json::parse(refused.body).at("status") == "BAD_REFRESH_TOKEN");
    // The code was not used up: without the refusal the same exchange succeeds.
    tokens.refusal.reset();
    CHECK(post_token(body).status == 200);
    CHECK(tokens.grants == 2);
}

TEST_CASE_FIXTURE(decorated_world,
                  "service: the controls' decorator composes with another; a fault rule answers "
                  "for the operation, which never runs unless the rule commits it") {
    // counting_tokens outside, the controls' intercepting decorator inside, the core last.
    counting_tokens outer(parts.controls().tokens());
    http::endpoints through{outer, parts.controls().authorization(), parts.controls().admin(), log};
    through.controls = &parts.controls().controls();
    auto& controls = parts.controls().controls();
    controls::fault_rule rule;
    rule.match.grant_type = "authorization_code";
    rule.action.kind = controls::fault_kind::server_error;
    rule.action.status = 502;
    rule.times = 1;
    REQUIRE(controls.add_fault(rule));

    const std::string code = mint_code();
    const std::string body =
        "grant_type=authorization_code&client_id=demo-client&client_secret=demo-secret-0123456789"
        "&redirect_uri=http%3A%2F%2Flocalhost%3A3000%2Fcb&code=" +
        code;
    const auto faulted = post_token(body, through);
    CHECK(outer.grants == 1);
    CHECK(faulted.status == 502);
    CHECK(json::parse(faulted.body).at("status") == "BAD_GATEWAY");
    // The code is still unused: the rule was spent, the same exchange now succeeds.
    CHECK(post_token(body, through).status == 200);
    CHECK(outer.grants == 2);

    // A committing rule lets the exchange happen and only replaces its answer.
    rule.action.commit = true;
    REQUIRE(controls.add_fault(rule));
    const std::string second = mint_code();
    const std::string second_body =
        "grant_type=authorization_code&client_id=demo-client&client_secret=demo-secret-0123456789"
        "&redirect_uri=http%3A%2F%2Flocalhost%3A3000%2Fcb&code=" +
        second;
    CHECK(post_token(second_body, through).status == 502);
    const auto replay = post_token(second_body, through);
    CHECK(replay.status == 400);
    CHECK(json::parse(replay.body).at("status") == "BAD_AUTH_CODE");

    // The journal saw the faults and the exchanges, in order.
    controls::event_query q;
    q.kinds = {controls::event_kind::fault, controls::event_kind::code_exchange};
    const auto page = controls.events(q);
    REQUIRE(page.events.size() == 3);
    CHECK(page.events[0].kind == controls::event_kind::fault);
    CHECK(page.events[0].result == controls::event_result::not_run);
    CHECK(page.events[1].kind == controls::event_kind::code_exchange);
    CHECK(page.events[2].kind == controls::event_kind::fault);
    CHECK(page.events[2].committed);
    CHECK(page.events[2].result == controls::event_result::ok);
}

TEST_CASE_FIXTURE(decorated_world,
                  "service: a write from a network thread is answered on that thread once durable; "
                  "the storage engine's thread only hands it back") {
    thread_noting_tokens noting(parts.sandbox().tokens());
    http::endpoints through{noting, parts.sandbox().authorization(), parts.sandbox().admin(), log};
    const std::string code = mint_code();
    // The in-process port stands for the network thread: this thread runs what it is handed.
    const auto r = post_token(
        "grant_type=authorization_code&client_id=demo-client&client_secret=demo-secret-0123456789"
        "&redirect_uri=http%3A%2F%2Flocalhost%3A3000%2Fcb&code=" +
            code,
        through);
    CHECK(r.status == 200);
    CHECK(noting.replied_on == std::this_thread::get_id());

    // Without a network thread (start-up, the command line) the engine's thread answers.
    std::thread::id minted_on;
    service::code_request request{"demo-client", 62515, 123, "http://localhost:3000/cb", {"oauth"}, "", ""};
    auto issued = wait_for<oauth::issued_code>([&](auto done) {
        parts.sandbox().admin().mint_code(
            service::call{"corr", nullptr, "admin.codes.create", "admin", "", nullptr}, request,
            [&minted_on, done = std::move(done)](service::outcome<oauth::issued_code>&& out) {
                minted_on = std::this_thread::get_id();
                done(std::move(out));
            });
    });
    CHECK(issued.ok());
    CHECK(minted_on != std::this_thread::get_id());
}

namespace {

// The root with sandboxes (app::assembly over sandbox files), driven in-process as the fuzzers
// and the service seams' tests drive it.
struct sandboxed_world {
    sandboxed_world()
        : hasher(test::test_pepper),
          files(store.dir.file("sandboxes"), sandbox_store_options()),
          parts(decorated_world::settings(), std::string(admin_key), store.db, hasher, log, &files) {}

    static storage::sqlite::store_options sandbox_store_options() {
        storage::sqlite::store_options options;
        options.synchronous = "NORMAL";
        return options;
    }

    std::string create_sandbox() {
        auto created = wait_for<service::created_sandbox>([&](auto done) {
            parts.sandboxes()->create(service::call{}, service::sandbox_request{}, std::move(done));
        });
        REQUIRE(created.ok());
        return created.value().info.sandbox_id;
    }

    // `req` dispatched on a fresh in-process port from this thread; nothing it deferred has run yet.
    std::shared_ptr<test::in_process_port> start(http::request& req) {
        req.correlation_id = "5f0c1f0e-0000-4000-8000-000000000002";
        req.headers.emplace_back("authorization", "Bearer " + std::string(admin_key));
        auto port = std::make_shared<test::in_process_port>();
        http::dispatch(parts.endpoints(), req, http::responder(port));
        return port;
    }

    static http::response answer_of(test::in_process_port& port) {
        REQUIRE(port.run_until_answered(std::chrono::steady_clock::now() + std::chrono::seconds(10)));
        return port.take();
    }

    static constexpr std::string_view admin_key = "unit-admin-key-0123456789";
    test::temp_database store;
    test::quiet_log quiet;
    http::log_writer& log = quiet.writer();
    crypto::secret_hasher hasher;
    storage::sqlite::sandbox_files files;
    app::assembly parts;
};

http::request get_request(std::string path) {
    http::request req;
    req.method = "GET";
    req.target = req.path = std::move(path);
    return req;
}

}  // namespace

TEST_CASE_FIXTURE(sandboxed_world,
                  "sandboxes in-process: the port holds the sandbox while the answer it deferred is pending; "
                  "a removal meanwhile waits for it and the sandbox answers 503") {
    const std::string id = create_sandbox();
    const std::string prefix = "/sandboxes/" + id;
    http::request rule;
    rule.method = "POST";
    rule.target = rule.path = prefix + "/admin/v1/faults";
    rule.headers = {{"content-type", "application/json"}};
    rule.body = R"({"match":{"route":"access_token_metadata"},"action":{"kind":"delay","delay_ms":1},"times":1})";
    REQUIRE(answer_of(*start(rule)).status == 201);

    // The delay defers the answer to the port's thread (this one): pending until the port runs it.
    http::request delayed = get_request(prefix + "/oauth/v1/access-tokens/unknown-token");
    const auto port = start(delayed);
    CHECK(port->sends() == 0);
    CHECK(delayed.path == prefix + "/oauth/v1/access-tokens/unknown-token");  // whole, for the log
    CHECK(delayed.routed_path() == "/oauth/v1/access-tokens/unknown-token");

    std::promise<service::outcome<oauth::done>> removed;
    parts.sandboxes()->remove(service::call{}, id, [&](service::outcome<oauth::done> out) { removed.set_value(std::move(out)); });
    auto removal = removed.get_future();
    CHECK(removal.wait_for(std::chrono::milliseconds(300)) == std::future_status::timeout);
    http::request meanwhile = get_request(prefix + "/oauth/v1/access-tokens/unknown-token");
    const http::response busy = answer_of(*start(meanwhile));
    CHECK(busy.status == 503);

    // Answered (the unknown token's 401), the port lets the sandbox go and the removal ends.
    CHECK(answer_of(*port).status == 401);
    REQUIRE(removal.wait_for(std::chrono::seconds(10)) == std::future_status::ready);
    CHECK(removal.get().ok());
    http::request after = get_request(prefix + "/oauth/v1/access-tokens/unknown-token");
    CHECK(answer_of(*start(after)).status == 404);
}
