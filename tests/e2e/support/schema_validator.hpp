#pragma once

// Validates JSON values against the JSON-schema subset the OpenAPI contract uses.

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace hsoauth::e2e {

// Resolves a local reference such as "#/components/schemas/Error" against `document`.
// Throws std::runtime_error if it is not local or does not resolve.
const nlohmann::json& resolve_ref(const nlohmann::json& document, std::string_view ref);

// Follows `$ref` chains on `node` until it has no `$ref`. Throws on a cycle or a dangling ref.
const nlohmann::json& follow_refs(const nlohmann::json& document, const nlohmann::json& node);

// True for 8-4-4-4-12 hex digits (either case).
bool is_uuid(std::string_view text);
// True for a UUID whose version nibble is 4 and variant bits are 10 (RFC 9562).
bool is_uuid_v4(std::string_view text);

// Appends one readable message per violation of `schema` by `value`, each starting with the
// JSON pointer of the offending value ("#" is the root, "#/errors/0/message" a member).
// Supported: $ref (into `document`), type (a name or a list of names), enum, required,
// properties, additionalProperties (false or a schema), items, oneOf (exactly one branch holds),
// format "uuid" (v4 required), "int32" and "int64" (the integer fits). Integers must be JSON
// integers (1.0 is not one). Other validation keywords (allOf, pattern, minimum, ...) are
// reported as violations so an unsupported contract never passes silently.
// `closed`: an object whose schema lists `properties` and says nothing of additionalProperties
// may hold no other member (a response that answers "exactly its schema").
void validate_schema(const nlohmann::json& document, const nlohmann::json& schema,
                     const nlohmann::json& value, std::vector<std::string>& violations,
                     const std::string& pointer = "#", bool closed = false);

}  // namespace hsoauth::e2e
