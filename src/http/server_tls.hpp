#pragma once
// The loaded TLS certificate and key that every TLS listener serves (load_tls, in
// server_tls.cpp). Private to src/http/ (Asio's SSL context: included by server*.cpp only).
#include <boost/asio/ssl/context.hpp>

#include <string>
#include <vector>

#include "hsoauth/http/server.hpp"

namespace hsoauth::http {

struct tls_credentials::impl {
    explicit impl(boost::asio::ssl::context c) : ctx(std::move(c)) {}
    boost::asio::ssl::context ctx;  // not changed once loaded: sessions on every thread share it
    std::vector<std::string> names;
};

}  // namespace hsoauth::http
