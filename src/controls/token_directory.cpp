#include "hsoauth/controls/token_directory.hpp"

#include <algorithm>

namespace hsoauth::controls {

token_directory::token_directory(std::size_t capacity)
    : capacity_(std::max<std::size_t>(capacity, 1)), entries_(capacity_ + 1) {}

// Row ids are consecutive: Fibonacci hashing spreads them over the index's top bits.
std::size_t token_directory::home_of(std::int64_t id) const {
    return static_cast<std::size_t>((static_cast<std::uint64_t>(id) * 0x9E3779B97F4A7C15ULL) >> (64 - index_bits_));
}

std::size_t token_directory::slot_of(std::int64_t id) const {
    const std::size_t mask = index_.size() - 1;
    std::size_t at = home_of(id);
    while (index_[at].number != 0 && index_[at].id != id) at = (at + 1) & mask;
    return at;
}

const token_owner* token_directory::find(std::int64_t id) const {
    if (index_.empty()) return nullptr;
    const index_slot& slot = index_[slot_of(id)];
    if (slot.number == 0) return nullptr;
    const std::uint64_t oldest = next_number_ - entries_.size();
    return &entries_[static_cast<std::size_t>(slot.number - 1 - oldest)].owner;
}

void token_directory::remember(std::int64_t id, const token_owner& owner) {
    if (index_.empty() || (entries_.size() + 1) * 2 > index_.size()) grow_index();
    const index_slot& slot = index_[slot_of(id)];
    if (slot.number != 0) {
        // Keep what was known and add what is new (a metadata read knows the app id, a grant
        // the refresh token).
        const std::uint64_t oldest = next_number_ - entries_.size();
        token_owner& known = entries_[static_cast<std::size_t>(slot.number - 1 - oldest)].owner;
        if (known.app_id == 0) known.app_id = owner.app_id;
        if (known.hub_id == 0) known.hub_id = owner.hub_id;
        if (known.user_id == 0) known.user_id = owner.user_id;
        if (known.client_id.empty()) known.client_id = owner.client_id;
        if (known.refresh_id == 0) known.refresh_id = owner.refresh_id;
        return;
    }
    entries_.push_back(entry{id, owner});
    index(id, next_number_++);
    while (entries_.size() > capacity_) {
        unindex(entries_.front().id);
        entries_.pop_front();
    }
}

void token_directory::index(std::int64_t id, std::uint64_t number) {
    index_[slot_of(id)] = index_slot{id, number + 1};
}

// Frees id's slot and moves back the entries after it that probing would no longer reach.
void token_directory::unindex(std::int64_t id) {
    const std::size_t mask = index_.size() - 1;
    std::size_t hole = slot_of(id);
    if (index_[hole].number == 0) return;
    for (std::size_t next = (hole + 1) & mask; index_[next].number != 0; next = (next + 1) & mask) {
        // The entry at `next` may fill the hole when the hole lies between its home and it.
        const std::size_t home = home_of(index_[next].id);
        if (((next - home) & mask) >= ((next - hole) & mask)) {
            index_[hole] = index_[next];
            hole = next;
        }
    }
    index_[hole] = index_slot{};
}

void token_directory::grow_index() {
    std::vector<index_slot> old;
    old.swap(index_);
    index_bits_ = std::max(index_bits_ + 1, 6u);
    index_.assign(std::size_t{1} << index_bits_, index_slot{});
    for (const index_slot& slot : old) {
        if (slot.number != 0) index_[slot_of(slot.id)] = slot;
    }
}

void token_directory::clear() {
    entries_.clear();
    index_.clear();
    index_.shrink_to_fit();
    index_bits_ = 0;
}

}  // namespace hsoauth::controls
