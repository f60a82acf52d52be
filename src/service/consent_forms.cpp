#include "hsoauth/service/consent_forms.hpp"

#include <algorithm>

#include "hsoauth/crypto/random.hpp"

namespace hsoauth::service {
namespace {

// The sealed form: version, serial, expiry, app id, client_id, redirect URI, required and
// optional scopes, flags, state, PKCE challenge, preselected hub; then the MAC of all of it.
constexpr std::uint8_t format_version = 1;
constexpr std::size_t mac_size = 32;
constexpr std::uint8_t has_state = 1;
constexpr std::uint8_t has_pkce = 2;
constexpr std::uint8_t has_fixed_hub = 4;

void put_u64(std::string& out, std::uint64_t value) {
    for (int shift = 56; shift >= 0; shift -= 8) out += static_cast<char>((value >> shift) & 0xff);
}

void put_text(std::string& out, std::string_view text) {
    put_u64(out, text.size());
    out += text;
}

void put_list(std::string& out, const oauth::scope_list& items) {
    put_u64(out, items.size());
    for (const auto& item : items) put_text(out, item);
}

// Reads what put_* wrote; every read fails (false) rather than run past the end.
class reader {
  public:
    explicit reader(std::string_view bytes) : rest_(bytes) {}

    bool u8(std::uint8_t& value) {
        if (rest_.empty()) return false;
        value = static_cast<std::uint8_t>(rest_.front());
        rest_.remove_prefix(1);
        return true;
    }
    bool u64(std::uint64_t& value) {
        if (rest_.size() < 8) return false;
        value = 0;
        for (int i = 0; i < 8; ++i) value = (value << 8) | static_cast<std::uint8_t>(rest_[i]);
        rest_.remove_prefix(8);
        return true;
    }
    bool i64(std::int64_t& value) {
        std::uint64_t raw = 0;
        if (!u64(raw)) return false;
        value = static_cast<std::int64_t>(raw);
        return true;
    }
    bool text(std::string& value) {
        std::uint64_t size = 0;
        if (!u64(size) || size > rest_.size()) return false;
        value.assign(rest_.substr(0, size));
        rest_.remove_prefix(size);
        return true;
    }
    bool list(oauth::scope_list& items) {
        std::uint64_t count = 0;
        if (!u64(count) || count > rest_.size() / 8) return false;
        items.resize(count);
        return std::all_of(items.begin(), items.end(), [this](std::string& item) { return text(item); });
    }
    bool at_end() const { return rest_.empty(); }

