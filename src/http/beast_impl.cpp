// Boost.Asio and Boost.Beast, compiled once for the whole program (BOOST_ASIO_SEPARATE_COMPILATION
// and BOOST_BEAST_SEPARATE_COMPILATION are set in CMakeLists.txt), so no other translation unit
// pays for their implementation.
#include <boost/asio/impl/src.hpp>
#include <boost/asio/ssl/impl/src.hpp>  // the TLS stream of server.cpp (OpenSSL::SSL)
#include <boost/beast/src.hpp>
