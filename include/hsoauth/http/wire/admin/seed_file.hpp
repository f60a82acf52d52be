#pragma once
// Seed files on disk (conf/seed.json and the like) and how a loaded seed is reported: the
// command line's view of a seed document.
#include <string>

#include "hsoauth/admin/registry.hpp"

namespace hsoauth::http::wire::admin_json {

// Reads a seed file and parses its JSON (comments allowed). Throws std::runtime_error naming the
// file and the problem; the registry checks the values when the seed is applied.
admin::seed_document read_seed_file(const std::string& path);

// Human-readable lines for what a seed did: one per app, with the client secret when it was
// set (given or generated) by this load. For the console only, never the request log.
std::string describe(const admin::seed_outcome& outcome);

}  // namespace hsoauth::http::wire::admin_json
