#pragma once
// Support shared by the libFuzzer targets: one hsoauth "world" per process (the parts
// src/main.cpp wires for `serve`, over a database in /dev/shm or $HSOAUTH_FUZZ_DB_DIR, seeded
// with conf/seed.json), a way to run a request through http::dispatch and wait for its answer,
// and the checks every response must pass. Any broken invariant prints what happened and aborts, so
// libFuzzer records the input as a crash.
#include <string>
#include <string_view>

#include "hsoauth/http/message.hpp"
#include "hsoauth/http/endpoints.hpp"

namespace hsoauth::fuzz {

// The admin key the world accepts ("Authorization: Bearer fuzz-admin-key").
inline constexpr std::string_view admin_key = "fuzz-admin-key";

// The endpoints of this process's world, built on first use and never destroyed (the writer
// thread keeps running until exit). Not thread-safe to call the first time from two threads.
const http::endpoints& world();

// Puts back what a previous input may have changed that would starve later inputs of coverage:
// storage faults off, auto-approve off, and the seed applied again when `reseed` (admin writes
// may have deleted or rewritten the seeded apps, hubs and users). Sandbox clock and issued
// tokens stay as they are.
void reset_world(bool reseed);

// A fresh correlation id, as the server gives each request.
std::string next_correlation_id();

// Runs `req` through http::dispatch, then runs the work the handler posts to the "connection"
// on this thread (as the server's connection thread would) until the response arrives. Aborts
// when none arrives within 30 s or when a second response is sent for the same request.
// With HSOAUTH_FUZZ_TRACE set in the environment, prints one line per request and its status.
http::response exchange(const http::endpoints& s, const http::request& req);

// Aborts unless `r` is an acceptable answer to `req`: a status from 100 to 599 other than 500;
// a JSON body exactly when Content-Type is application/json;charset=utf-8; every error that is
// not an HTML page carries HubSpot's error body with this request's correlationId; 204 and
// redirects have no body; 405 names the allowed methods.
void check_response(const http::request& req, const http::response& r);

// Aborts unless http::masked_path(path) hides every segment that follows "access-tokens" or
// "refresh-tokens" (behind empty segments too), shows every other segment as it is or masked,
// shows no control character and stays within its length bound.
void check_masked_path(std::string_view path);

// Prints `what` and the request to stderr, then aborts.
[[noreturn]] void fail(std::string_view what, const http::request& req, std::string_view detail = {});

}  // namespace hsoauth::fuzz
