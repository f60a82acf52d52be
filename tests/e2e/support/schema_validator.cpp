#include "support/schema_validator.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <stdexcept>

namespace hsoauth::e2e {
namespace {

using nlohmann::json;

// Validation keywords this validator does not implement; a schema using one is a violation.
// clang-format off
constexpr std::array unsupported_keywords = {
    "allOf", "anyOf", "not", "const", "pattern", "minLength", "maxLength", "minimum",
    "maximum", "exclusiveMinimum", "exclusiveMaximum", "minItems", "maxItems", "uniqueItems",
    "minProperties", "maxProperties", "patternProperties", "dependentRequired", "if",
    "prefixItems", "contains", "multipleOf"};
// clang-format on

std::string escape_pointer_token(std::string_view token) {
    std::string out;
    for (const char c : token) {
        if (c == '~') {
            out += "~0";
        } else if (c == '/') {
            out += "~1";
        } else {
            out += c;
        }
    }
    return out;
}

std::string json_type_name(const json& value) {
    if (value.is_number_integer()) return "integer";
    if (value.is_number()) return "number";
    return value.type_name();  // object, array, string, boolean, null
}

bool has_type(const json& value, std::string_view type) {
    if (type == "object") return value.is_object();
    if (type == "array") return value.is_array();
    if (type == "string") return value.is_string();
    if (type == "integer") return value.is_number_integer();
    if (type == "number") return value.is_number();
    if (type == "boolean") return value.is_boolean();
    if (type == "null") return value.is_null();
    throw std::runtime_error("contract uses unknown schema type \"" + std::string(type) + "\"");
}

std::string brief(const json& value) {
    std::string text = value.dump();
    if (text.size() > 80) {
        text = text.substr(0, 77) + "...";
    }
    return text;
}

bool is_hex(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

// Returns false (after recording why) if the type check fails, so deeper checks are skipped.
bool check_type(const json& schema, const json& value, std::vector<std::string>& out,
                const std::string& pointer) {
    const auto it = schema.find("type");
    if (it == schema.end()) {
        return true;
    }
    std::vector<std::string> allowed;
    if (it->is_string()) {
        allowed.push_back(it->get<std::string>());
    } else {
        allowed = it->get<std::vector<std::string>>();
    }
    if (std::any_of(allowed.begin(), allowed.end(),
                    [&](const std::string& t) { return has_type(value, t); })) {
        return true;
    }
    out.push_back(pointer + ": expected " + it->dump() + ", got " + json_type_name(value) + " " +
                  brief(value));
    return false;
}

void check_object(const json& document, const json& schema, const json& value,
                  std::vector<std::string>& out, const std::string& pointer, bool closed) {
    if (const auto required = schema.find("required"); required != schema.end()) {
        for (const auto& name : *required) {
            if (!value.contains(name.get<std::string>())) {
                out.push_back(pointer + ": missing required member \"" + name.get<std::string>() +
                              "\"");
            }
        }
    }
    const json empty = json::object();
    const auto props_it = schema.find("properties");
    const json& properties = props_it != schema.end() ? *props_it : empty;
    const auto additional = schema.find("additionalProperties");
    for (const auto& [name, member] : value.items()) {
        const std::string member_pointer = pointer + "/" + escape_pointer_token(name);
        if (const auto declared = properties.find(name); declared != properties.end()) {
            validate_schema(document, *declared, member, out, member_pointer, closed);
        } else if (additional != schema.end()) {
            if (additional->is_boolean()) {
                if (!additional->get<bool>()) {
                    out.push_back(member_pointer +
                                  ": member not allowed (additionalProperties: false)");
                }
            } else {
                validate_schema(document, *additional, member, out, member_pointer, closed);
            }
        } else if (closed && props_it != schema.end() && !schema.contains("oneOf")) {
            out.push_back(member_pointer + ": member not declared by the schema");
        }
    }
}

// oneOf: exactly one branch holds; otherwise each branch's violations are reported.
void check_one_of(const json& document, const json& branches, const json& value,
                  std::vector<std::string>& out, const std::string& pointer, bool closed) {
    std::vector<std::vector<std::string>> found(branches.size());
    std::size_t holding = 0;
    for (std::size_t i = 0; i < branches.size(); ++i) {
        validate_schema(document, branches[i], value, found[i], pointer, closed);
        if (found[i].empty()) ++holding;
    }
    if (holding == 1) return;
    std::string why = pointer + ": " + std::to_string(holding) + " of the " +
                      std::to_string(branches.size()) + " oneOf branches hold, exactly one must";
    for (std::size_t i = 0; i < branches.size() && holding == 0; ++i) {
        why += "\n    branch " + std::to_string(i) + ": " +
               (found[i].empty() ? std::string("holds") : found[i].front());
    }
    out.push_back(why);
}

}  // namespace

const json& resolve_ref(const json& document, std::string_view ref) {
    if (ref.substr(0, 1) != "#") {
        throw std::runtime_error("non-local $ref not supported: " + std::string(ref));
    }
    try {
        return document.at(json::json_pointer(std::string(ref.substr(1))));
    } catch (const json::exception& e) {
        throw std::runtime_error("dangling $ref " + std::string(ref) + ": " + e.what());
    }
}

const json& follow_refs(const json& document, const json& node) {
    const json* current = &node;
    for (int depth = 0; current->is_object() && current->contains("$ref"); ++depth) {
        if (depth == 32) {
            throw std::runtime_error("$ref chain too deep (cycle?) at " +
                                     (*current)["$ref"].dump());
        }
        current = &resolve_ref(document, (*current)["$ref"].get<std::string>());
    }
    return *current;
}

bool is_uuid(std::string_view text) {
    if (text.size() != 36) {
        return false;
    }
    for (std::size_t i = 0; i < text.size(); ++i) {
        const bool dash_position = i == 8 || i == 13 || i == 18 || i == 23;
        if (dash_position ? text[i] != '-' : !is_hex(text[i])) {
            return false;
        }
    }
    return true;
}

bool is_uuid_v4(std::string_view text) {
    if (!is_uuid(text) || text[14] != '4') {
        return false;
    }
    const char variant = text[19];
    return variant == '8' || variant == '9' || variant == 'a' || variant == 'b' || variant == 'A' ||
           variant == 'B';
}

void validate_schema(const json& document, const json& schema_node, const json& value,
                     std::vector<std::string>& out, const std::string& pointer, bool closed) {
    const json& schema = follow_refs(document, schema_node);
    if (schema.is_boolean()) {
        if (!schema.get<bool>()) {
            out.push_back(pointer + ": no value allowed (schema false)");
        }
        return;
    }
    for (const char* keyword : unsupported_keywords) {
        if (schema.contains(keyword)) {
            out.push_back(pointer + ": contract uses unsupported schema keyword \"" +
                          std::string(keyword) + "\"");
        }
    }
    if (!check_type(schema, value, out, pointer)) {
        return;
    }
    if (const auto allowed = schema.find("enum"); allowed != schema.end()) {
        if (std::find(allowed->begin(), allowed->end(), value) == allowed->end()) {
            out.push_back(pointer + ": " + brief(value) + " is not one of " + allowed->dump());
        }
    }
    if (const auto format = schema.find("format");
        format != schema.end() && *format == "uuid" && value.is_string()) {
        const auto text = value.get<std::string>();
        if (!is_uuid(text)) {
            out.push_back(pointer + ": \"" + text + "\" is not a UUID (8-4-4-4-12 hex)");
        } else if (!is_uuid_v4(text)) {
            out.push_back(pointer + ": \"" + text + "\" is a UUID but not version 4 / RFC variant");
        }
    }
    if (const auto format = schema.find("format"); format != schema.end() && value.is_number_integer()) {
        const bool fits = *format != "int32" ||
                          (value.is_number_unsigned()
                               ? value.get<std::uint64_t>() <= 2147483647u
                               : value.get<std::int64_t>() >= -2147483648LL &&
                                     value.get<std::int64_t>() <= 2147483647LL);
        if (!fits) out.push_back(pointer + ": " + brief(value) + " does not fit format int32");
    }
    if (const auto branches = schema.find("oneOf"); branches != schema.end()) {
        check_one_of(document, *branches, value, out, pointer, closed);
    }
    if (value.is_object()) {
        check_object(document, schema, value, out, pointer, closed);
    }
    if (value.is_array()) {
        if (const auto items = schema.find("items"); items != schema.end()) {
            for (std::size_t i = 0; i < value.size(); ++i) {
                validate_schema(document, *items, value[i], out, pointer + "/" + std::to_string(i),
                                closed);
            }
        }
    }
}

}  // namespace hsoauth::e2e
