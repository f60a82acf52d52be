#pragma once
// Which io_context the calling network thread runs, for the parts of http/ that start their own
// asynchronous work there (the upstream client). Private to src/http/.
#include <functional>

namespace boost::asio {
class io_context;
}

namespace hsoauth::http::detail {

// Marks the calling thread as running `ctx` for its lifetime (http::server, around ctx.run()).
// On destruction, while `ctx` still lives, runs what at_network_thread_end registered.
class network_thread_scope {
  public:
    explicit network_thread_scope(boost::asio::io_context& ctx);
    ~network_thread_scope();
    network_thread_scope(const network_thread_scope&) = delete;
    network_thread_scope& operator=(const network_thread_scope&) = delete;
};

// The io_context of the calling network thread; nullptr on any other thread.
boost::asio::io_context* this_network_context();

// Runs `cleanup` on this thread when its network_thread_scope ends (releasing sockets of its
// io_context before the io_context goes). Ignored off the network threads.
void at_network_thread_end(std::function<void()> cleanup);

}  // namespace hsoauth::http::detail
