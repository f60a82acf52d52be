#pragma once
// Scopes as stored: one space-separated string, the way OAuth writes them (RFC 6749 §3.3).
#include <string>
#include <string_view>
#include <vector>

namespace hsoauth::storage {

// Splits on runs of spaces; empty input gives an empty list.
std::vector<std::string> split_scopes(std::string_view text);
std::string join_scopes(const std::vector<std::string>& scopes);

}  // namespace hsoauth::storage
