// The pepper file: created 0600, read back unchanged, refused when others can read it.
#include <doctest/doctest.h>

#include <sys/stat.h>

#include <fstream>
#include <stdexcept>
#include <string>

#include "../storage/temp_database.hpp"
#include "hsoauth/crypto/pepper.hpp"

using namespace hsoauth;

namespace {

unsigned mode_of(const std::string& path) {
    struct stat info {};
    REQUIRE(::stat(path.c_str(), &info) == 0);
    return static_cast<unsigned>(info.st_mode & 0777);
}

void write_file(const std::string& path, const std::string& content, unsigned mode) {
    {
        std::ofstream out(path);
        out << content;
    }
    REQUIRE(::chmod(path.c_str(), mode) == 0);
}

}  // namespace

TEST_CASE("crypto: load_or_create_pepper creates a 0600 file and reads the same pepper back") {
    test::temp_dir dir;
    const std::string path = dir.file("db.pepper");
    const std::string first = crypto::load_or_create_pepper(path);
    CHECK(mode_of(path) == 0600);
    CHECK(first.size() == 64);  // 32 random bytes, hex
    CHECK(first.find_first_not_of("0123456789abcdef") == std::string::npos);
    CHECK(crypto::load_or_create_pepper(path) == first);
    CHECK(mode_of(path) == 0600);

    test::temp_dir other;
    CHECK(crypto::load_or_create_pepper(other.file("db.pepper")) != first);
}

TEST_CASE("crypto: load_or_create_pepper reads an existing 0600 file without its trailing newline") {
    test::temp_dir dir;
    const std::string path = dir.file("given.pepper");
    const std::string pepper(40, 'k');
    write_file(path, pepper + "\n", 0600);
    CHECK(crypto::load_or_create_pepper(path) == pepper);
}

TEST_CASE("crypto: load_or_create_pepper refuses a file readable by group or others") {
    test::temp_dir dir;
    const std::string path = dir.file("open.pepper");
    write_file(path, std::string(64, 'a'), 0644);
    CHECK_THROWS_AS(crypto::load_or_create_pepper(path), std::runtime_error);
    REQUIRE(::chmod(path.c_str(), 0640) == 0);
    CHECK_THROWS_AS(crypto::load_or_create_pepper(path), std::runtime_error);
    REQUIRE(::chmod(path.c_str(), 0600) == 0);
    CHECK(crypto::load_or_create_pepper(path) == std::string(64, 'a'));
}

TEST_CASE("crypto: load_or_create_pepper refuses a short pepper and an unusable path") {
    test::temp_dir dir;
    const std::string path = dir.file("short.pepper");
    write_file(path, "too-short\n", 0600);
    CHECK_THROWS_AS(crypto::load_or_create_pepper(path), std::runtime_error);
    CHECK_THROWS_AS(crypto::load_or_create_pepper(dir.file("missing-dir/db.pepper")), std::runtime_error);
}
