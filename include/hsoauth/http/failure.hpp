#pragma once
// What the client sees when infrastructure breaks: 503 for storage faults that pass (disk full,
// read-only, I/O error), else a 500 that reveals nothing. The cause goes to the log only.
#include <exception>
#include <string_view>

#include "hsoauth/http/log_writer.hpp"
#include "hsoauth/http/message.hpp"

namespace hsoauth::http {

response failure_response(std::exception_ptr error, std::string_view correlation_id);


}  // namespace hsoauth::http
