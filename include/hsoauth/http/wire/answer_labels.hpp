#pragma once
// What the client sees of a refusal, a failure or a fault, for the event journal: the wire
// versions' tables turned into service::answer_labels, handed to the controls at wiring time.
// A wire version whose error table differs from v1's adds its line in answer_labels.cpp.
#include "hsoauth/service/controls_interceptor.hpp"

namespace hsoauth::http::wire {

class wire_answer_labels final : public service::answer_labels {
  public:
    service::answer_label of(std::string_view version, const oauth::error& refusal) const override;
    service::answer_label of(const service::failure& f) const override;
    service::answer_label of(const controls::fired_fault& fault) const override;
    // The gateway's answers (gateway::refusal): 429 with Retry-After, 403, 404.
    service::answer_label of(const service::api_decision& decision) const override;
};

}  // namespace hsoauth::http::wire
