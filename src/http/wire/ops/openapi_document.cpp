#include <nlohmann/json.hpp>

#include <stdexcept>

#include "hsoauth/http/wire/ops/openapi_fragments.hpp"
#include "hsoauth/http/wire/ops/ops_views.hpp"

namespace hsoauth::http::wire::ops {
namespace {

using nlohmann::json;

// Adds every member of `from` to `into`; a member both hold must be equal.
void merge_members(json& into, const json& from, const std::string& where, std::string_view fragment) {
    if (!from.is_object()) throw std::runtime_error(std::string(fragment) + ": " + where + " must be an object");
    for (const auto& [key, value] : from.items()) {
        const auto existing = into.find(key);
        if (existing == into.end()) {
            into[key] = value;
        } else if (*existing != value) {
            throw std::runtime_error(std::string(fragment) + ": " + where + "/" + key +
                                     " is already defined differently by another fragment");
        }
    }
}

}  // namespace

std::string openapi_document() {
    json document;
    std::vector<std::pair<std::string_view, json>> areas;
    for (const auto& fragment : embedded_openapi_fragments()) {
        json parsed = json::parse(fragment.text, nullptr, false);
        if (parsed.is_discarded() || !parsed.is_object()) {
            throw std::runtime_error(std::string(fragment.name) + " is not a JSON object");
        }
        if (fragment.name == "base.json") {
            document = std::move(parsed);
        } else {
            areas.emplace_back(fragment.name, std::move(parsed));
        }
    }
    if (!document.is_object()) throw std::runtime_error("src/http/wire/ops/openapi/base.json is missing");
    if (!document.contains("paths")) document["paths"] = json::object();
    if (!document.contains("components")) document["components"] = json::object();
    if (!document.contains("tags")) document["tags"] = json::array();
    for (const auto& [name, area] : areas) {
        for (const auto& [key, value] : area.items()) {
            if (key == "paths") {
                for (const auto& [path, operations] : value.items()) {
                    merge_members(document["paths"][path], operations, "paths/" + path, name);
                }
            } else if (key == "components") {
                for (const auto& [section, members] : value.items()) {
                    merge_members(document["components"][section], members, "components/" + section, name);
                }
            } else if (key == "tags") {
                for (const auto& tag : value) {
                    bool known = false;
                    for (const auto& have : document["tags"]) known = known || have.value("name", "") == tag.value("name", "");
                    if (!known) document["tags"].push_back(tag);
                }
            } else if (key.rfind("x-", 0) != 0 && key.rfind('_', 0) != 0) {
                throw std::runtime_error(std::string(name) + ": a fragment holds paths, components and tags only, not " + key);
            }
        }
    }
    return document.dump();
}

}  // namespace hsoauth::http::wire::ops
