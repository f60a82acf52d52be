#pragma once
// One open non-default sandbox as the wiring serves it: its world (service::sandbox) and whatever
// the transport hangs on it (the http layer's endpoints, its decorators). Made by the factory
// the sandbox registry is given, over a store the registry owns and closes after the site.
#include "hsoauth/service/sandbox.hpp"

namespace hsoauth::service {

class sandbox_site {
  public:
    virtual ~sandbox_site() = default;
    virtual sandbox& world() = 0;
};

}  // namespace hsoauth::service
