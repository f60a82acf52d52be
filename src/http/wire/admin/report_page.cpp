#include "hsoauth/http/wire/admin/report_page.hpp"

#include "hsoauth/http/wire/consent/consent_page.hpp"

namespace hsoauth::http::wire::admin_api {
namespace {

using consent::html_escape;

void finding_rows(std::string& out, const std::vector<controls::finding>& findings) {
    for (const auto& f : findings) {
        out += "<section class=\"finding\"><h3>";
        out += html_escape(f.title);
        out += " <span class=\"count\">";
        out += std::to_string(f.count);
        out += f.count == 1 ? " time" : " times";
        out += "</span></h3><p class=\"id\"><code>";
        out += html_escape(f.id);
        out += "</code> · first <code>";
        out += html_escape(f.first_correlation_id);
        out += "</code> · last <code>";
        out += html_escape(f.last_correlation_id);
        out += "</code></p>";
        if (!f.breakdown.empty()) {
            out += "<ul>";
            for (const auto& [name, count] : f.breakdown) {
                out += "<li><code>";
                out += html_escape(name);
                out += "</code>: ";
                out += std::to_string(count);
                out += "</li>";
            }
            out += "</ul>";
        }
        out += "<p>";
        out += html_escape(f.advice);
        out += " <a href=\"";
        out += html_escape(f.link);
        out += "\" rel=\"noreferrer\">HubSpot's documentation</a></p></section>";
    }
}

}  // namespace

std::string render_report_page(const controls::integration_report& report) {
    std::string out;
    out.reserve(4096);
    out +=
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        "<title>Integration report: ";
    out += html_escape(report.app_name);
    out +=
        "</title><style>"
        "body{font-family:system-ui,sans-serif;max-width:52rem;margin:2rem auto;padding:0 1rem;color:#213343}"
        "h1{font-size:1.5rem}.verdict{font-size:1.2rem;padding:.75rem 1rem;border-radius:6px}"
        ".clean{background:#e5f8f4;border:1px solid #00bda5}.unclean{background:#fdedee;border:1px solid #f2545b}"
        ".finding{border-top:1px solid #cbd6e2;padding:.5rem 0}.finding h3{margin:.5rem 0;font-size:1.05rem}"
        ".count{font-weight:normal;color:#516f90}.id{color:#516f90;font-size:.85rem}code{font-size:.85rem}"
        ".notice{color:#516f90}</style></head><body><h1>Integration report: ";
    out += html_escape(report.app_name);
    out += "</h1><p>App ";
    out += std::to_string(report.app_id);
    out += ", client <code>";
    out += html_escape(report.client_id);
    out += "</code>, ";
    out += std::to_string(report.events);
    out += " event(s) read from the journal.</p>";
    if (report.clean()) {
        out += "<p class=\"verdict clean\">Clean: the integration did nothing this report looks for.</p>";
    } else {
        out += "<p class=\"verdict unclean\">";
        out += std::to_string(report.findings.size());
        out += " finding(s).</p><h2>Findings</h2>";
        finding_rows(out, report.findings);
    }
    if (!report.notices.empty()) {
        out += "<h2 class=\"notice\">Notices</h2>";
        finding_rows(out, report.notices);
    }
    out += "</body></html>";
    return out;
}

}  // namespace hsoauth::http::wire::admin_api
