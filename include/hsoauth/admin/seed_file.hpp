#pragma once
// Seed files on disk (conf/seed.json and the like) and how a loaded seed is reported.
#include <string>

#include "hsoauth/admin/registry.hpp"

namespace hsoauth::admin {

// Reads and validates a seed file. Throws std::runtime_error naming the file and the problem.
seed_document read_seed_file(const std::string& path);

// Human-readable lines for what a seed did: one per app, with the client secret when it was
// set (given or generated) by this load. For the console only, never the request log.
std::string describe(const seed_outcome& outcome);

}  // namespace hsoauth::admin
