#pragma once
// Where a JSON text stops being JSON, in the words a person fixing the file needs: the line and
// column of the offending character and what the parser expected there. Used for config files,
// seed files and admin API bodies once nlohmann::json::parse(…, nullptr, false) has discarded
// them. Thread-safe (no shared state); never throws for any input.
#include <string>
#include <string_view>

namespace hsoauth::util {

// For a text that does not parse: "line L, column C: <what the parser saw and expected>", e.g.
// "line 3, column 1: syntax error while parsing object key - unexpected '}'; expected string
// literal (a trailing comma?)". Lines and columns count from 1; columns count bytes. The text
// is printable ASCII whatever the input holds (the input is never quoted), so it can go into
// a log line or a JSON body as is. `allow_comments` must be what the failed parse used. For a
// text that parses, returns "".
std::string json_syntax_error(std::string_view text, bool allow_comments = false);

}  // namespace hsoauth::util
