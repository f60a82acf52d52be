#include "hsoauth/storage/scope_text.hpp"

#include <algorithm>

#include "hsoauth/util/pooled_allocator.hpp"

namespace hsoauth::storage {

std::vector<std::string> split_scopes(std::string_view text) {
    std::vector<std::string> out;
    std::size_t i = 0;
    while (i < text.size()) {
        while (i < text.size() && text[i] == ' ') ++i;
        const std::size_t start = i;
        while (i < text.size() && text[i] != ' ') ++i;
        if (i > start) out.emplace_back(text.substr(start, i - start));
    }
    return out;
}

std::string join_scopes(const std::vector<std::string>& scopes) {
    std::string out;
    for (const auto& scope : scopes) {
        if (!out.empty()) out += ' ';
        out += scope;
    }
    return out;
}

// Compacts in place: each space kept only after a scope and before another.
scope_text::scope_text(std::string text) {
    std::size_t kept = 0;
    bool space_pending = false;
    for (const char c : text) {
        if (c == ' ') {
            space_pending = kept > 0;
            continue;
        }
        if (space_pending) text[kept++] = ' ';
        space_pending = false;
        text[kept++] = c;
    }
    if (kept == 0) return;
    text.resize(kept);
    text_ = std::allocate_shared<const std::string>(pooled_allocator<std::string>{}, std::move(text));
}

scope_text::scope_text(const std::vector<std::string>& list) : scope_text(join_scopes(list)) {}

std::size_t scope_text::size() const noexcept {
    const std::string_view all = text();
    return all.empty() ? 0 : 1 + static_cast<std::size_t>(std::count(all.begin(), all.end(), ' '));
}

bool scope_text::contains(std::string_view scope) const noexcept {
    return std::find(begin(), end(), scope) != end();
}

std::vector<std::string> scope_text::to_list() const { return split_scopes(text()); }

bool scope_text::operator==(const std::vector<std::string>& list) const noexcept {
    auto at = begin();
    for (const auto& scope : list) {
        if (at == end() || *at != scope) return false;
        ++at;
    }
    return at == end();
}

}  // namespace hsoauth::storage
