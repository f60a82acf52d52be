#pragma once
// What the commands of `hsoauth admin` share (private to src/cli/): the parsed command line, the
// session with the server, and the command table's entry. admin_command.cpp runs the table;
// each admin_*_commands.cpp adds its resources to it.
#include <nlohmann/json.hpp>

#include <cstdint>
#include <functional>
#include <iostream>
#include <map>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "hsoauth/cli/http_client.hpp"

namespace hsoauth::cli {

using nlohmann::json;

struct usage_error : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// The server answered with an error.
struct refused : std::runtime_error {
    refused(int s, const std::string& what) : std::runtime_error(what), status(s) {}
    int status;
};

// A command's words after RESOURCE VERB: positional arguments, flags with values, switches.
struct arguments {
    std::vector<std::string> positional;
    std::map<std::string, std::vector<std::string>> values;
    std::set<std::string> switches;

    bool has(const std::string& flag) const { return values.contains(flag); }
    std::optional<std::string> one(const std::string& flag) const {
        const auto it = values.find(flag);
        if (it == values.end()) return std::nullopt;
        if (it->second.size() > 1) throw usage_error(flag + " is given more than once");
        return it->second.front();
    }
    std::string required(const std::string& flag) const {
        auto value = one(flag);
        if (!value) throw usage_error(flag + " is required");
        return *value;
    }
    // Every value of a list flag, each split at spaces and commas.
    std::vector<std::string> list(const std::string& flag) const {
        std::vector<std::string> out;
        const auto it = values.find(flag);
        if (it == values.end()) return out;
        for (const auto& value : it->second) {
            std::string item;
            for (const char c : value + " ") {
                if (c == ' ' || c == ',') {
                    if (!item.empty()) out.push_back(item);
                    item.clear();
                } else {
                    item += c;
                }
            }
        }
        return out;
    }
};

struct command_spec {
    std::set<std::string> value_flags;
    std::set<std::string> switch_flags;
    std::size_t min_positional = 0;
    std::size_t max_positional = 0;
    std::string positional_names;  // for the usage error
};

// A command that takes the flags `values` (with a value) and `switches`, and no positional argument.
command_spec flags_only(std::set<std::string> values, std::set<std::string> switches = {});
// The words after RESOURCE VERB as `spec` allows them; usage_error naming `name` otherwise.
arguments parse_arguments(const std::vector<std::string>& words, const command_spec& spec, const std::string& name);
// `text` as an integer above 0; usage_error naming `what` otherwise.
std::int64_t positive_id(const std::string& text, const std::string& what);
// "90s", "31m", "2h", "1d", "1h30m", or a bare number of seconds; usage_error otherwise.
std::int64_t parse_duration(const std::string& text);
// true/1 or false/0; usage_error naming `flag` otherwise.
bool parse_bool(const std::string& text, const std::string& flag);
// A JSON array's items joined with `separator` (strings as they are, the rest as JSON).
std::string join(const json& items, const char* separator = " ");
// A value as a table cell: "-" for null, strings as they are, arrays joined.
std::string text_of(const json& value);
// Epoch seconds as "YYYY-MM-DDTHH:MM:SSZ".
std::string utc_time(std::int64_t seconds);
// The whole text of `file` ("-": standard input); usage_error naming `what` when it cannot be read.
std::string read_input(const std::string& file, const std::string& what);
// `file` (as read_input) parsed as JSON; usage_error with the parser's line and column otherwise.
json read_json_input(const std::string& file, const std::string& what);

class admin_session {
  public:
    admin_session(base_url url, std::string key, bool json_output)
        : url_(std::move(url)), key_(std::move(key)), json_(json_output) {}

    bool json_output() const { return json_; }

    // The answer's JSON (null for an empty body); throws refused for an error answer.
    json call(const std::string& method, const std::string& path, const std::optional<json>& body = std::nullopt) {
        return call_text(method, path, body ? std::optional<std::string>(body->dump()) : std::nullopt);
    }

    // As call, with a JSON body sent exactly as given (the server judges its syntax).
    json call_text(const std::string& method, const std::string& path, const std::optional<std::string>& body) {
        std::vector<std::pair<std::string, std::string>> headers;
        if (!key_.empty()) headers.emplace_back("Authorization", "Bearer " + key_);
        if (body) headers.emplace_back("Content-Type", "application/json");
        last_ = send_request(url_, method, path, headers, body ? *body : std::string());
        json parsed = last_.body.empty() ? json(nullptr) : json::parse(last_.body, nullptr, false);
        if (last_.status >= 400) {
            std::string message = "the server answered " + std::to_string(last_.status);
            if (parsed.is_object()) {
                if (parsed.contains("status") && parsed["status"].is_string()) message += " " + parsed["status"].get<std::string>();
                if (parsed.contains("message") && parsed["message"].is_string()) message += ": " + parsed["message"].get<std::string>();
            }
            if (last_.status == 401 && key_.empty()) message += " (no admin key: pass --admin-key or set HSOAUTH_ADMIN_KEY)";
            throw refused(last_.status, method + " " + path + ": " + message);
        }
        if (!last_.body.empty() && parsed.is_discarded()) {
            throw connection_error(method + " " + path + ": the server's answer is not JSON");
        }
        return parsed;
    }

    // With --json, the last answer's body as it came (nothing for an empty one); else `human`.
    void print(const std::string& human) const {
        if (json_) {
            if (!last_.body.empty()) std::cout << last_.body << "\n";
        } else {
            std::cout << human;
        }
    }

  private:
    base_url url_;
    std::string key_;
    bool json_;
    http_reply last_;
};

using handler = std::function<int(admin_session&, const arguments&)>;

// One `hsoauth admin RESOURCE VERB` command.
struct command {
    std::string resource;
    std::string verb;  // "" when the resource takes no verb (seed, code)
    command_spec spec;
    handler run;
};

// The commands over the controls and the sandboxes: faults, events, report, sandboxes, reset.
void add_controls_commands(std::vector<command>& commands);
// Their lines of `hsoauth admin --help`.
extern const char* const controls_usage_text;

}  // namespace hsoauth::cli
