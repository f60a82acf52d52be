#include "fuzz_world.hpp"

#include <unistd.h>

#include <nlohmann/json.hpp>

#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <vector>

#include "hsoauth/app/assembly.hpp"
#include "hsoauth/config/config.hpp"
#include "hsoauth/crypto/digest.hpp"
#include "hsoauth/http/correlation_id.hpp"
#include "hsoauth/http/log_writer.hpp"
#include "hsoauth/http/request_log.hpp"
#include "hsoauth/http/responder.hpp"
#include "hsoauth/http/router.hpp"
#include "hsoauth/http/wire/admin/seed_file.hpp"
#include "hsoauth/service/admin_service.hpp"
#include "hsoauth/storage/sqlite/sqlite_store.hpp"
#include "in_process_port.hpp"

namespace hsoauth::fuzz {
namespace {

// 64 characters, fixed so that runs are repeatable.
constexpr std::string_view pepper = "fuzz-pepper-0123456789abcdef0123456789abcdef0123456789abcdef0123";

// In $HSOAUTH_FUZZ_DB_DIR (scripts/fuzz.sh points it at a directory it removes afterwards, so
// runs that crash leave nothing behind), else in /dev/shm; unique per process.
std::string database_path() {
    const char* dir = std::getenv("HSOAUTH_FUZZ_DB_DIR");
    return std::string(dir != nullptr && *dir != '\0' ? dir : "/dev/shm") + "/hsoauth-fuzz-" +
           std::to_string(::getpid()) + ".db";
}

void remove_database_files() {
    const std::string path = database_path();
    for (const char* suffix : {"", "-wal", "-shm", "-journal"}) ::unlink((path + suffix).c_str());
}

storage::sqlite::store_options store_options_for(std::string path) {
    storage::sqlite::store_options options;
    options.path = std::move(path);
    options.synchronous = "OFF";  // /dev/shm, and nothing has to survive a crash
    return options;
}

config::settings settings_for(const std::string& path) {
    config::settings settings;
    settings.db = path;
    settings.admin_key = std::string(admin_key);
    settings.log_requests = false;
    return settings;
}

// Everything `hsoauth serve` builds before its server (app::assembly, as main.cpp uses it), in
// the order it builds it (members initialise in declaration order).
struct parts {
    parts()
        : settings(settings_for(database_path())),
          store(store_options_for(settings.db)),
          hasher(std::string(pepper)),
          log(STDERR_FILENO),
          assembly(settings, settings.admin_key, store, hasher, log),
          seed(http::wire::admin_json::read_seed_file(HSOAUTH_FUZZ_SEED_FILE)) {
        apply_seed();
    }

    void apply_seed() { assembly.sandbox().seed_now(seed); }

