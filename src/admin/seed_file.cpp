#include "hsoauth/admin/seed_file.hpp"

#include <nlohmann/json.hpp>

#include <fstream>
#include <sstream>
#include <stdexcept>

namespace hsoauth::admin {

seed_document read_seed_file(const std::string& path) {
    std::ifstream in(path);
    if (!in) throw std::runtime_error("cannot read seed file " + path);
    std::stringstream buffer;
    buffer << in.rdbuf();
    const auto doc = nlohmann::json::parse(buffer.str(), nullptr, false, true);
    if (doc.is_discarded()) throw std::runtime_error("seed file " + path + " is not valid JSON");
    auto seed = parse_seed(doc);
    if (!seed) throw std::runtime_error("seed file " + path + ": " + seed.err().message);
    return std::move(*seed);
}

std::string describe(const seed_outcome& outcome) {
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

}  // namespace hsoauth::admin
