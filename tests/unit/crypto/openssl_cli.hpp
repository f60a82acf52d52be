#pragma once
// Test support for the JOSE tests: keys made and JWS signatures computed by the `openssl`
// command, never by the code under test, and the JWK of each public key read back from
// `openssl pkey -text`. One RSA 2048 and one EC P-256 key per test run, in a private temporary
// directory. Tests that need them call openssl_available() first and skip without it.
#include <nlohmann/json.hpp>

#include <cctype>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "../storage/temp_database.hpp"
#include "hsoauth/crypto/random.hpp"

namespace hsoauth::test {

inline bool openssl_available() {
    static const bool available = std::system("command -v openssl >/dev/null 2>&1") == 0;
    return available;
}

// First statement of a doctest test case that needs the openssl command: without it, the test
// says so and passes without checking anything.
#define SKIP_WITHOUT_OPENSSL_CLI()                                  \
    do {                                                            \
        if (!::hsoauth::test::openssl_available()) {                \
            MESSAGE("skipped: the openssl command is not on PATH"); \
            return;                                                 \
        }                                                           \
    } while (false)

// How to sign: each JWS algorithm, and the wrong ways a client could get them.
enum class cli_signature {
    rs256,          // openssl dgst -sha256 -sign (PKCS #1 v1.5)
    ps256,          // PSS, MGF1-SHA256, 32-byte salt (RFC 7518 §3.5)
    ps256_salt_20,  // PSS with a 20-byte salt: not PS256
    es256,          // ECDSA, DER converted to the 64-byte R||S of RFC 7518 §3.4
    es256_der,      // ECDSA left in OpenSSL's DER form (the classic interoperability mistake)
};

inline std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error("cannot read " + path);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

inline void write_file(const std::string& path, std::string_view content) {
    std::ofstream out(path, std::ios::binary);
    out.write(content.data(), static_cast<std::streamsize>(content.size()));
    if (!out) throw std::runtime_error("cannot write " + path);
}

// The bytes of the colon-separated hex lines that follow the line `label` in `openssl pkey -text`
// output, up to the next line that does not start with a space.
inline std::string hex_block_after(const std::string& text, const std::string& label) {
    std::istringstream lines(text);
    std::string line;
    bool inside = false;
    std::string digits;
    while (std::getline(lines, line)) {
        if (!inside) {
            inside = line == label;
            continue;
        }
        if (line.empty() || line[0] != ' ') break;
        for (const char c : line) {
            if (std::isxdigit(static_cast<unsigned char>(c))) digits.push_back(c);
        }
    }
    if (digits.empty() || digits.size() % 2 != 0) {
        throw std::runtime_error("no hex block after " + label);
    }
    std::string bytes;
    for (std::size_t i = 0; i < digits.size(); i += 2) {
        bytes.push_back(static_cast<char>(std::stoi(digits.substr(i, 2), nullptr, 16)));
    }
    return bytes;
}

// R||S (32 bytes each) from a DER ECDSA-Sig-Value: SEQUENCE { INTEGER r, INTEGER s }.
inline std::string der_to_r_and_s(const std::string& der) {
    std::size_t at = 0;
    const auto byte = [&]() -> unsigned {
        if (at >= der.size()) throw std::runtime_error("truncated ECDSA signature");
        return static_cast<unsigned char>(der[at++]);
    };
    const auto length = [&]() -> std::size_t {
        const unsigned first = byte();
        if (first < 0x80) return first;
        if (first != 0x81) throw std::runtime_error("unexpected DER length form");
        return byte();
    };
    const auto integer = [&]() {
        if (byte() != 0x02) throw std::runtime_error("expected a DER INTEGER");
        const std::size_t n = length();
        if (at + n > der.size()) throw std::runtime_error("truncated DER INTEGER");
        std::string value = der.substr(at, n);
        at += n;
        while (value.size() > 32 && value[0] == '\0') value.erase(0, 1);
        if (value.size() > 32) throw std::runtime_error("ECDSA integer over 32 bytes");
        return std::string(32 - value.size(), '\0') + value;
    };
    if (byte() != 0x30) throw std::runtime_error("expected a DER SEQUENCE");
    length();
    const std::string r = integer();
    const std::string s = integer();
    return r + s;
}

class openssl_keys {
public:
    openssl_keys() {
        run("openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out " + path("rsa.pem"));
        run("openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out " +
            path("ec.pem"));
        run("openssl pkey -in " + path("rsa.pem") + " -pubout -out " + path("rsa.pub.pem"));
        run("openssl pkey -in " + path("ec.pem") + " -pubout -out " + path("ec.pub.pem"));
        run("openssl pkey -pubin -in " + path("rsa.pub.pem") + " -text -noout -out " +
            path("rsa.txt"));
        run("openssl pkey -pubin -in " + path("ec.pub.pem") + " -text -noout -out " +
            path("ec.txt"));
        rsa_pem_ = read_file(file("rsa.pub.pem"));

        const std::string rsa_text = read_file(file("rsa.txt"));
        std::string modulus = hex_block_after(rsa_text, "Modulus:");
        while (!modulus.empty() && modulus[0] == '\0') modulus.erase(0, 1);
        const auto exponent_at = rsa_text.find("Exponent: ");
        if (exponent_at == std::string::npos) {
            throw std::runtime_error("no RSA exponent in openssl output");
        }
        std::uint64_t e = std::stoull(rsa_text.substr(exponent_at + 10));
        std::string exponent;
        for (; e != 0; e >>= 8) exponent.insert(exponent.begin(), static_cast<char>(e & 0xff));
        rsa_jwk_ = {
            {"kty", "RSA"}, {"n", crypto::base64url(modulus)}, {"e", crypto::base64url(exponent)}};

        const std::string point = hex_block_after(read_file(file("ec.txt")), "pub:");
        if (point.size() != 65 || point[0] != '\x04') {
            throw std::runtime_error("unexpected EC point");
        }
        ec_jwk_ = {{"kty", "EC"},
                   {"crv", "P-256"},
                   {"x", crypto::base64url(point.substr(1, 32))},
                   {"y", crypto::base64url(point.substr(33, 32))}};
    }
    openssl_keys(const openssl_keys&) = delete;
    openssl_keys& operator=(const openssl_keys&) = delete;

