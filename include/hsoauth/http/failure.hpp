#pragma once
// What the client sees when infrastructure breaks: 503 with Retry-After for faults that pass
// (disk full, read-only, I/O error), else a 500 that reveals nothing. The cause goes to the log
// only, with the correlation id.
#include <exception>
#include <string_view>

#include "hsoauth/http/log_writer.hpp"
#include "hsoauth/http/message.hpp"
#include "hsoauth/service/outcome.hpp"

namespace hsoauth::http {

response failure_response(const service::failure& f, std::string_view correlation_id,
                          log_writer& log);

}  // namespace hsoauth::http
