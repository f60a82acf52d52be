#pragma once
// The OpenAPI fragments embedded at build time from src/http/wire/ops/openapi/*.json (scripts/cmake/EmbedOpenApi.cmake),
// in file-name order. base.json holds the document's top level; each other file one area's
// paths, components and tags (docs/operations.md says how to add one).
#include <string_view>
#include <vector>

namespace hsoauth::http::wire::ops {

struct openapi_fragment {
    std::string_view name;  // the file name, e.g. "admin.json"
    std::string_view text;  // its JSON
};

const std::vector<openapi_fragment>& embedded_openapi_fragments();

}  // namespace hsoauth::http::wire::ops
