#include "hsoauth/metrics/exposition.hpp"

#include <charconv>
#include <cmath>
#include <stdexcept>

namespace hsoauth::metrics {
namespace {

// HELP text escapes backslash and newline; label values also the double quote.
void append_escaped(std::string& out, std::string_view text, bool quote) {
    for (const char c : text) {
        if (c == '\\') {
            out += "\\\\";
        } else if (c == '\n') {
            out += "\\n";
        } else if (quote && c == '"') {
            out += "\\\"";
        } else {
            out += c;
        }
    }
}

}  // namespace

void exposition::family(std::string_view name, std::string_view type, std::string_view help) {
    if (!families_.emplace(name).second) {
        throw std::logic_error("metric family " + std::string(name) + " is collected twice");
    }
    out_ += "# HELP ";
    out_ += name;
    out_ += ' ';
    append_escaped(out_, help, false);
    out_ += "\n# TYPE ";
    out_ += name;
    out_ += ' ';
    out_ += type;
    out_ += '\n';
}

void exposition::begin_sample(std::string_view name, std::span<const label> labels) {
    out_ += name;
    if (!labels.empty()) {
        out_ += '{';
        bool first = true;
        for (const auto& [key, value] : labels) {
            if (!first) out_ += ',';
            first = false;
            out_ += key;
            out_ += "=\"";
            append_escaped(out_, value, true);
            out_ += '"';
        }
        out_ += '}';
    }
    out_ += ' ';
}

void exposition::sample(std::string_view name, std::span<const label> labels, std::uint64_t value) {
    begin_sample(name, labels);
    char digits[24];
    const auto end = std::to_chars(digits, digits + sizeof digits, value).ptr;
    out_.append(digits, end);
    out_ += '\n';
}

void exposition::sample(std::string_view name, std::span<const label> labels, double value) {
    begin_sample(name, labels);
    if (std::isinf(value)) {
        out_ += value > 0 ? "+Inf" : "-Inf";
    } else if (std::isnan(value)) {
        out_ += "NaN";
    } else {
        char digits[32];
        const auto end = std::to_chars(digits, digits + sizeof digits, value).ptr;
        out_.append(digits, end);
    }
    out_ += '\n';
}

}  // namespace hsoauth::metrics
