#include "hsoauth/http/wire/admin/seed_file.hpp"

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>

#include "hsoauth/http/wire/admin/admin_json.hpp"
#include "hsoauth/util/json_syntax.hpp"

namespace hsoauth::http::wire::admin_json {

admin::seed_document read_seed_file(const std::string& path) {
    std::error_code ignored;
    if (!std::filesystem::exists(path, ignored)) throw std::runtime_error("seed file " + path + " does not exist");
    std::ifstream in(path);
    if (!in || std::filesystem::is_directory(path, ignored)) {
        throw std::runtime_error("cannot read seed file " + path);
    }
    std::stringstream buffer;
    buffer << in.rdbuf();
    const std::string text = buffer.str();
    const auto doc = nlohmann::json::parse(text, nullptr, false, true);
    if (doc.is_discarded()) {
        throw std::runtime_error("seed file " + path + " is not valid JSON: " + util::json_syntax_error(text, true));
    }
    auto seed = parse_seed(doc);
    if (!seed) throw std::runtime_error("seed file " + path + ": " + seed.err().detail);
    return std::move(*seed);
}

std::string describe(const admin::seed_outcome& outcome) {
    std::ostringstream out;
    out << "seeded " << outcome.hubs.size() << " hub(s), " << outcome.users.size() << " user(s), "
        << outcome.apps.size() << " app(s)\n";
    for (const auto& saved : outcome.apps) {
        out << "  app " << saved.app.app_id << " \"" << saved.app.name
            << "\": client_id=" << saved.app.client_id;
        if (saved.client_secret) {
            out << " client_secret=" << *saved.client_secret;
            if (saved.secret_generated) out << " (generated; shown only now)";
        }
        out << '\n';
    }
    return out.str();
}

}  // namespace hsoauth::http::wire::admin_json
