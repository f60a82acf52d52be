#include "support/tls_client.hpp"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <sys/socket.h>

#include <cerrno>
#include <stdexcept>

#include "support/seed_helpers.hpp"
#include "support/unique_fd.hpp"

#ifndef HSOAUTH_SOURCE_DIR
#error "HSOAUTH_SOURCE_DIR must name the source tree"
#endif

namespace hsoauth::e2e {
namespace {

int protocol_of(tls_version v) {
    switch (v) {
        case tls_version::v1_1: return TLS1_1_VERSION;
        case tls_version::v1_2: return TLS1_2_VERSION;
        case tls_version::v1_3: return TLS1_3_VERSION;
        case tls_version::any: break;
    }
    return 0;
}

// OpenSSL's queued errors as text (and clears the queue).
std::string openssl_errors() {
    std::string text;
    while (const unsigned long code = ERR_get_error()) {
        char buffer[256];
        ERR_error_string_n(code, buffer, sizeof buffer);
        if (!text.empty()) text += "; ";
        text += buffer;
    }
    return text.empty() ? "no OpenSSL error queued" : text;
}

}  // namespace

struct tls_session::state {
    SSL_CTX* ctx = nullptr;
    SSL* ssl = nullptr;
    ~state() {
        if (ssl != nullptr) SSL_free(ssl);
        if (ctx != nullptr) SSL_CTX_free(ctx);
    }
};

tls_session::tls_session(int fd, const tls_client_options& options) : state_(std::make_unique<state>()) {
    ERR_clear_error();
    state_->ctx = SSL_CTX_new(TLS_client_method());
    if (state_->ctx == nullptr) throw std::runtime_error("SSL_CTX_new: " + openssl_errors());
    SSL_CTX* ctx = state_->ctx;
    // A read that meets only handshake records (TLS 1.3 session tickets) returns instead of
    // blocking for application data: the callers' deadlines rely on it.
    SSL_CTX_clear_mode(ctx, SSL_MODE_AUTO_RETRY);
    if (options.legacy) SSL_CTX_set_security_level(ctx, 0);
    if (!options.cipher_list.empty() || options.legacy) {
        const std::string list = (options.cipher_list.empty() ? std::string("DEFAULT") : options.cipher_list) +
                                 (options.legacy ? ":@SECLEVEL=0" : "");
        if (SSL_CTX_set_cipher_list(ctx, list.c_str()) != 1) {
            throw std::runtime_error("cipher list " + list + ": " + openssl_errors());
        }
    }
    SSL_CTX_set_min_proto_version(ctx, protocol_of(options.min));
    SSL_CTX_set_max_proto_version(ctx, protocol_of(options.max));
    if (!options.ca_file.empty()) {
        if (SSL_CTX_load_verify_locations(ctx, options.ca_file.c_str(), nullptr) != 1) {
            throw std::runtime_error("cannot load CA " + options.ca_file + ": " + openssl_errors());
        }
        SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, nullptr);
    }
    state_->ssl = SSL_new(ctx);
    SSL* ssl = state_->ssl;
    SSL_set_fd(ssl, fd);
    SSL_set_tlsext_host_name(ssl, options.server_name.c_str());
    if (!options.ca_file.empty()) SSL_set1_host(ssl, options.server_name.c_str());
    if (SSL_connect(ssl) != 1) {
        const long verify = SSL_get_verify_result(ssl);
        std::string why = openssl_errors();
        if (verify != X509_V_OK) why += " (verify: " + std::string(X509_verify_cert_error_string(verify)) + ")";
        throw std::runtime_error("TLS handshake failed: " + why);
    }
}

tls_session::~tls_session() = default;

bool tls_session::write_all(std::string_view bytes) {
    while (!bytes.empty()) {
        std::size_t written = 0;
        ERR_clear_error();
        if (SSL_write_ex(state_->ssl, bytes.data(), bytes.size(), &written) != 1) {
            const int error = SSL_get_error(state_->ssl, 0);
            if (error == SSL_ERROR_WANT_WRITE) throw std::runtime_error("TLS send: timed out");
            return false;  // closed, reset or a fatal alert
        }
        bytes.remove_prefix(written);
    }
    return true;
}

recv_status tls_session::read_some(std::string& out) {
    char buffer[16384];
    for (;;) {
        std::size_t n = 0;
        ERR_clear_error();
        errno = 0;
        if (SSL_read_ex(state_->ssl, buffer, sizeof buffer, &n) == 1) {
            out.append(buffer, n);
            return recv_status::data;
        }
        const int error = SSL_get_error(state_->ssl, 0);
        if (error == SSL_ERROR_WANT_READ) {
            if (errno == EINTR) continue;
            return recv_status::timeout;
        }
        return recv_status::eof;  // close_notify, TCP close, reset or a fatal alert
    }
}

bool tls_session::has_buffered() { return SSL_pending(state_->ssl) > 0; }

void tls_session::close_notify() { (void)SSL_shutdown(state_->ssl); }

std::string tls_session::version() const { return SSL_get_version(state_->ssl); }

dev_cert make_dev_cert(const std::string& dir, const std::vector<std::string>& args) {
    std::vector<std::string> argv = {"/bin/bash", std::string(HSOAUTH_SOURCE_DIR) + "/scripts/dev-cert.sh", "--out", dir};
    argv.insert(argv.end(), args.begin(), args.end());
    int exit_code = -1;
    const std::string output = run_program(argv, &exit_code);
    if (exit_code != 0) throw std::runtime_error("dev-cert.sh failed (" + std::to_string(exit_code) + "): " + output);
    return {dir + "/ca.pem", dir + "/server.pem", dir + "/server.key"};
}

std::string tls_handshake_outcome(std::uint16_t port, const tls_client_options& options, std::string* version) {
    const unique_fd fd = connect_loopback(port, std::chrono::milliseconds(10'000));
    try {
        tls_session session(fd.get(), options);
        if (version != nullptr) *version = session.version();
        return {};
    } catch (const std::runtime_error& e) {
        return e.what();
    }
}

}  // namespace hsoauth::e2e
