#include "hsoauth/crypto/jws.hpp"

#include <utility>

#include "hsoauth/crypto/random.hpp"

namespace hsoauth::crypto {

namespace {

jws_result refuse(jws_problem problem, std::string detail) {
    jws_result result;
    result.failure = {problem, std::move(detail)};
    return result;
}

// At most 64 characters of a value from the token, for a detail; anything outside printable
// ASCII becomes '?'.
std::string printable(std::string_view value) {
    std::string out(value.substr(0, 64));
    for (char& c : out) {
        if (c < 0x20 || c > 0x7e) c = '?';
    }
    if (value.size() > 64) out += "...";
    return out;
}

std::string key_name(const public_key& key, std::size_t index) {
    return key.kid().empty() ? "key " + std::to_string(index)
                             : "key \"" + printable(key.kid()) + "\"";
}

// Why `key` may not verify `alg` (it does not allow it).
std::string why_not(const public_key& key, std::size_t index, jws_algorithm alg) {
    const std::string name_of_key = key_name(key, index);
    if (!fits(key.type(), alg)) {
        return name_of_key + " is an " + (key.type() == key_type::rsa ? "RSA" : "EC P-256") +
               " key, which cannot verify " + std::string(name(alg));
    }
    return name_of_key + " is registered for " + std::string(name(*key.alg())) + ", not " +
           std::string(name(alg));
}

// Header parameters that would let the token choose its own verification key (RFC 8725 §3.10).
constexpr const char* key_carrying_headers[] = {"jwk", "jku", "x5u", "x5c"};

}  // namespace

jws_result verify_jws(std::string_view compact, const key_set& keys) {
    if (compact.size() > jws_max_length) {
        return refuse(jws_problem::malformed,
                      "the JWS is over " + std::to_string(jws_max_length) + " characters");
    }
    const std::size_t first_dot = compact.find('.');
    const std::size_t second_dot =
        first_dot == std::string_view::npos ? first_dot : compact.find('.', first_dot + 1);
    if (second_dot == std::string_view::npos ||
        compact.find('.', second_dot + 1) != std::string_view::npos) {
        return refuse(jws_problem::malformed,
                      "a compact JWS has exactly three parts separated by '.'");
    }
    const std::string_view header_text = compact.substr(0, first_dot);
    const std::string_view payload_text = compact.substr(first_dot + 1, second_dot - first_dot - 1);
    const std::string_view signature_text = compact.substr(second_dot + 1);
    if (header_text.size() > jws_max_header_length ||
        payload_text.size() > jws_max_payload_length ||
        signature_text.size() > jws_max_signature_length) {
        return refuse(jws_problem::malformed,
                      "a part is too long (header " + std::to_string(jws_max_header_length) +
                          ", payload " + std::to_string(jws_max_payload_length) + ", signature " +
                          std::to_string(jws_max_signature_length) + " characters at most)");
    }
    const auto header_bytes = base64url_decode(header_text);
    const auto payload_bytes = base64url_decode(payload_text);
    const auto signature = base64url_decode(signature_text);
    if (!header_bytes || !payload_bytes || !signature) {
        return refuse(jws_problem::malformed, std::string("the ") +
                                                  (!header_bytes    ? "header"
                                                   : !payload_bytes ? "payload"
                                                                    : "signature") +
                                                  " is not unpadded base64url");
    }

    auto header = nlohmann::json::parse(*header_bytes, nullptr, false);
    if (header.is_discarded() || !header.is_object()) {
        return refuse(jws_problem::malformed, "the header is not a JSON object");
    }
    const auto alg_member = header.find("alg");
    if (alg_member == header.end() || !alg_member->is_string()) {
        return refuse(jws_problem::malformed, "the header has no \"alg\" string");
    }
    const std::string& alg_name = alg_member->get_ref<const std::string&>();
    const auto alg = jws_algorithm_named(alg_name);
    if (!alg) {
        return refuse(
            jws_problem::unsupported_algorithm,
            "alg \"" + printable(alg_name) + "\" is not accepted; use RS256, PS256 or ES256");
    }
    for (const char* parameter : key_carrying_headers) {
        if (header.contains(parameter)) {
            return refuse(jws_problem::forbidden_header,
                          std::string("the header carries \"") + parameter +
                              "\"; keys come only from the registered key set");
        }
    }
    if (header.contains("crit")) {
        return refuse(jws_problem::forbidden_header,
                      "the header has \"crit\"; no extension is understood here");
    }
    const auto kid_member = header.find("kid");
    if (kid_member != header.end() && !kid_member->is_string()) {
        return refuse(jws_problem::malformed, "the header's \"kid\" is not a string");
    }
    if (signature->empty()) return refuse(jws_problem::malformed, "the signature is empty");

    // The keys to try: the one the kid names, or every key that allows alg.
    std::size_t candidates[jwks_max_keys];
    std::size_t candidate_count = 0;
    if (kid_member != header.end()) {
        const std::string& kid = kid_member->get_ref<const std::string&>();
        const public_key* key = keys.find(kid);
        if (key == nullptr) {
            return refuse(jws_problem::key_not_found,
                          "no registered key has kid \"" + printable(kid) + "\"");
        }
        const auto index = static_cast<std::size_t>(key - keys.keys().data());
        if (!key->allows(*alg)) {
            return refuse(jws_problem::key_not_found, why_not(*key, index, *alg));
        }
        candidates[candidate_count++] = index;
    } else {
        for (std::size_t index = 0; index < keys.size() && candidate_count < jwks_max_keys;
             ++index) {
            if (keys.keys()[index].allows(*alg)) candidates[candidate_count++] = index;
        }
        if (candidate_count == 0) {
            return refuse(jws_problem::key_not_found,
                          "no registered key can verify " + std::string(name(*alg)));
        }
    }
    if (*alg == jws_algorithm::es256 && signature->size() != 64) {
        return refuse(jws_problem::bad_signature,
                      "an ES256 signature is the 64 bytes R||S (RFC 7518 §3.4), not " +
                          std::to_string(signature->size()) + " bytes");
    }

    const std::string_view signing_input = compact.substr(0, second_dot);
    std::optional<std::size_t> verified_by;
    for (std::size_t k = 0; k < candidate_count && !verified_by; ++k) {
        if (keys.keys()[candidates[k]].verify(*alg, signing_input, *signature)) {
            verified_by = candidates[k];
        }
    }
    if (!verified_by) {
        return refuse(jws_problem::bad_signature,
                      candidate_count == 1 ? "the signature does not verify with " +
                                                 key_name(keys.keys()[candidates[0]], candidates[0])
                                           : "the signature verifies with none of the " +
                                                 std::to_string(candidate_count) +
                                                 " keys that allow " + std::string(name(*alg)));
    }

    auto payload = nlohmann::json::parse(*payload_bytes, nullptr, false);
    if (payload.is_discarded() || !payload.is_object()) {
        return refuse(jws_problem::malformed, "the payload is not a JSON object");
    }
    jws_result result;
    result.verified = verified_jws{std::move(header), std::move(payload), *alg, *verified_by};
    return result;
}

}  // namespace hsoauth::crypto
