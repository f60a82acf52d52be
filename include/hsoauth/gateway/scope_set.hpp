#pragma once
// The scopes a token was granted, for membership tests.
#include <string>
#include <string_view>
#include <vector>

namespace hsoauth::gateway {

class scope_set {
  public:
    scope_set() = default;
    // Duplicates are kept once.
    explicit scope_set(std::vector<std::string> scopes);
    scope_set(std::initializer_list<std::string_view> scopes);

    // O(log n), no allocation.
    bool contains(std::string_view scope) const;
    std::size_t size() const { return sorted_.size(); }

  private:
    std::vector<std::string> sorted_;
};

}  // namespace hsoauth::gateway
