#pragma once
// Correlation ids: random UUIDv4 strings that tie a response to its log line. They are not
// secrets, so a fast generator seeded once from OpenSSL serves them; one per thread.
#include <cstdint>
#include <string>

namespace hsoauth::http {

class correlation_id_source {
public:
    // Seeded once from OpenSSL.
    correlation_id_source();
    // Seeded with `seed`: the same seed gives the same ids (reproducible runs).
    explicit correlation_id_source(std::uint64_t seed);
    std::string next();
    // The next id into `out` (its capacity kept: no allocation once it has held one).
    void next(std::string& out);

private:
    std::uint64_t state_[2];
};

}  // namespace hsoauth::http
