#pragma once
// short_text<Capacity>: text of at most `Capacity` bytes kept in the object itself, never on the
// heap, for ids whose length has a known bound (a correlation id is a 36-byte UUID): a
// std::string keeps only 15 bytes in place and allocates for anything longer. Longer text is cut
// to `Capacity` bytes when assigned. Reads as a std::string_view.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace hsoauth {

template <std::size_t Capacity>
class short_text {
    static_assert(Capacity > 0 && Capacity <= 255, "the length is kept in one byte");

  public:
    static constexpr std::size_t capacity = Capacity;

    short_text() noexcept = default;
    short_text(std::string_view text) noexcept { assign(text); }  // NOLINT(google-explicit-constructor): as std::string

    short_text& operator=(std::string_view text) noexcept {
        assign(text);
        return *this;
    }

    // The first `Capacity` bytes of `text`.
    void assign(std::string_view text) noexcept {
        size_ = static_cast<std::uint8_t>(std::min(text.size(), Capacity));
        std::copy_n(text.data(), size_, chars_);
    }

    std::string_view view() const noexcept { return {chars_, size_}; }
    operator std::string_view() const noexcept { return view(); }  // NOLINT(google-explicit-constructor)
    std::size_t size() const noexcept { return size_; }
    bool empty() const noexcept { return size_ == 0; }

    friend bool operator==(const short_text& a, std::string_view b) noexcept { return a.view() == b; }
    friend bool operator==(const short_text& a, const short_text& b) noexcept { return a.view() == b.view(); }

  private:
    char chars_[Capacity] = {};
    std::uint8_t size_ = 0;
};

}  // namespace hsoauth
