#include "hsoauth/http/wire/access_token_body.hpp"

#include <charconv>
#include <limits>
#include <memory>
#include <string_view>

namespace hsoauth::http::wire {

std::string access_token_body(const oauth::access_token_info& info, access_body_kind kind,
                              access_body_renderer render) {
    char digits[std::numeric_limits<std::int64_t>::digits10 + 2];
    const auto digits_end = std::to_chars(std::begin(digits), std::end(digits), info.expires_in).ptr;
    const std::string_view seconds(digits, static_cast<std::size_t>(digits_end - digits));

    const auto slot = static_cast<std::size_t>(kind);
    const oauth::kept_rendering* kept = info->renderings.find(slot);
    if (kept == nullptr) {
        oauth::kept_rendering made;
        made.text = render(*info.facts, made.mark);
        // Facts that only this answer holds (a read the access-token cache did not keep) die with
        // it: nobody could find the text again, so the seconds go into it in place.
        if (info.facts.use_count() == 1) return std::move(made.text.replace(made.mark, 1, seconds));
        kept = &info->renderings.keep(slot, std::make_unique<oauth::kept_rendering>(std::move(made)));
    }
    std::string out;
    out.reserve(kept->text.size() - 1 + seconds.size());
    out.append(kept->text, 0, kept->mark);
    out.append(seconds);
    out.append(kept->text, kept->mark + 1);
    return out;
}

}  // namespace hsoauth::http::wire
