#pragma once
// SQLite's memory from the calling thread's free lists (util/pooled_allocator.hpp), so that a
// statement run again and again (the writer's INSERT of an access token: about five blocks for
// its cursors and bound values, freed again when the statement is reset) takes its blocks from a
// list instead of malloc. Debian's SQLite is built without lookaside (SQLITE_OMIT_LOOKASIDE),
// which would otherwise keep such blocks per connection.
//
// A block of up to 4,096 usable bytes comes from one of nine size classes (16, 32, ... 4,096);
// larger ones come from operator new. Each block carries its usable size in a 16-byte header
// before it, so it may be freed on any thread (it joins that thread's list). Blocks are aligned
// as operator new's. A thread's lists keep at most 256 blocks a class (block_free_list's
// kept_per_thread): about 2.1 MB at most, should a thread once hold that many of every class.
// Included only under src/storage/ and by the engine's tests.
namespace hsoauth::storage::sqlite {

// Makes these functions SQLite's allocator (SQLITE_CONFIG_MALLOC). Must run before SQLite
// initialises; returns false, and SQLite keeps its own allocator, when it is too late.
bool install_pooled_memory();

// The allocator's functions, as SQLite calls them (exposed for tests).
// At least `bytes` usable bytes (any `bytes` below 1 counts as 1), or nullptr when out of memory.
void* pooled_allocate(int bytes);
// Gives back `block` (from pooled_allocate or pooled_resize; not nullptr).
void pooled_release(void* block);
// A block of at least `bytes` bytes with `block`'s contents (as far as both go): `block` itself
// when it is large enough. nullptr when out of memory, and `block` is then left as it was.
void* pooled_resize(void* block, int bytes);
// The usable size of `block`: its size class, or the request rounded up to 8 for a large block.
int pooled_size(void* block);
// What pooled_allocate(bytes) would make of `bytes`: pooled_size of the block it returns.
int pooled_roundup(int bytes);

}  // namespace hsoauth::storage::sqlite
