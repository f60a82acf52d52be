#include "hsoauth/cli/table.hpp"

#include <algorithm>

namespace hsoauth::cli {

std::string table::text() const {
    std::vector<std::size_t> widths;
    for (const auto& row : rows_) {
        if (widths.size() < row.size()) widths.resize(row.size(), 0);
        for (std::size_t i = 0; i < row.size(); ++i) widths[i] = std::max(widths[i], row[i].size());
    }
    std::string out;
    for (const auto& row : rows_) {
        std::string line;
        for (std::size_t i = 0; i < row.size(); ++i) {
            line += row[i];
            if (i + 1 < row.size()) line += std::string(widths[i] - row[i].size() + 2, ' ');
        }
        out += line + "\n";
    }
    return out;
}

std::string key_values(const std::vector<std::pair<std::string, std::string>>& lines) {
    std::size_t width = 0;
    for (const auto& [key, value] : lines) width = std::max(width, key.size());
    std::string out;
    for (const auto& [key, value] : lines) out += key + ":" + std::string(width - key.size() + 1, ' ') + value + "\n";
    return out;
}

}  // namespace hsoauth::cli
