#pragma once

// One crash-driver client: a thread that keeps minting codes (admin API), exchanging them,
// refreshing and revoking, against whatever port the server currently listens on, and records
// only what the server acknowledged: tokens from 200s, revocations from 204s. A request that
// got no complete answer (the server was killed) acknowledges nothing.

#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

namespace hsoauth::crash {

// The app the clients use, as seeded.
struct app_identity {
    std::string client_id;
    std::string client_secret;
    std::string redirect_uri;
    std::int64_t hub_id = 0;
    std::int64_t user_id = 0;
    std::vector<std::string> scopes;
    std::string prefix;  // the sandbox's path prefix ("/sandboxes/<id>"); "" for the root
};

// A refresh token and every access token acknowledged for it.
struct token_family {
    std::string prefix;  // the sandbox it was issued in (app_identity::prefix)
    std::string refresh_token;
    std::vector<std::string> access_tokens;
    bool revoked = false;    // DELETE answered 204
    bool uncertain = false;  // DELETE sent, no answer: revoked or not, nobody knows
};

struct client_record {
    std::vector<token_family> families;
    std::uint64_t codes_minted = 0;
    std::uint64_t exchanges = 0;
    std::uint64_t refreshes = 0;
    std::uint64_t revocations = 0;
    std::uint64_t unanswered = 0;  // requests cut off by a kill
    // Answers that contradict what was acknowledged before (e.g. a live refresh token refused)
    // or server errors: each is a failure.
    std::vector<std::string> anomalies;
};

// Runs until `stop` is set; reads the server's port from `port` before every request.
client_record run_client(const app_identity& app, const std::string& admin_key,
                         const std::atomic<std::uint16_t>& port, const std::atomic<bool>& stop,
                         unsigned seed);

}  // namespace hsoauth::crash