    config::settings settings;
    storage::sqlite::sqlite_store store;
    crypto::secret_hasher hasher;
    http::log_writer log;
    app::assembly assembly;
    admin::seed_document seed;
};

parts& the_parts() {
    // Never destroyed: handlers and the writer thread may still hold references at exit.
    static parts* const instance = [] {
        remove_database_files();  // left over by an earlier process with the same pid
        auto* p = new parts();
        std::atexit(remove_database_files);
        return p;
    }();
    return *instance;
}

std::string_view header_of(const http::response& r, std::string_view name) {
    for (const auto& [key, value] : r.headers) {
        if (http::iequals(key, name)) return value;
    }
    return {};
}

// `text` with every byte outside printable ASCII shown as \xNN, cut at `limit` bytes.
std::string printable(std::string_view text, std::size_t limit = 2000) {
    std::string out;
    for (std::size_t i = 0; i < text.size() && i < limit; ++i) {
        const auto b = static_cast<unsigned char>(text[i]);
        if (b >= 0x20 && b < 0x7f && b != '\\') {
            out += static_cast<char>(b);
        } else {
            char escaped[8];
            std::snprintf(escaped, sizeof escaped, "\\x%02x", b);
            out += escaped;
        }
    }
    if (text.size() > limit) out += "...(" + std::to_string(text.size()) + " bytes)";
    return out;
}

bool is_token_collection(std::string_view segment) {
    return segment == "access-tokens" || segment == "refresh-tokens";
}

std::vector<std::string_view> split_segments(std::string_view path) {
    std::vector<std::string_view> out;
    std::size_t start = 0;
    for (;;) {
        const std::size_t slash = path.find('/', start);
        out.push_back(path.substr(start, slash == std::string_view::npos ? std::string_view::npos : slash - start));
        if (slash == std::string_view::npos) return out;
        start = slash + 1;
    }
}

}  // namespace

const http::endpoints& world() { return the_parts().assembly.endpoints(); }

void reset_world(bool reseed) {
    auto& p = the_parts();
    auto& admin = p.assembly.sandbox().admin();
    admin.set_storage_faults({});
    admin.set_auto_approval(std::nullopt);
    if (reseed) p.apply_seed();
}

std::string next_correlation_id() {
    thread_local http::correlation_id_source source;
    return source.next();
}

http::response exchange(const http::endpoints& s, const http::request& req) {
    static const bool trace = std::getenv("HSOAUTH_FUZZ_TRACE") != nullptr;
    auto port = std::make_shared<test::in_process_port>();
    http::request routed = req;  // dispatch notes the route in it
    http::dispatch(s, routed, http::responder(port));
    if (!port->run_until_answered(std::chrono::steady_clock::now() + std::chrono::seconds(30))) {
        fail("no response within 30 s", req);
    }
    if (port->sends() != 1) fail("more than one response sent for one request", req);
    auto r = port->take();
    if (trace) {
        std::fprintf(stderr, "fuzz: %s %s -> %d\n", printable(req.method, 16).c_str(), printable(req.target, 120).c_str(),
                     r.status);
    }
    return r;
}

void check_response(const http::request& req, const http::response& r) {
    const auto detail = [&] {
        std::string out = "status " + std::to_string(r.status) + "\n";
        if (!r.content_type.empty()) out += "  Content-Type: " + std::string(r.content_type) + "\n";
        for (const auto& [name, value] : r.headers) out += "  " + name + ": " + printable(value) + "\n";
        return out + "body: " + printable(r.body);
    };
    if (r.status < 100 || r.status > 599) fail("status out of range", req, detail());
    if (r.status == 500) fail("500 Internal Server Error", req, detail());

    // A static Content-Type travels in its own member; any other is one of the headers.
    const std::string_view content_type = r.content_type.empty() ? header_of(r, "Content-Type") : r.content_type;
    const bool json_declared = content_type == http::json_content_type;
    const bool html_declared = content_type == http::html_content_type;
    if (!content_type.empty() && !json_declared && !html_declared) fail("unexpected Content-Type", req, detail());
    if (!r.body.empty() && content_type.empty()) fail("a body without Content-Type", req, detail());

    const auto body = nlohmann::json::parse(r.body, nullptr, false);
    const bool body_is_json = !r.body.empty() && !body.is_discarded();
    if (body_is_json && !json_declared) fail("a JSON body without the JSON Content-Type", req, detail());
    if (json_declared && !body_is_json) fail("Content-Type says JSON but the body is not JSON", req, detail());

    if ((r.status == 204 || (r.status >= 300 && r.status < 400)) && !r.body.empty()) {
        fail("a body on a 204 or a redirect", req, detail());
    }
    if (r.status >= 300 && r.status < 400 && header_of(r, "Location").empty()) {
        fail("a redirect without Location", req, detail());
    }
    if (r.status == 405 && header_of(r, "Allow").empty()) fail("405 without Allow", req, detail());

    if (r.status >= 400 && !html_declared) {
        if (!body_is_json || !body.is_object()) fail("an error without HubSpot's JSON error body", req, detail());
        const auto text = [&](const char* key) {
            const auto it = body.find(key);
            return it != body.end() && it->is_string() ? it->get<std::string>() : std::string("\x01");
        };
        if (text("correlationId") != req.correlation_id) {
            fail("the error body's correlationId is not the request's", req, detail());
        }
        for (const char* key : {"status", "message", "category"}) {
            if (text(key) == "\x01") fail(std::string("the error body has no string \"") + key + "\"", req, detail());
        }
    }
}

// Why `shown` (masked_path's output, without its cut marker when `cut`) does not show `path`
// as the log must, or "" when it does.
static std::string masking_problem(std::string_view path, std::string_view shown, bool cut) {
    for (const char c : shown) {
        const auto b = static_cast<unsigned char>(c);
        if (b < 0x20 || b >= 0x7f) return "masked_path shows a byte outside printable ASCII";
    }

    // Masking keeps every '/', so the shown segments line up with the path's. (A masked first
    // segment of a path that does not start with '/' is shown as "/***": line that up too.)
    std::string slashed;
    if (!path.empty() && path.front() != '/' && shown.substr(0, 4) == "/***") {
        slashed = "/" + std::string(path);
        path = slashed;
    }
    const auto original = split_segments(path);
    const auto segments = split_segments(shown);
    if (segments.size() > original.size() || (!cut && segments.size() != original.size())) {
        return "masked_path changed the number of segments";
    }
    // A token segment is the first non-empty one after access-tokens or refresh-tokens; any
    // other segment is shown (escaped as \xNN outside printable ASCII) or masked too (long ones
    // may be secrets).
    bool after_collection = false;
    for (std::size_t k = 0; k < segments.size(); ++k) {
        const bool last_cut = cut && k + 1 == segments.size();
        const bool secret = after_collection && !original[k].empty();
        if (!original[k].empty()) after_collection = is_token_collection(original[k]);
        std::string shown_as;
        http::append_escaped(shown_as, original[k]);
        const auto same = [&](std::string_view expected) {
            return last_cut ? expected.substr(0, segments[k].size()) == segments[k] : expected == segments[k];
        };
        const bool matches = (!original[k].empty() && same("***")) || (!secret && same(shown_as));
        if (!matches) {
            return std::string(secret ? "masked_path shows a token segment" : "masked_path altered a segment") +
                   "\nsegment " + std::to_string(k) + ": '" + printable(original[k]) + "' shown as '" +
                   printable(segments[k]) + "'";
        }
    }
    return {};
}

void check_masked_path(std::string_view path) {
    const std::string masked = http::masked_path(path);
    http::request shown_request;
    shown_request.method = "(masked_path)";
    shown_request.target = std::string(path);
    const auto detail = [&] { return "masked: " + printable(masked); };

    // An uncut path is shown in at most 200 bytes; a cut one in 197 to 200 (an escape is never
    // split) followed by "...". A 200-byte result ending in "..." may be either.
    constexpr std::string_view marker = "...";
    constexpr std::size_t max_shown = 200;
    const bool marked = masked.size() >= max_shown && std::string_view(masked).ends_with(marker);
    if (masked.size() > max_shown && !marked) fail("masked_path is too long or not cut with \"...\"", shown_request, detail());
    if (masked.size() > max_shown + marker.size()) fail("masked_path is too long", shown_request, detail());
    std::string problem = "no reading";
    if (masked.size() <= max_shown) problem = masking_problem(path, masked, false);
    if (!problem.empty() && marked) {
        problem = masking_problem(path, std::string_view(masked).substr(0, masked.size() - marker.size()), true);
    }
    if (!problem.empty()) fail(problem, shown_request, detail());
}

void fail(std::string_view what, const http::request& req, std::string_view detail) {
    std::string out = "\n=== hsoauth fuzz invariant broken: " + std::string(what) + "\n";
    out += "request: " + printable(req.method) + " " + printable(req.target) + "\n";
    for (const auto& [name, value] : req.headers) out += "  " + printable(name) + ": " + printable(value) + "\n";
    if (!req.body.empty()) out += "body: " + printable(req.body) + "\n";
    if (!detail.empty()) out += std::string(detail) + "\n";
    std::fputs(out.c_str(), stderr);
    std::fflush(stderr);
    std::abort();
}

}  // namespace hsoauth::fuzz
