#include "support/contract.hpp"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <stdexcept>

#include "support/schema_validator.hpp"

#ifndef HSOAUTH_SPEC_JSON
#error "HSOAUTH_SPEC_JSON must name the OpenAPI contract (JSON)"
#endif

namespace hsoauth::e2e {
namespace {

using nlohmann::json;

std::string lower(std::string_view text) {
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

// The responses entry for `status`: exact, then range ("4XX"), then "default"; null if none.
const json* find_response(const json& responses, int status) {
    const std::string exact = std::to_string(status);
    for (const auto& key :
         {exact, exact.substr(0, 1) + "XX", exact.substr(0, 1) + "xx", std::string("default")}) {
        if (const auto it = responses.find(key); it != responses.end()) {
            return &*it;
        }
    }
    return nullptr;
}

// The application/json media entry of a response's content (or "*/*", which HubSpot's published
// documents give their Error response); null if absent.
const json* find_json_media(const json& content) {
    for (const auto& [type, media] : content.items()) {
        const auto base = lower(type.substr(0, type.find(';')));
        if (base == "application/json" || base == "*/*") {
            return &media;
        }
    }
    return nullptr;
}

}  // namespace

const contract& contract::instance() {
    static const contract loaded = load(HSOAUTH_SPEC_JSON);
    return loaded;
}

contract contract::load(const std::string& path) {
    std::ifstream in(path);
    if (!in) {
        throw std::runtime_error("cannot open OpenAPI contract " + path);
    }
    try {
        return contract(json::parse(in));
    } catch (const json::exception& e) {
        throw std::runtime_error("cannot parse OpenAPI contract " + path + ": " + e.what());
    }
}

std::vector<std::string> contract::violations(std::string_view path_template,
                                              std::string_view method, int status,
                                              const json& body, bool closed) const {
    const std::string operation_name =
        std::string(method) + " " + std::string(path_template) + " -> " + std::to_string(status);
    std::vector<std::string> out;
    const auto fail = [&](const std::string& why) { out.push_back(operation_name + ": " + why); };

    const auto& paths = spec_.at("paths");
    const auto path_it = paths.find(std::string(path_template));
    if (path_it == paths.end()) {
        fail("path not in the contract");
        return out;
    }
    const auto op_it = path_it->find(lower(method));
    if (op_it == path_it->end()) {
        fail("method not in the contract for this path");
        return out;
    }
    const auto responses = op_it->find("responses");
    const json* response_node =
        responses == op_it->end() ? nullptr : find_response(*responses, status);
    if (response_node == nullptr) {
        fail("status not declared in the contract for this operation");
        return out;
    }
    const json& response = follow_refs(spec_, *response_node);
    const auto content = response.find("content");
    if (content == response.end() || content->empty()) {
        if (!body.is_null()) {
            fail("contract declares no body, got " + body.dump());
        }
        return out;
    }
    const json* media = find_json_media(*content);
    if (media == nullptr) {
        fail("contract declares no application/json content for this response");
        return out;
    }
    if (body.is_null()) {
        fail("contract declares an application/json body, got none");
        return out;
    }
    if (const auto schema = media->find("schema"); schema != media->end()) {
        std::vector<std::string> found;
        validate_schema(spec_, *schema, body, found, "#", closed);
        for (const auto& violation : found) {
            fail(violation);
        }
    }
    return out;
}

std::vector<std::string> conformance_issues(std::string_view path_template, std::string_view method,
                                            const http_response& r, const contract& spec,
                                            bool closed) {
    std::vector<std::string> issues;
    json body = nullptr;
    if (!r.body.empty()) {
        const auto content_type = r.header("Content-Type");
        if (content_type != "application/json;charset=utf-8" ||
            r.header_count("Content-Type") != 1) {
            issues.push_back(std::string(method) + " " + std::string(path_template) + " -> " +
                             std::to_string(r.status) + ": Content-Type is \"" + content_type +
                             "\" (x" + std::to_string(r.header_count("Content-Type")) +
                             "), expected exactly one \"application/json;charset=utf-8\"");
        }
        try {
            body = json::parse(r.body);
        } catch (const json::parse_error& e) {
            issues.push_back(std::string(method) + " " + std::string(path_template) + " -> " +
                             std::to_string(r.status) + ": body is not JSON (" + e.what() + ")");
            return issues;
        }
    }
    auto found = spec.violations(path_template, method, r.status, body, closed);
    issues.insert(issues.end(), found.begin(), found.end());
    return issues;
}

}  // namespace hsoauth::e2e
