#pragma once
// Texts made from facts that never change, kept with the facts, so that whoever needs the same
// text again takes it instead of making it. A live access token's facts carry one
// (access_token_facts::renderings): the wire views keep there each version's body about the
// token (http/wire/access_token_body.hpp), made by the first answer and copied by the rest.
//
// A slot per kind of text, set once: the first thread to keep a text in a slot wins, a thread
// that made the same text at the same time drops its own and takes the kept one. Kept texts live
// as long as the facts. A copy or move of the facts starts with no kept texts, and assigning
// to facts drops the texts they kept.
//
// Threads: any thread may find and keep at once; a text once found stays valid while the facts
// live.
#include <array>
#include <atomic>
#include <cstddef>
#include <memory>
#include <string>

namespace hsoauth::oauth {

// A text and one offset into it that its maker chose (where a varying part goes, say).
struct kept_rendering {
    std::string text;
    std::size_t mark = 0;
};

class kept_renderings {
  public:
    static constexpr std::size_t slot_count = 2;

    kept_renderings() = default;
    kept_renderings(const kept_renderings&) noexcept {}
    // Drops the texts kept here: they were made from the facts being replaced. Not while another
    // thread uses these facts.
    kept_renderings& operator=(const kept_renderings&) noexcept {
        drop();
        return *this;
    }
    ~kept_renderings() { drop(); }

    // The text kept in `slot` (< slot_count), or null.
    const kept_rendering* find(std::size_t slot) const {
        return slots_[slot].load(std::memory_order_acquire);
    }

    // Keeps `made` in `slot` (< slot_count) unless a text is kept there already; the kept one.
    const kept_rendering& keep(std::size_t slot, std::unique_ptr<kept_rendering> made) const;

  private:
    void drop() noexcept;

    mutable std::array<std::atomic<kept_rendering*>, slot_count> slots_{};  // owned; null: none
};

}  // namespace hsoauth::oauth
