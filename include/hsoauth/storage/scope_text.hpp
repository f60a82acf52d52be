#pragma once
// Scopes as stored: one space-separated string, the way OAuth writes them (RFC 6749 §3.3).
#include <cstddef>
#include <iterator>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace hsoauth::storage {

// Splits on runs of spaces; empty input gives an empty list.
std::vector<std::string> split_scopes(std::string_view text);
std::string join_scopes(const std::vector<std::string>& scopes);

// A token's scopes kept as their text: scopes separated by single spaces, none leading or
// trailing. Read from a row, handed on and written out again (as text, or one by one) with two
// blocks however many scopes there are (the text and its shared owner, the latter from the
// thread's pool), where a list of strings takes one per scope and one more. The text never
// changes once made, so copies share it: copying one (the writer's kept refresh states hand out
// a copy for every refresh) allocates nothing. Iterating gives each scope as a std::string_view
// into the text: valid while this scope_text, or a copy of it, lives.
class scope_text {
public:
    class iterator {
    public:
        using iterator_category = std::forward_iterator_tag;
        using value_type = std::string_view;
        using difference_type = std::ptrdiff_t;
        using pointer = const std::string_view*;
        using reference = std::string_view;

        iterator() = default;
        std::string_view operator*() const noexcept { return rest_.substr(0, rest_.find(' ')); }
        iterator& operator++() noexcept {
            const auto space = rest_.find(' ');
            rest_ = space == std::string_view::npos ? std::string_view() : rest_.substr(space + 1);
            return *this;
        }
        iterator operator++(int) noexcept {
            iterator before = *this;
            ++*this;
            return before;
        }
        // Iterators of the same text are equal when as much of it is left.
        bool operator==(const iterator& other) const noexcept { return rest_.size() == other.rest_.size(); }

    private:
        friend class scope_text;
        explicit iterator(std::string_view rest) : rest_(rest) {}
        std::string_view rest_;  // the text from the current scope on; empty at the end
    };

    scope_text() = default;
    // From stored or received text: runs of spaces become one, leading and trailing ones go.
    // Takes the string over, so a column read as a std::string costs nothing more.
    explicit scope_text(std::string text);
    // The scopes of `list`, in its order.
    explicit scope_text(const std::vector<std::string>& list);

    // The scopes separated by single spaces, as stored and as a token's `scopes` claim writes them.
    std::string_view text() const noexcept { return text_ ? std::string_view(*text_) : std::string_view(); }
    bool empty() const noexcept { return text_ == nullptr; }
    // The number of scopes.
    std::size_t size() const noexcept;
    bool contains(std::string_view scope) const noexcept;
    std::vector<std::string> to_list() const;

    iterator begin() const noexcept { return iterator(text()); }
    iterator end() const noexcept { return iterator(); }

    bool operator==(const scope_text& other) const noexcept { return text() == other.text(); }
    // The same scopes in the same order as `list`.
    bool operator==(const std::vector<std::string>& list) const noexcept;

private:
    std::shared_ptr<const std::string> text_;  // nullptr when there are no scopes
};

}  // namespace hsoauth::storage