    // The public keys as JWKs (kty and key material only: tests add kid, alg and use).
    const nlohmann::json& rsa_jwk() const { return rsa_jwk_; }
    const nlohmann::json& ec_jwk() const { return ec_jwk_; }
    // The RSA public key as PEM text: what an HS256 confusion attack uses as the HMAC key.
    const std::string& rsa_public_pem() const { return rsa_pem_; }

    // The JWS signature (raw bytes) of `signing_input`, made by the openssl command.
    std::string sign(cli_signature how, std::string_view signing_input) const {
        write_file(file("input"), signing_input);
        const bool ec = how == cli_signature::es256 || how == cli_signature::es256_der;
        std::string command = "openssl dgst -sha256 -sign " + path(ec ? "ec.pem" : "rsa.pem");
        if (how == cli_signature::ps256 || how == cli_signature::ps256_salt_20) {
            command +=
                " -sigopt rsa_padding_mode:pss -sigopt rsa_mgf1_md:sha256 -sigopt rsa_pss_saltlen:";
            command += how == cli_signature::ps256 ? "32" : "20";
        }
        run(command + " -out " + path("signature") + " " + path("input"));
        const std::string signature = read_file(file("signature"));
        return how == cli_signature::es256 ? der_to_r_and_s(signature) : signature;
    }

    // header.payload.signature, with the JSON texts given as they are to be encoded.
    std::string compact(std::string_view header, std::string_view payload,
                        cli_signature how) const {
        const std::string signing_input =
            crypto::base64url(header) + "." + crypto::base64url(payload);
        return signing_input + "." + crypto::base64url(sign(how, signing_input));
    }

private:
    std::string file(const std::string& name) const { return dir_.file(name); }
    std::string path(const std::string& name) const {  // quoted, for a command
        std::string quoted(1, '\'');
        return quoted.append(file(name)).append(1, '\'');
    }

    static void run(const std::string& command) {
        if (std::system((command + " 2>/dev/null").c_str()) != 0) {
            throw std::runtime_error("failed: " + command);
        }
    }

    temp_dir dir_;
    std::string rsa_pem_;
    nlohmann::json rsa_jwk_;
    nlohmann::json ec_jwk_;
};

// The keys of this test run, made on first use.
inline const openssl_keys& cli_keys() {
    static const openssl_keys keys;
    return keys;
}

}  // namespace hsoauth::test
