#include "admin_session.hpp"

#include <charconv>
#include <ctime>
#include <fstream>
#include <iterator>

namespace hsoauth::cli {

command_spec flags_only(std::set<std::string> values, std::set<std::string> switches) {
    return command_spec{std::move(values), std::move(switches), 0, 0, ""};
}

arguments parse_arguments(const std::vector<std::string>& words, const command_spec& spec, const std::string& name) {
    arguments out;
    for (std::size_t i = 0; i < words.size(); ++i) {
        const std::string& word = words[i];
        if (word.rfind("--", 0) == 0 && word.size() > 2) {
            std::string flag = word;
            std::optional<std::string> value;
            if (const auto eq = word.find('='); eq != std::string::npos) {
                flag = word.substr(0, eq);
                value = word.substr(eq + 1);
            }
            if (spec.switch_flags.contains(flag)) {
                if (value) throw usage_error(flag + " takes no value");
                out.switches.insert(flag);
            } else if (spec.value_flags.contains(flag)) {
                if (!value) {
                    if (i + 1 >= words.size()) throw usage_error(flag + " needs a value");
                    value = words[++i];
                }
                out.values[flag].push_back(*value);
            } else {
                throw usage_error("admin " + name + ": unknown flag " + flag);
            }
        } else {
            out.positional.push_back(word);
        }
    }
    if (out.positional.size() < spec.min_positional || out.positional.size() > spec.max_positional) {
        throw usage_error("admin " + name + " takes " +
                          (spec.positional_names.empty() ? std::string("no argument") : spec.positional_names) +
                          (out.positional.empty() ? std::string() : ", got '" + out.positional.back() + "'"));
    }
    return out;
}

std::int64_t positive_id(const std::string& text, const std::string& what) {
    std::int64_t value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || end != text.data() + text.size() || value <= 0) {
        throw usage_error(what + " must be a positive integer, got '" + text + "'");
    }
    return value;
}

std::int64_t parse_duration(const std::string& text) {
    if (text.empty()) throw usage_error("a duration is required, e.g. 31m");
    std::int64_t total = 0;
    std::size_t i = 0;
    while (i < text.size()) {
        std::int64_t number = 0;
        const auto [end, ec] = std::from_chars(text.data() + i, text.data() + text.size(), number);
        if (ec != std::errc() || number < 0) throw usage_error("bad duration '" + text + "' (e.g. 90s, 31m, 2h, 1d)");
        i = static_cast<std::size_t>(end - text.data());
        std::int64_t unit = 1;
        if (i < text.size()) {
            switch (text[i]) {
                case 's': unit = 1; break;
                case 'm': unit = 60; break;
                case 'h': unit = 3600; break;
                case 'd': unit = 86400; break;
                default: throw usage_error("bad duration '" + text + "' (e.g. 90s, 31m, 2h, 1d)");
            }
            ++i;
        } else if (total != 0) {
            throw usage_error("bad duration '" + text + "': give a unit to every number");
        }
        total += number * unit;
    }
    return total;
}

bool parse_bool(const std::string& text, const std::string& flag) {
    if (text == "true" || text == "1") return true;
    if (text == "false" || text == "0") return false;
    throw usage_error(flag + " takes true or false, got '" + text + "'");
}

std::string join(const json& items, const char* separator) {
    std::string out;
    if (!items.is_array()) return out;
    for (const auto& item : items) {
        if (!out.empty()) out += separator;
        out += item.is_string() ? item.get<std::string>() : item.dump();
    }
    return out;
}

std::string text_of(const json& value) {
    if (value.is_null()) return "-";
    if (value.is_string()) return value.get<std::string>();
    if (value.is_array()) return join(value);
    return value.dump();
}

std::string utc_time(std::int64_t seconds) {
    const std::time_t t = static_cast<std::time_t>(seconds);
    std::tm utc{};
    gmtime_r(&t, &utc);
    char text[32];
    return std::string(text, std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc));
}

std::string read_input(const std::string& file, const std::string& what) {
    if (file == "-") return {std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>()};
    std::ifstream in(file, std::ios::binary);
    if (!in) throw usage_error("cannot read " + what + " " + file);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

json read_json_input(const std::string& file, const std::string& what) {
    try {
        return json::parse(read_input(file, what));
    } catch (const json::parse_error& e) {
        throw usage_error(what + " " + file + " is not JSON: " + e.what());
    }
}

}  // namespace hsoauth::cli
