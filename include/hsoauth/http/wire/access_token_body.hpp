#pragma once
// The JSON body of an answer about a live access token, rendered once per token.
//
// Every answer about the same live token is the same body but for `expires_in`: the rest comes
// from the token's facts, which never change while it lives and which the service shares between
// answers while it keeps them (oauth::access_token_info). So a view renders a token's body once,
// with expires_in written as 0, keeps it with the facts (oauth::kept_renderings), and each later
// answer about the same facts copies it with the seconds left in place of the 0: one copy of
// under a kilobyte instead of escaping every string again. A token read again after a commit
// comes with new facts and is rendered again; facts that nobody else holds are rendered and not
// kept (their seconds are written into the one rendering).
#include <cstddef>
#include <string>

#include "hsoauth/oauth/authority.hpp"

namespace hsoauth::http::wire {

// Which view's body: each has its own slot among the facts' kept renderings.
enum class access_body_kind : std::size_t { v1_metadata = 0, dated_introspection = 1 };
static_assert(oauth::kept_renderings::slot_count == 2);

// Renders `facts`' whole body with expires_in written as the single digit 0, and sets
// `expires_in_at` to that digit's offset in the body.
using access_body_renderer = std::string (*)(const oauth::access_token_facts& facts,
                                             std::size_t& expires_in_at);

// The body of `kind` about `info`: its facts' rendering by `render`, made now or kept from before,
// with info.expires_in in place. Every call with the same `kind` must pass the same `render`.
std::string access_token_body(const oauth::access_token_info& info, access_body_kind kind,
                              access_body_renderer render);

}  // namespace hsoauth::http::wire
