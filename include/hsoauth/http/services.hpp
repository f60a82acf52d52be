#pragma once
// What the handlers work with. Built once at start-up in main.cpp; the references stay valid
// for the server's whole life. Thread-safe as a whole: each member states its own rules.
#include <string>

namespace hsoauth {
class sandbox_clock;
namespace storage { class store; }
namespace service { class app_cache; }
namespace oauth { class authority; }
namespace admin { class registry; }
namespace config { struct settings; }
namespace crypto { class secret_hasher; }
}  // namespace hsoauth

namespace hsoauth::http {

class auth_throttle;
class consent_forms;
class auto_approve;

struct services {
    storage::store& db;
    service::app_cache& apps;  // apps by client_id; invalidate() after every write that changes apps
    sandbox_clock& clock;
    const crypto::secret_hasher& hasher;
    const oauth::authority& authority;
    const admin::registry& registry;
    const config::settings& settings;
    std::string admin_key;       // immutable after start
    auth_throttle& throttle;
    consent_forms& consent;
    auto_approve& auto_approval;
};

}  // namespace hsoauth::http
