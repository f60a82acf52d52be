#pragma once
// Whose tokens of one kind the journal saw, by the tokens' row ids: at most `capacity` owners,
// the one learned first forgotten first. The owners sit in one queue in the order learned, found
// by id through an open-addressing index beside it: learning a token allocates nothing once both
// have grown (std::unordered_map allocated a node for every token), and a lookup reads one index
// slot or a few neighbours, then the owner. Not thread-safe: the journal's mutex guards it.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "hsoauth/util/block_queue.hpp"

namespace hsoauth::controls {

// Whose a token is, as far as the journal saw.
struct token_owner {
    std::int64_t app_id = 0;
    std::int64_t hub_id = 0;
    std::int64_t user_id = 0;
    std::string client_id;
    std::int64_t refresh_id = 0;  // an access token's refresh token (0: none or unknown)
};

class token_directory {
  public:
    explicit token_directory(std::size_t capacity);

    // Learns that token `id` is `owner`'s. Of a token already known, only what was not known
    // (0 or "") is taken from `owner`, and it keeps its place in the order.
    void remember(std::int64_t id, const token_owner& owner);

    // The owner of token `id`; null when unknown. Valid until the next remember() or clear().
    const token_owner* find(std::int64_t id) const;

    std::size_t size() const { return entries_.size(); }
    void clear();

  private:
    struct entry {
        std::int64_t id = 0;
        token_owner owner;
    };
    struct index_slot {
        std::int64_t id = 0;
        std::uint64_t number = 0;  // the entry's number + 1 (0: the slot is free)
    };

    std::size_t home_of(std::int64_t id) const;
    std::size_t slot_of(std::int64_t id) const;  // its slot, or the free slot where it would go
    void index(std::int64_t id, std::uint64_t number);
    void unindex(std::int64_t id);
    void grow_index();

    std::size_t capacity_;
    block_queue<entry> entries_;  // oldest first
    std::uint64_t next_number_ = 0;  // entries are numbered in the order learned; the oldest is next_number_ - size()
    std::vector<index_slot> index_;  // a power of two in size, at most half full; linear probing
    unsigned index_bits_ = 0;
};

}  // namespace hsoauth::controls
