// The background log (http/log_writer.hpp): lines from many threads arrive whole, each thread's
// in order, and flush() makes everything logged so far visible.
#include <doctest/doctest.h>

#include <fcntl.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "../storage/temp_database.hpp"
#include "hsoauth/http/log_writer.hpp"

TEST_CASE("log_writer: lines from several threads are whole, in order per thread, after flush") {
    hsoauth::test::temp_dir dir;
    const std::string path = dir.file("log.txt");
    const int file = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    REQUIRE(file >= 0);
    hsoauth::http::log_writer log(file);

    constexpr int threads = 4;
    constexpr int lines = 2000;
    std::vector<std::thread> writers;
    for (int t = 0; t < threads; ++t) {
        writers.emplace_back([t, &log] {
            for (int i = 0; i < lines; ++i) {
                log.line("thread " + std::to_string(t) + " line " + std::to_string(i) + " " + std::string(40, 'x'));
            }
        });
    }
    for (auto& w : writers) w.join();
    log.flush();

    std::ifstream in(path);
    std::vector<int> next(threads, 0);
    std::string line;
    int seen = 0;
    while (std::getline(in, line)) {
        int t = -1;
        int i = -1;
        char tail[64] = {};
        REQUIRE_MESSAGE(std::sscanf(line.c_str(), "thread %d line %d %63s", &t, &i, tail) == 3, line);
        REQUIRE(t >= 0);
        REQUIRE(t < threads);
        CHECK(i == next[t]);
        CHECK(std::string(tail) == std::string(40, 'x'));
        next[t] = i + 1;
        ++seen;
    }
    CHECK(seen == threads * lines);
    ::close(file);
}

TEST_CASE("log_writer: what is still buffered is written when the writer is destroyed") {
    hsoauth::test::temp_dir dir;
    const std::string path = dir.file("log.txt");
    const int file = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    REQUIRE(file >= 0);
    {
        hsoauth::http::log_writer log(file);
        for (int i = 0; i < 100; ++i) log.line("line " + std::to_string(i));
    }
    ::close(file);
    std::ifstream in(path);
    std::string line;
    int seen = 0;
    while (std::getline(in, line)) CHECK(line == "line " + std::to_string(seen++));
    CHECK(seen == 100);
}
