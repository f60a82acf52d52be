#include "hsoauth/http/wire/access_token_body.hpp"

#include <charconv>
#include <limits>
#include <memory>
#include <string_view>

namespace hsoauth::http::wire {

std::string access_token_body(const oauth::access_token_info& info, access_body_kind kind,
                              access_body_renderer render) {
    const auto slot = static_cast<std::size_t>(kind);
    const oauth::kept_rendering* kept = info->renderings.find(slot);
    std::size_t expires_in_at = 0;
    std::string rendered;
    if (kept == nullptr) {
        rendered = render(*info.facts, expires_in_at);
        // Kept only when someone else holds the facts too (the access-token cache): facts that
        // only this answer holds die with it, and nobody could find the text again.
        if (info.facts.use_count() > 1) {
            auto made = std::make_unique<oauth::kept_rendering>();
            made->text = std::move(rendered);
            made->mark = expires_in_at;
            kept = &info->renderings.keep(slot, std::move(made));
        }
    }
    const std::string_view text = kept ? std::string_view(kept->text) : std::string_view(rendered);
    if (kept) expires_in_at = kept->mark;

    char digits[std::numeric_limits<std::int64_t>::digits10 + 2];
    const auto written = std::to_chars(std::begin(digits), std::end(digits), info.expires_in).ptr;
    const std::string_view seconds(digits, static_cast<std::size_t>(written - digits));
    std::string out;
    out.reserve(text.size() - 1 + seconds.size());
    out.append(text.substr(0, expires_in_at));
    out.append(seconds);
    out.append(text.substr(expires_in_at + 1));
    return out;
}

}  // namespace hsoauth::http::wire
