#pragma once
// The two exceptions that cross the storage interface. Neither names an engine: callers above
// storage/ see what failed and whether it passes, never SQLite's codes.
#include <exception>
#include <stdexcept>
#include <string>

namespace hsoauth::storage {

// Infrastructure failure of the storage engine. `unavailable()` is true for faults that pass
// (disk full, I/O error, read-only database, busy): callers answer those with 503 and the rest
// with 500. `code()` is the engine's own code, for logs and the engine's tests only.
class storage_error : public std::runtime_error {
public:
    storage_error(int code, const std::string& what, bool unavailable)
        : std::runtime_error(what), code_(code), unavailable_(unavailable) {}
    int code() const { return code_; }
    bool unavailable() const { return unavailable_; }

private:
    int code_;
    bool unavailable_;
};

// Thrown by a write job to undo its own changes without failing the batch; the job's complete()
// receives it, so the caller can answer with the error it recorded before throwing.
struct rollback_only : std::exception {
    const char* what() const noexcept override { return "write rolled back"; }
};

}  // namespace hsoauth::storage
