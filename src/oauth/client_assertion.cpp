#include "hsoauth/oauth/client_assertion.hpp"

#include <cmath>
#include <utility>

#include "hsoauth/crypto/jws.hpp"

namespace hsoauth::oauth {

namespace {

assertion_result refuse(assertion_problem problem, std::string detail) {
    assertion_result result;
    result.failure = {problem, std::move(detail)};
    return result;
}

assertion_problem problem_of(crypto::jws_problem problem) {
    switch (problem) {
        case crypto::jws_problem::malformed:
            return assertion_problem::malformed;
        case crypto::jws_problem::unsupported_algorithm:
            return assertion_problem::unsupported_algorithm;
        case crypto::jws_problem::forbidden_header:
            return assertion_problem::forbidden_header;
        case crypto::jws_problem::key_not_found:
            return assertion_problem::key_not_found;
        case crypto::jws_problem::bad_signature:
            return assertion_problem::bad_signature;
    }
    return assertion_problem::malformed;
}

// Whether `claims[name]` is a string equal to `expected` (which is not empty).
bool claim_is(const nlohmann::json& claims, const char* name, std::string_view expected) {
    const auto it = claims.find(name);
    return !expected.empty() && it != claims.end() && it->is_string() &&
           it->get_ref<const std::string&>() == expected;
}

bool accepted(const std::string& audience, std::span<const std::string> accepted_audiences) {
    for (const auto& candidate : accepted_audiences) {
        if (!candidate.empty() && candidate == audience) return true;
    }
    return false;
}

// Whether aud (RFC 7519 §4.1.3: one string or an array of strings) names an accepted audience.
// An array holding anything but strings is refused whole.
bool audience_matches(const nlohmann::json& claims,
                      std::span<const std::string> accepted_audiences) {
    const auto aud = claims.find("aud");
    if (aud == claims.end()) return false;
    if (aud->is_string()) return accepted(aud->get_ref<const std::string&>(), accepted_audiences);
    if (!aud->is_array()) return false;
    bool found = false;
    for (const auto& value : *aud) {
        if (!value.is_string()) return false;
        found = found || accepted(value.get_ref<const std::string&>(), accepted_audiences);
    }
    return found;
}

// A NumericDate claim (RFC 7519 §2: seconds, possibly fractional): absent is nullopt, a value
// that is not a JSON number is NaN.
std::optional<double> numeric_date(const nlohmann::json& claims, const char* name) {
    const auto it = claims.find(name);
    if (it == claims.end()) return std::nullopt;
    if (!it->is_number()) return std::nan("");
    return it->get<double>();
}

}  // namespace

assertion_result verify_client_assertion(std::string_view assertion, const crypto::key_set& keys,
                                         std::string_view client_id,
                                         std::span<const std::string> accepted_audiences,
                                         std::int64_t now) {
    auto jws = crypto::verify_jws(assertion, keys);
    if (!jws) return refuse(problem_of(jws.failure.problem), std::move(jws.failure.detail));
    const nlohmann::json& claims = jws.verified->payload;

    // RFC 7523 §3 items 1-2: the client is both the issuer and the subject.
    if (!claim_is(claims, "iss", client_id)) {
        return refuse(assertion_problem::wrong_issuer, "iss is not the client_id");
    }
    if (!claim_is(claims, "sub", client_id)) {
        return refuse(assertion_problem::wrong_issuer, "sub is not the client_id");
    }
    // Item 3: this server is an intended audience.
    if (!audience_matches(claims, accepted_audiences)) {
        return refuse(assertion_problem::wrong_audience,
                      "aud names neither this token endpoint nor this server's issuer");
    }
    // Item 4: an expiry, soon. Compared as doubles: exact for every integer below 2^53 seconds.
    const auto exp = numeric_date(claims, "exp");
    if (!exp || std::isnan(*exp)) {
        return refuse(assertion_problem::missing_expiry, "exp is missing or not a number");
    }
    const auto when = static_cast<double>(now);
    if (*exp + static_cast<double>(assertion_leeway) < when) {
        return refuse(assertion_problem::expired, "exp has passed");
    }
    if (*exp > when + static_cast<double>(assertion_max_lifetime + assertion_leeway)) {
        return refuse(assertion_problem::too_long_lived,
                      "exp is more than " + std::to_string(assertion_max_lifetime) + " s ahead");
    }
    // Items 5-6: not usable before nbf; not issued in the future.
    for (const char* name : {"nbf", "iat"}) {
        const auto date = numeric_date(claims, name);
        if (!date) continue;
        if (std::isnan(*date)) {
            return refuse(assertion_problem::malformed, std::string(name) + " is not a number");
        }
        if (*date > when + static_cast<double>(assertion_leeway)) {
            return refuse(assertion_problem::not_yet_valid,
                          std::string(name) + " is in the future");
        }
    }
    // Item 7: a unique identifier the caller can refuse to see twice.
    const auto jti = claims.find("jti");
    if (jti == claims.end() || !jti->is_string() || jti->get_ref<const std::string&>().empty() ||
        jti->get_ref<const std::string&>().size() > assertion_max_jti_length) {
        return refuse(assertion_problem::missing_jti, "jti must be a non-empty string of at most " +
                                                          std::to_string(assertion_max_jti_length) +
                                                          " characters");
    }

    assertion_result result;
    verified_assertion& verified = result.verified.emplace();
    verified.jti = jti->get<std::string>();
    verified.exp = static_cast<std::int64_t>(std::ceil(*exp));  // within [now - leeway, now + 330]
    verified.remember_until = verified.exp + assertion_leeway;
    verified.alg = jws.verified->alg;
    verified.key_index = jws.verified->key_index;
    return result;
}

}  // namespace hsoauth::oauth
