#pragma once
// Human-readable output of `hsoauth admin`: aligned columns with a header row, and key: value
// lines for one object.
#include <string>
#include <utility>
#include <vector>

namespace hsoauth::cli {

class table {
  public:
    explicit table(std::vector<std::string> header) : rows_{std::move(header)} {}
    void add(std::vector<std::string> row) { rows_.push_back(std::move(row)); }
    // Columns separated by two spaces, each as wide as its widest cell; the last not padded.
    std::string text() const;

  private:
    std::vector<std::vector<std::string>> rows_;
};

// "key: value" lines, the keys padded to one width.
std::string key_values(const std::vector<std::pair<std::string, std::string>>& lines);

}  // namespace hsoauth::cli
