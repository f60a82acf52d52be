// util::name_this_thread: the name the kernel reports for the thread, cut to what it keeps.
#include <doctest/doctest.h>

#include <pthread.h>

#include <string>
#include <thread>

#include "hsoauth/util/thread_name.hpp"

using hsoauth::util::name_this_thread;

namespace {

// The name of a fresh thread after it named itself `name`.
std::string name_read_back(std::string name) {
    std::string seen;
    std::thread([&] {
        name_this_thread(name);
        char text[64] = {};
        if (pthread_getname_np(pthread_self(), text, sizeof text) == 0) seen = text;
    }).join();
    return seen;
}

}  // namespace

#if defined(__linux__)
TEST_CASE("thread_name: a thread's name is what top -H and /proc/PID/task/*/comm show") {
    CHECK(name_read_back("hs-writer") == "hs-writer");
    CHECK(name_read_back("hs-net-12") == "hs-net-12");
}

TEST_CASE("thread_name: a name longer than the kernel keeps is cut to 15 bytes, not refused") {
    CHECK(name_read_back("hs-checkpoint-and-more") == "hs-checkpoint-a");
    CHECK(name_read_back(std::string(15, 'x')) == std::string(15, 'x'));
}
#endif
