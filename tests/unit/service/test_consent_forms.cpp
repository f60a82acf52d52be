// Consent forms kept in the page: opening stores nothing, a token is the sealed request, used
// once, refused when altered, expired, sealed elsewhere, or its app or hub was deleted since.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "hsoauth/service/consent_forms.hpp"

using namespace hsoauth;
using service::consent_forms;
using service::pending_consent;

namespace {

pending_consent sample(std::int64_t app_id = 7, std::optional<std::int64_t> hub = std::nullopt) {
    pending_consent c;
    c.plan.app.app_id = app_id;
    c.plan.app.client_id = "client-" + std::to_string(app_id);
    c.plan.app.name = "never sealed";
    c.plan.redirect_uri = "https://app.example.com/cb?x=1&y=\xc3\xa9";
    c.plan.required_scopes = {"oauth", "crm.objects.contacts.read"};
    c.plan.optional_scopes = {"content"};
    c.state = std::string("st\0ate", 6) + std::string(2000, 's');
    c.state_present = true;
    c.pkce = oauth::pkce_challenge{"E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM", "S256"};
    c.fixed_hub_id = hub;
    return c;
}

}  // namespace

TEST_CASE("consent forms: a token brings back exactly what was sealed, once") {
    consent_forms forms(600, 100);
    const auto token = forms.open(sample(7, 62515), 1000);
    CHECK(forms.used_remembered() == 0);
    const auto taken = forms.take(token, 1599);
    REQUIRE(taken.has_value());
    CHECK(taken->plan.app.app_id == 7);
    CHECK(taken->plan.app.client_id == "client-7");
    CHECK(taken->plan.app.name.empty());  // the form names the app by id and client_id only
    CHECK(taken->plan.redirect_uri == sample().plan.redirect_uri);
    CHECK(taken->plan.required_scopes == sample().plan.required_scopes);
    CHECK(taken->plan.optional_scopes == sample().plan.optional_scopes);
    CHECK(taken->state == sample().state);
    CHECK(taken->state_present);
    REQUIRE(taken->pkce.has_value());
    CHECK(taken->pkce->challenge == sample().pkce->challenge);
    CHECK(taken->fixed_hub_id == std::optional<std::int64_t>(62515));
    CHECK(taken->expires_at == 1600);
    CHECK_FALSE(forms.take(token, 1599).has_value());

    pending_consent bare = sample();
    bare.state.clear();
    bare.state_present = false;
    bare.pkce.reset();
    const auto plain = forms.take(forms.open(bare, 1000), 1000);
    REQUIRE(plain.has_value());
    CHECK_FALSE(plain->state_present);
    CHECK_FALSE(plain->pkce.has_value());
    CHECK_FALSE(plain->fixed_hub_id.has_value());
}

TEST_CASE("consent forms: altered, truncated, foreign and expired tokens are refused") {
    consent_forms forms(600, 100);
    consent_forms other_process(600, 100);
    const auto token = forms.open(sample(), 1000);
    for (std::size_t at : {std::size_t{0}, token.size() / 2, token.size() - 1}) {
        std::string altered = token;
        altered[at] = altered[at] == 'A' ? 'B' : 'A';
        CAPTURE(at);
        CHECK_FALSE(forms.take(altered, 1000).has_value());
    }
    CHECK_FALSE(forms.take(token.substr(0, token.size() - 4), 1000).has_value());
    CHECK_FALSE(forms.take("", 1000).has_value());
    CHECK_FALSE(forms.take("not base64url!", 1000).has_value());
    CHECK_FALSE(other_process.take(token, 1000).has_value());
    CHECK_FALSE(forms.take(token, 1600).has_value());  // expired exactly at open + lifetime
    // None of the refusals used the form up... except the expired take, which is refused anyway.
    CHECK(forms.used_remembered() == 0);
}

TEST_CASE("consent forms: 100,000 opened forms store nothing; one opened before them still works") {
    consent_forms forms(600, 1000);
    const auto early = forms.open(sample(), 1000);
    for (int i = 0; i < 100000; ++i) (void)forms.open(sample(), 1000);
    CHECK(forms.used_remembered() == 0);
    CHECK(forms.take(early, 1001).has_value());
    CHECK(forms.used_remembered() == 1);
}

TEST_CASE("consent forms: past the used capacity the oldest use is forgotten, and forms up to it refused") {
    consent_forms forms(600, 3);
    std::vector<std::string> tokens;
    for (int i = 0; i < 6; ++i) tokens.push_back(forms.open(sample(), 1000));
    // Used in the order 1, 0, 2, 3: using 3 forgets the use of 1 (the oldest use).
    CHECK(forms.take(tokens[1], 1000).has_value());
    CHECK(forms.take(tokens[0], 1000).has_value());
    CHECK(forms.take(tokens[2], 1000).has_value());
    CHECK(forms.take(tokens[3], 1000).has_value());
    CHECK(forms.used_remembered() == 3);
    // Form 1 could be reused now that its use is forgotten: it is refused, as are the forms
    // issued before it, used or not.
    CHECK_FALSE(forms.take(tokens[1], 1000).has_value());
    CHECK_FALSE(forms.take(tokens[0], 1000).has_value());
    CHECK_FALSE(forms.take(tokens[3], 1000).has_value());  // still remembered
    CHECK(forms.take(tokens[4], 1000).has_value());
    CHECK(forms.take(tokens[5], 1000).has_value());
    // Uses of expired forms are dropped first: nothing is forced out then.
    const auto later = forms.open(sample(), 1700);
    CHECK(forms.take(later, 1700).has_value());
    CHECK(forms.used_remembered() == 1);
}

TEST_CASE("consent forms: forgetting an app or a hub refuses the forms issued for it before") {
    consent_forms forms(600, 100);
    const auto of_app = forms.open(sample(7), 1000);
    const auto of_other_app = forms.open(sample(8), 1000);
    const auto on_hub = forms.open(sample(8, 62515), 1000);
    const auto on_other_hub = forms.open(sample(8, 90210), 1000);
    forms.forget_app(7, 1100);
    forms.forget_hub(62515, 1100);
    const auto after = forms.open(sample(7, 62515), 1100);
    CHECK_FALSE(forms.take(of_app, 1100).has_value());
    CHECK_FALSE(forms.take(on_hub, 1100).has_value());
    CHECK(forms.take(of_other_app, 1100).has_value());
    CHECK(forms.take(on_other_hub, 1100).has_value());
    CHECK(forms.take(after, 1100).has_value());
}

TEST_CASE("consent forms: forgetting everything (a reset) refuses every form issued before, not after") {
    consent_forms forms(600, 100);
    const auto before_a = forms.open(sample(7), 1000);
    const auto before_b = forms.open(sample(8, 62515), 1000);
    forms.forget_all();
    // The reset moved the clock back: forms opened then are taken on the earlier clock.
    const auto after = forms.open(sample(7), 900);
    CHECK_FALSE(forms.take(before_a, 900).has_value());
    CHECK_FALSE(forms.take(before_b, 900).has_value());
    CHECK(forms.take(after, 900).has_value());
}