  private:
    std::string_view rest_;
};

std::string seal_body(const pending_consent& consent, std::uint64_t serial, std::int64_t expires_at) {
    std::string out;
    out.reserve(256 + consent.state.size() + consent.plan.redirect_uri.size());
    out += static_cast<char>(format_version);
    put_u64(out, serial);
    put_u64(out, static_cast<std::uint64_t>(expires_at));
    put_u64(out, static_cast<std::uint64_t>(consent.plan.app.app_id));
    put_text(out, consent.plan.app.client_id);
    put_text(out, consent.plan.redirect_uri);
    put_list(out, consent.plan.required_scopes);
    put_list(out, consent.plan.optional_scopes);
    std::uint8_t flags = 0;
    if (consent.state_present) flags |= has_state;
    if (consent.pkce) flags |= has_pkce;
    if (consent.fixed_hub_id) flags |= has_fixed_hub;
    out += static_cast<char>(flags);
    put_text(out, consent.state);
    if (consent.pkce) put_text(out, consent.pkce->challenge);
    if (consent.fixed_hub_id) put_u64(out, static_cast<std::uint64_t>(*consent.fixed_hub_id));
    return out;
}

// The consent a verified body names, and its serial; nullopt when it does not parse.
std::optional<std::pair<pending_consent, std::uint64_t>> unseal_body(std::string_view body) {
    reader in(body);
    pending_consent consent;
    std::uint8_t version = 0;
    std::uint8_t flags = 0;
    std::uint64_t serial = 0;
    bool ok = in.u8(version) && version == format_version && in.u64(serial) &&
              in.i64(consent.expires_at) && in.i64(consent.plan.app.app_id) &&
              in.text(consent.plan.app.client_id) && in.text(consent.plan.redirect_uri) &&
              in.list(consent.plan.required_scopes) && in.list(consent.plan.optional_scopes) &&
              in.u8(flags) && in.text(consent.state);
    consent.state_present = (flags & has_state) != 0;
    if (ok && (flags & has_pkce) != 0) {
        oauth::pkce_challenge pkce{"", "S256"};
        ok = in.text(pkce.challenge);
        consent.pkce = std::move(pkce);
    }
    if (ok && (flags & has_fixed_hub) != 0) {
        std::int64_t hub = 0;
        ok = in.i64(hub);
        consent.fixed_hub_id = hub;
    }
    if (!ok || !in.at_end()) return std::nullopt;
    return std::make_pair(std::move(consent), serial);
}

}  // namespace

consent_forms::consent_forms(std::int64_t lifetime_seconds, std::size_t used_capacity,
                             crypto::random_source& random)
    : lifetime_(lifetime_seconds),
      used_capacity_(std::max<std::size_t>(1, used_capacity)),
      mac_(random.bytes(32)) {}

std::string consent_forms::open(const pending_consent& consent, std::int64_t now) const {
    std::string sealed = seal_body(consent, last_serial_.fetch_add(1) + 1, now + lifetime_);
    sealed += mac_.hash(sealed);
    return crypto::base64url(sealed);
}

std::optional<pending_consent> consent_forms::take(std::string_view token, std::int64_t now) {
    const auto sealed = crypto::base64url_decode(token);
    if (!sealed || sealed->size() <= mac_size) return std::nullopt;
    const std::string_view body = std::string_view(*sealed).substr(0, sealed->size() - mac_size);
    const std::string_view mac = std::string_view(*sealed).substr(sealed->size() - mac_size);
    if (!crypto::constant_time_equal(mac_.hash(body), mac)) return std::nullopt;
    auto form = unseal_body(body);
    if (!form) return std::nullopt;
    auto& [consent, serial] = *form;
    if (consent.expires_at <= now) return std::nullopt;
    std::lock_guard lock(mutex_);
    if (forgotten_in(forgotten_apps_, consent.plan.app.app_id, serial)) return std::nullopt;
    if (consent.fixed_hub_id && forgotten_in(forgotten_hubs_, *consent.fixed_hub_id, serial)) {
        return std::nullopt;
    }
    if (!use(serial, consent.expires_at, now)) return std::nullopt;
    return std::move(consent);
}

bool consent_forms::use(std::uint64_t serial, std::int64_t expires_at, std::int64_t now) {
    if (serial <= refused_up_to_ || used_.count(serial) != 0) return false;
    // Used forms that have expired since need no remembering (the oldest first, while in order).
    while (!used_order_.empty() && used_order_.front().expires_at <= now) {
        used_.erase(used_order_.front().serial);
        used_order_.pop_front();
    }
    if (used_order_.size() >= used_capacity_) {
        const used_form oldest = used_order_.front();
        used_order_.pop_front();
        used_.erase(oldest.serial);
        // That form's use is forgotten: refuse it, and every form issued before it, from now on.
        refused_up_to_ = std::max(refused_up_to_, oldest.serial);
        if (serial <= refused_up_to_) return false;
    }
    used_.insert(serial);
    used_order_.push_back({serial, expires_at});
    return true;
}

void consent_forms::forget(std::unordered_map<std::int64_t, forgotten>& ids, std::int64_t id,
                           std::int64_t now) {
    // Entries older than a form's lifetime refuse nothing that has not expired anyway.
    std::erase_if(ids, [&](const auto& entry) { return entry.second.at + lifetime_ <= now; });
    ids[id] = forgotten{last_serial_.load(), now};
}

bool consent_forms::forgotten_in(const std::unordered_map<std::int64_t, forgotten>& ids,
                                 std::int64_t id, std::uint64_t serial) {
    const auto found = ids.find(id);
    return found != ids.end() && serial <= found->second.last_serial;
}

void consent_forms::forget_app(std::int64_t app_id, std::int64_t now) {
    std::lock_guard lock(mutex_);
    forget(forgotten_apps_, app_id, now);
}

void consent_forms::forget_hub(std::int64_t hub_id, std::int64_t now) {
    std::lock_guard lock(mutex_);
    forget(forgotten_hubs_, hub_id, now);
}

void consent_forms::forget_all() {
    std::lock_guard lock(mutex_);
    refused_up_to_ = std::max(refused_up_to_, last_serial_.load());
}

std::size_t consent_forms::used_remembered() const {
    std::lock_guard lock(mutex_);
    return used_order_.size();
}

}  // namespace hsoauth::service
