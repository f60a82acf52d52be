#pragma once
// The hsoauth command line: its commands, what each takes, and their usage texts. A command is
// one entry in commands(); parse_command_line splits the arguments after the program name into
// the command, its flags (for config::load, which knows the keys) and its positional
// arguments. Every command answers --help (or -h) with its usage.
#include <string>
#include <string_view>
#include <vector>

namespace hsoauth::app {

struct command_info {
    std::string_view name;                    // "seed"
    std::string_view synopsis;                // "hsoauth seed [--db PATH] FILE"
    std::string_view summary;                 // one line: what it does
    std::vector<std::string_view> arguments;  // its positional arguments, all required ("FILE")
    std::string_view details;                 // more lines for `hsoauth NAME --help` ("" when none)
    bool lists_keys = false;                  // its --help lists the configuration keys
};

// Every command, in the order the general help lists them.
const std::vector<command_info>& commands();

struct command_line {
    const command_info* command = nullptr;  // nullptr: no command, the general help
    bool help = false;                      // --help or -h: print the usage, exit 0
    bool version = false;                   // --version
    std::vector<std::string> flags;         // --key VALUE and --key=VALUE, in order
    std::vector<std::string> arguments;     // the command's positional arguments, in order
};

// Splits `args` (argv without the program name). Throws config::config_error with one sentence
// naming the problem and the usage: an unknown command, a flag without its value, a missing or
// an extra positional argument. Flag names are checked later, by config::load.
command_line parse_command_line(const std::vector<std::string>& args);

// `hsoauth --help`: every command's synopsis and summary, then the configuration keys.
std::string general_usage();
// `hsoauth NAME --help`: the command's synopsis, summary and details (the configuration keys
// for commands that read them).
std::string usage_of(const command_info& command);

}  // namespace hsoauth::app
