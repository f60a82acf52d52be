#pragma once

// The client side of TLS for the e2e tests (OpenSSL): certificates from scripts/dev-cert.sh, a
// handshake probe, and the session a raw_connection runs over when it talks HTTPS.

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "support/socket_io.hpp"

namespace hsoauth::e2e {

enum class tls_version { any, v1_1, v1_2, v1_3 };

struct tls_client_options {
    std::string ca_file;                     // the CA to verify the server against; "" = no check
    std::string server_name = "localhost";   // sent as SNI and checked against the certificate
    tls_version min = tls_version::any;
    tls_version max = tls_version::any;
    // Lets this client offer what OpenSSL's default security level forbids (TLS 1.1), so that a
    // refusal is the server's.
    bool legacy = false;
    std::string cipher_list;  // TLS 1.2 cipher list; "" = OpenSSL's default
};

// What scripts/dev-cert.sh made.
struct dev_cert {
    std::string ca;    // ca.pem
    std::string cert;  // server.pem (chain)
    std::string key;   // server.key
};

// Runs `scripts/dev-cert.sh --out dir args...`; throws with its output unless it exits 0.
dev_cert make_dev_cert(const std::string& dir, const std::vector<std::string>& args = {});

// Connects to 127.0.0.1:port and completes a handshake. Returns "" on success (and the
// protocol, e.g. "TLSv1.3", in *version), else why it failed.
std::string tls_handshake_outcome(std::uint16_t port, const tls_client_options& options,
                                  std::string* version = nullptr);

// One client TLS session over a connected blocking socket (with SO_RCVTIMEO/SO_SNDTIMEO set).
class tls_session {
  public:
    // Handshakes on `fd` (not owned). Throws std::runtime_error with OpenSSL's reason.
    tls_session(int fd, const tls_client_options& options);
    ~tls_session();
    tls_session(const tls_session&) = delete;
    tls_session& operator=(const tls_session&) = delete;

    // Writes all of `bytes`; false when the server closed or reset the connection.
    bool write_all(std::string_view bytes);
    // One read, appended to `out`: data, eof (close_notify, TCP close, reset or a fatal alert)
    // or timeout (the socket's SO_RCVTIMEO).
    recv_status read_some(std::string& out);
    // Decrypted bytes already buffered (a poll on the socket would not see them).
    bool has_buffered();
    // Sends close_notify (the server reads end of stream).
    void close_notify();
    std::string version() const;

  private:
    struct state;
    std::unique_ptr<state> state_;
};

}  // namespace hsoauth::e2e
