// load_tls: the server's TLS certificate chain and key, checked and loaded into the one OpenSSL
// context every TLS listener serves (Mozilla's intermediate profile), and the names the
// certificate is for. Errors throw std::runtime_error with a message for the operator.
#include "server_tls.hpp"

#include <arpa/inet.h>
#include <openssl/crypto.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <boost/asio/buffer.hpp>
#include <boost/beast/core/error.hpp>

#include <cctype>
#include <fstream>
#include <iterator>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace hsoauth::http {
namespace {

namespace asio = boost::asio;
namespace ssl = boost::asio::ssl;
namespace beast = boost::beast;

// Mozilla's "intermediate" configuration (v5.7) for TLS 1.2: ECDHE key exchange with AES-GCM or
// ChaCha20-Poly1305 only. TLS 1.3 keeps OpenSSL's default suites, which are the same three.
constexpr const char* intermediate_tls12_ciphers =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
    "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
    "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305";

// The whole content of `path`, or nullopt when it cannot be read.
std::optional<std::string> read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return std::nullopt;
    std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (in.bad()) return std::nullopt;
    return content;
}

// The names a server certificate is for: subjectAltName DNS names and IP addresses.
std::vector<std::string> certificate_names(X509* cert) {
    std::vector<std::string> names;
    auto* general = static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(cert, NID_subject_alt_name, nullptr, nullptr));
    if (general == nullptr) return names;
    for (int i = 0; i < sk_GENERAL_NAME_num(general); ++i) {
        const GENERAL_NAME* name = sk_GENERAL_NAME_value(general, i);
        if (name->type == GEN_DNS) {
            const auto* data = reinterpret_cast<const char*>(ASN1_STRING_get0_data(name->d.dNSName));
            std::string dns(data, static_cast<std::size_t>(ASN1_STRING_length(name->d.dNSName)));
            if (dns.empty() || dns.find('*') != std::string::npos) continue;
            for (auto& c : dns) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
            names.push_back(std::move(dns));
        } else if (name->type == GEN_IPADD) {
            const int length = ASN1_STRING_length(name->d.iPAddress);
            const unsigned char* bytes = ASN1_STRING_get0_data(name->d.iPAddress);
            char text[INET6_ADDRSTRLEN] = {};
            if (length == 4 && inet_ntop(AF_INET, bytes, text, sizeof text)) {
                names.emplace_back(text);
            } else if (length == 16 && inet_ntop(AF_INET6, bytes, text, sizeof text)) {
                std::string bracketed = "[";  // appended, not "[" + ... + "]": GCC 12's -Wrestrict misfires on that
                bracketed += text;
                bracketed += ']';
                names.push_back(std::move(bracketed));
            }
        }
    }
    GENERAL_NAMES_free(general);
    return names;
}

}  // namespace

const std::vector<std::string>& tls_credentials::names() const { return impl_->names; }

tls_credentials load_tls(const std::string& cert_file, const std::string& key_file) {
    ssl::context ctx(ssl::context::tls_server);
    SSL_CTX* native = ctx.native_handle();
    SSL_CTX_set_min_proto_version(native, TLS1_2_VERSION);
    SSL_CTX_set_max_proto_version(native, TLS1_3_VERSION);
    // No compression (CRIME), no renegotiation; the client's cipher order wins, as Mozilla's
    // intermediate profile says (every suite offered is strong).
    SSL_CTX_set_options(native, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION);
    SSL_CTX_clear_options(native, SSL_OP_CIPHER_SERVER_PREFERENCE);
    if (SSL_CTX_set_cipher_list(native, intermediate_tls12_ciphers) != 1) {
        throw std::runtime_error("OpenSSL refused the TLS 1.2 cipher list");
    }
    // An encrypted key must fail here, not prompt on the terminal.
    ctx.set_password_callback([](std::size_t, ssl::context::password_purpose) { return std::string(); });

    if (!read_file(cert_file)) throw std::runtime_error("the TLS certificate file " + cert_file + " cannot be read");
    beast::error_code ec;
    ctx.use_certificate_chain_file(cert_file, ec);
    if (ec) {
        throw std::runtime_error("the TLS certificate file " + cert_file +
                                 " does not hold a usable PEM certificate chain (" + ec.message() + ")");
    }
    std::optional<std::string> key = read_file(key_file);
    if (!key) throw std::runtime_error("the TLS key file " + key_file + " cannot be read");
    ctx.use_private_key(asio::buffer(*key), ssl::context::pem, ec);
    OPENSSL_cleanse(key->data(), key->size());
    if (ec) {
        throw std::runtime_error("the TLS key file " + key_file +
                                 " does not hold an unencrypted PEM private key for the certificate in " + cert_file +
                                 " (" + ec.message() + ")");
    }
    if (SSL_CTX_check_private_key(native) != 1) {
        throw std::runtime_error("the TLS key file " + key_file + " does not match the certificate in " + cert_file);
    }
    tls_credentials loaded;
    loaded.impl_ = std::make_shared<tls_credentials::impl>(std::move(ctx));
    loaded.impl_->names = certificate_names(SSL_CTX_get0_certificate(loaded.impl_->ctx.native_handle()));
    return loaded;
}

}  // namespace hsoauth::http
