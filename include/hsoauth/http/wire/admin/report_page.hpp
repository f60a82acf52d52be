#pragma once
// The integration report as a page for people: the same findings as the JSON, self-contained
// (no external resources, no JavaScript), every dynamic value escaped.
#include <string>

#include "hsoauth/controls/integration_report.hpp"

namespace hsoauth::http::wire::admin_api {

std::string render_report_page(const controls::integration_report& report);

}  // namespace hsoauth::http::wire::admin_api
