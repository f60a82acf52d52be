// POST /oauth/v1/token against the real server: the authorization_code and refresh_token
// grants, every error a client can provoke, code and token lifetimes on the sandbox clock,
// PKCE, rotation and the failed-authentication throttle.

#include <doctest/doctest.h>

#include <algorithm>
#include <charconv>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "support/contract.hpp"
#include "support/fixtures.hpp"
#include "support/http_client.hpp"
#include "support/schema_validator.hpp"
#include "support/jwt_signer.hpp"
#include "support/sandbox_client.hpp"
#include "support/server_process.hpp"
#include "support/versions.hpp"

using namespace hsoauth::e2e;
using nlohmann::json;

namespace {

// The exchange a client would make next succeeds: failed attempts must not consume a code.
void check_code_still_redeemable(const server_process& server, const header_list& fields,
                                 std::source_location where = std::source_location::current()) {
    const auto r = post_token(server, fields);
    if (r.status != 200) {
        const std::string message =
            "the code no longer works after the failed attempt: " + std::to_string(r.status) + " " +
            r.body;
        ADD_FAIL_CHECK_AT(where.file_name(), static_cast<int>(where.line()), message);
    }
}

}  // namespace

TEST_SUITE("fixtures") {
    TEST_CASE("sha256 matches the FIPS 180-4 vectors across padding boundaries") {
        CHECK(to_hex(sha256("")) ==
              "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
        CHECK(to_hex(sha256("abc")) ==
              "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        CHECK(to_hex(sha256("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")) ==
              "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
        CHECK(to_hex(sha256(std::string(55, 'a'))) ==
              "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318");
        CHECK(to_hex(sha256(std::string(56, 'a'))) ==
              "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a");
        CHECK(to_hex(sha256(std::string(64, 'a'))) ==
              "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb");
        CHECK(to_hex(sha256(std::string(1'000'000, 'a'))) ==
              "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
    }

    TEST_CASE("base64url and the RFC 7636 appendix B S256 example") {
        const std::vector<std::uint8_t> bytes = {0xfb, 0xff, 0x01};
        CHECK(base64url(std::span(bytes).first(0)) == "");
        CHECK(base64url(std::span(bytes).first(1)) == "-w");
        CHECK(base64url(std::span(bytes).first(2)) == "-_8");
        CHECK(base64url(bytes) == "-_8B");
        CHECK(s256_challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk") ==
              "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
        const auto a = make_pkce_pair();
        const auto b = make_pkce_pair();
        CHECK(a.verifier.size() == 64);
        CHECK(a.verifier != b.verifier);
        CHECK(a.challenge == s256_challenge(a.verifier));
    }
}

TEST_SUITE("POST /oauth/v1/token authorization_code") {
    TEST_CASE("a valid exchange answers 200 with every field, in HubSpot's token formats") {
        auto& server = shared_server();
        const sandbox s = seed_sandbox(server);
        const minted_code code = mint_code(server, s);
        CHECK(code.code.starts_with("na1-"));
        CHECK(code.expires_in == 600);
        CHECK(sorted(code.scopes) == sorted(s.scopes));

        const auto r = post_token(server, code_grant_fields(s, code.code));
        REQUIRE(r.status == 200);
        CHECK(r.header("Content-Type") == "application/json;charset=utf-8");
        CHECK(r.header_count("Content-Type") == 1);
        check_common_headers(r);
        const json body = r.json();
        CHECK(body.at("token_type") == "bearer");
        CHECK(body.at("token_use") == "access_token");
        CHECK(body.at("expires_in") == 1800);
        CHECK(body.at("hub_id") == s.hub_id);
        CHECK(body.at("user_id") == s.user_id);
        CHECK(sorted(body.at("scopes").get<std::vector<std::string>>()) == sorted(s.scopes));
        const auto access = body.at("access_token").get<std::string>();
        const auto refresh_token = body.at("refresh_token").get<std::string>();
        CHECK(access.starts_with("C"));
        CHECK(is_base64url(access));
        CHECK(access.size() <= 512);
        CHECK(access.size() >= 32);
        CHECK(refresh_token.starts_with("na1-"));
        CHECK(refresh_token.size() >= 32);
        CHECK(refresh_token.find_first_of(" \t\r\n\"\\/?#&=+") == std::string::npos);
        CHECK(refresh_token != code.code);

        // What was issued works, and a second authorization issues different tokens.
        CHECK(get_access(server, access).status == 200);
        CHECK(get_refresh(server, refresh_token).status == 200);
        const token_pair again = authorize(server, s);
        CHECK(again.access_token != access);
        CHECK(again.refresh_token != refresh_token);
    }

    TEST_CASE("a hub on hublet eu1 gets eu1- codes and refresh tokens") {
        auto& server = shared_server();
        app_options options;
        options.hublet = "eu1";
        const sandbox s = seed_sandbox(server, options);
        const minted_code code = mint_code(server, s);
        CHECK(code.code.starts_with("eu1-"));
        const auto r = post_token(server, code_grant_fields(s, code.code));
        REQUIRE(r.status == 200);
        CHECK(r.json().at("refresh_token").get<std::string>().starts_with("eu1-"));
        CHECK(r.json().at("access_token").get<std::string>().starts_with("C"));
    }

    TEST_CASE("optional scopes granted at authorization are reported") {
        auto& server = shared_server();
        const sandbox s = seed_sandbox(server);
        json request = code_request(s);
        request["scopes"].push_back("content");
        const minted_code code = mint_code(server, request);
        const token_pair t = exchange(server, s, code.code);
        std::vector<std::string> expected = s.scopes;
        expected.push_back("content");
        CHECK(sorted(t.body.at("scopes").get<std::vector<std::string>>()) == sorted(expected));
    }

    TEST_CASE("the form Content-Type is matched as a media type") {
        auto& server = shared_server();
        const sandbox s = seed_sandbox(server);
        const minted_code code = mint_code(server, s);
        std::string content_type;
        SUBCASE("with a charset parameter") {
            content_type = "application/x-www-form-urlencoded; charset=UTF-8";
        }
        SUBCASE("in other letter case") {
            content_type = "Application/X-WWW-Form-URLEncoded";
        }
        const auto r = post_form(server.port(), token_path, code_grant_fields(s, code.code),
                                 {{"Content-Type", content_type}});
        check_conforms(token_path, "POST", r);
        CHECK(r.status == 200);
    }

    TEST_CASE("X-HubSpot-Correlation-Id is a fresh v4 UUID per request and equals correlationId") {
        auto& server = shared_server();
        const sandbox s = seed_sandbox(server);
        std::set<std::string> seen;
        for (int i = 0; i < 4; ++i) {
            const auto r = post_token(server, {{"grant_type", "password"}});
            check_error(r, 400, "BAD_GRANT_TYPE", "unsupported_grant_type");
            CHECK(body_of(r).value("correlationId", "") == r.header("X-HubSpot-Correlation-Id"));
            seen.insert(r.header("X-HubSpot-Correlation-Id"));
        }
        const auto ok = post_token(server, code_grant_fields(s, mint_code(server, s).code));
        CHECK(ok.status == 200);
        check_common_headers(ok);
        seen.insert(ok.header("X-HubSpot-Correlation-Id"));
        CHECK(seen.size() == 5);
        for (const auto& id : seen) {
            CHECK_MESSAGE(is_uuid_v4(id), id);
        }
    }

    TEST_CASE("a body that is not form-encoded → 415 UNSUPPORTED_MEDIA_TYPE, code untouched") {
        auto& server = shared_server();
        const sandbox s = seed_sandbox(server);
        const header_list fields = code_grant_fields(s, mint_code(server, s).code);
        http_response r;
        SUBCASE("JSON body") {
            json object = json::object();
            for (const auto& [k, v] : fields) {
                object[k] = v;
            }
            r = post_json(server.port(), token_path, object);
        }
        SUBCASE("no Content-Type") {
            r = http_request(server.port(), "POST", token_path, {}, form_encode(fields));
        }
        SUBCASE("text/plain") {
            r = post_form(server.port(), token_path, fields, {{"Content-Type", "text/plain"}});
        }
        SUBCASE("multipart/form-data") {
            r = post_form(server.port(), token_path, fields,
                          {{"Content-Type", "multipart/form-data; boundary=x"}});
        }
        SUBCASE("a media type that merely starts with the form type") {
            r = post_form(server.port(), token_path, fields,
                          {{"Content-Type", "application/x-www-form-urlencodedx"}});
        }
        // 415 is not in the contract; the body is still checked against its Error schema.
        check_error(r, 415, "UNSUPPORTED_MEDIA_TYPE");
        check_code_still_redeemable(server, fields);
    }

    TEST_CASE("a malformed form → 400 BAD_REQUEST, code untouched") {
        auto& server = shared_server();
        const sandbox s = seed_sandbox(server);
        const minted_code code = mint_code(server, s);
        const header_list fields = code_grant_fields(s, code.code);
        const std::string valid = form_encode(fields);  // ends with "&code=<code>"
        std::string body;
        SUBCASE("grant_type repeated") {
            body = valid + "&grant_type=authorization_code";
        }
        SUBCASE("code repeated with the same value") {
            body = valid + "&code=" + url_encode(code.code);
        }
        SUBCASE("client_secret repeated with the same value") {
            body = valid + "&client_secret=" + url_encode(s.client_secret);
        }
        SUBCASE("percent sign followed by non-hex") {
            body = valid + "%zz";
        }
        SUBCASE("percent escape cut short") {
            body = valid + "%4";
        }
        SUBCASE("lone percent sign at the end") {
            body = valid + "%";
        }
        SUBCASE("bad percent escape in an extra field") {
            body = valid + "&state=%G1";
        }
        SUBCASE("invalid UTF-8: byte FF") {
            body = valid + "%FF";
        }
        SUBCASE("invalid UTF-8: lead byte without continuation") {
            body = valid + "%C3%28";
        }
        SUBCASE("invalid UTF-8: truncated at the end") {
            body = valid + "%E2%82";
        }
        SUBCASE("invalid UTF-8: overlong encoding") {
            body = valid + "%C0%AF";
        }
        SUBCASE("invalid UTF-8: UTF-16 surrogate") {
            body = valid + "%ED%A0%80";
        }
        SUBCASE("invalid UTF-8: raw byte") {
            body = valid + "\xff";
        }
        SUBCASE("invalid UTF-8 in an extra field") {
            body = valid + "&state=%80";
        }
        SUBCASE("NUL, percent-encoded") {
            body = valid + "%00";
        }
        SUBCASE("NUL, raw byte") {
            body = valid + std::string(1, '\0');
        }
        SUBCASE("control character, percent-encoded") {
            body = valid + "%01";
        }
        REQUIRE_FALSE(body.empty());
        const auto r = post_token_raw(server, body);
        check_error(r, 400, "BAD_REQUEST", "invalid_request");
        check_code_still_redeemable(server, fields);
    }

    TEST_CASE("grant_type missing or unsupported → 400 BAD_GRANT_TYPE") {
        auto& server = shared_server();
        const sandbox s = seed_sandbox(server);
        const header_list fields = code_grant_fields(s, mint_code(server, s).code);
        header_list sent = without_field(fields, "grant_type");
        SUBCASE("missing") {}
        SUBCASE("empty") {
            set_field(sent, "grant_type", "");
        }
        SUBCASE("password") {
            set_field(sent, "grant_type", "password");
        }
        SUBCASE("client_credentials (not offered by v1)") {
            set_field(sent, "grant_type", "client_credentials");
        }
        SUBCASE("other letter case") {
            set_field(sent, "grant_type", "Authorization_Code");
        }
        const auto r = post_token(server, sent);
        check_error(r, 400, "BAD_GRANT_TYPE", "unsupported_grant_type");
        check_code_still_redeemable(server, fields);
    }

    TEST_CASE("a required field missing or empty → 400 VALIDATION_ERROR naming it") {
        auto& server = shared_server();
        const sandbox s = seed_sandbox(server);
        const minted_code code = mint_code(server, s);
        const token_pair tokens = authorize(server, s);
        const header_list code_fields = code_grant_fields(s, code.code);
        const header_list refresh_fields = refresh_grant_fields(s, tokens.refresh_token);
        const std::vector<std::pair<const header_list*, std::vector<std::string>>> grants = {
            {&code_fields, {"client_id", "client_secret", "redirect_uri", "code"}},
            {&refresh_fields, {"client_id", "client_secret", "refresh_token"}}};
        for (const auto& [fields, required] : grants) {
            const std::string grant = fields->front().second;
            for (const auto& field : required) {
                for (const bool empty : {false, true}) {
                    const std::string name = grant + ": " + field + (empty ? " empty" : " missing");
                    SUBCASE(name.c_str()) {
                        header_list sent = without_field(*fields, field);
                        if (empty) {
                            set_field(sent, field, "");
                        }
                        const auto r = post_token(server, sent);
                        check_error(r, 400, "VALIDATION_ERROR", "invalid_request");
                        const json body = body_of(r);
                        CHECK(body.value("category", "") == "VALIDATION_ERROR");
                        CHECK(body.value("subCategory", "") == "MISSING_PARAMETER");
                        CHECK(body.value("message", "").find(field) != std::string::npos);
                        REQUIRE(body.contains("errors"));
                        REQUIRE(body["errors"].is_array());
                        REQUIRE(body["errors"].size() >= 1);
                        const json detail = body["errors"][0];
                        CHECK(detail.value("code", "") == "MISSING_REQUIRED_FIELD");
                        CHECK(detail.value("in", "") == "body");
                        CHECK(detail.value("context", json::object())
                                  .value("missingFields", json()) == json::array({field}));
                    }
                }
            }
        }
        check_code_still_redeemable(server, code_fields);
        CHECK(post_token(server, refresh_fields).status == 200);
    }

    TEST_CASE("client authentication → 401 BAD_CLIENT_ID / BAD_CLIENT_SECRET (invalid_client)") {
        auto& server = shared_server();
        const sandbox s = seed_sandbox(server);
        const sandbox other = seed_app(server, s);
        const token_pair tokens = authorize(server, s);
        const header_list fields = code_grant_fields(s, mint_code(server, s).code);
        header_list sent = fields;
        std::string status = "BAD_CLIENT_SECRET";
        SUBCASE("unknown client_id") {
            set_field(sent, "client_id", "unknown-" + s.client_id);
            status = "BAD_CLIENT_ID";
        }
        SUBCASE("unknown client_id is reported before a bad code and a bad secret") {
            set_field(sent, "client_id", "unknown-" + s.client_id);
            set_field(sent, "client_secret", "wrong");
            set_field(sent, "code", "na1-not-a-code");
            status = "BAD_CLIENT_ID";
        }
        SUBCASE("wrong client_secret") {
            set_field(sent, "client_secret", "wrong-secret");
        }
        SUBCASE("another app's client_secret") {
            set_field(sent, "client_secret", other.client_secret);
        }
        SUBCASE("client_secret in other letter case") {
            std::string altered = s.client_secret;
            std::transform(altered.begin(), altered.end(), altered.begin(),
                           [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
            REQUIRE(altered != s.client_secret);
            set_field(sent, "client_secret", altered);
        }
        SUBCASE("client_secret with one character dropped") {
            set_field(sent, "client_secret", s.client_secret.substr(0, s.client_secret.size() - 1));
        }
        SUBCASE("client_secret with a trailing space") {
            set_field(sent, "client_secret", s.client_secret + " ");
        }
        SUBCASE("refresh grant with a wrong client_secret") {
            sent = refresh_grant_fields(s, tokens.refresh_token);
            set_field(sent, "client_secret", other.client_secret);
        }
        SUBCASE("refresh grant with an unknown client_id") {
            sent = refresh_grant_fields(s, tokens.refresh_token);
            set_field(sent, "client_id", "unknown-" + s.client_id);
            status = "BAD_CLIENT_ID";
        }
        const auto r = post_token(server, sent);
        check_error(r, 401, status, "invalid_client");
        check_code_still_redeemable(server, fields);
        CHECK(get_access(server, tokens.access_token).status == 200);
    }

    TEST_CASE("an unknown or foreign code → 400 BAD_AUTH_CODE (invalid_grant)") {
        auto& server = shared_server();
        const sandbox s = seed_sandbox(server);
        const sandbox other = seed_app(server, s);
        const minted_code code = mint_code(server, s);
        header_list sent = code_grant_fields(s, code.code);
        SUBCASE("unknown code") {
            set_field(sent, "code", "na1-00000000-0000-0000-0000-000000000000");
        }
        SUBCASE("code with its last character changed") {
            std::string altered = code.code;
            altered.back() = altered.back() == 'a' ? 'b' : 'a';
            set_field(sent, "code", altered);
        }
        SUBCASE("another app's code, with that app's own credentials") {
            sent = code_grant_fields(other, code.code);
        }
        SUBCASE("a refresh token presented as a code") {
            set_field(sent, "code", authorize(server, s).refresh_token);
        }
        const auto r = post_token(server, sent);
        check_error(r, 400, "BAD_AUTH_CODE", "invalid_grant");
        check_code_still_redeemable(server, code_grant_fields(s, code.code));
    }

    TEST_CASE("a code is single-use: replaying it revokes every token it led to") {
        auto& server = shared_server();
        const sandbox s = seed_sandbox(server);
        const minted_code code = mint_code(server, s);
        const token_pair first = exchange(server, s, code.code);
        const token_pair derived = refresh(server, s, first.refresh_token);
        const token_pair unrelated = authorize(server, s);
        REQUIRE(get_access(server, first.access_token).status == 200);
        REQUIRE(get_access(server, derived.access_token).status == 200);

        for (int attempt = 0; attempt < 2; ++attempt) {
            CAPTURE(attempt);
            const auto replay = post_token(server, code_grant_fields(s, code.code));
            check_error(replay, 400, "BAD_AUTH_CODE", "invalid_grant");
        }

        for (const auto& access : {first.access_token, derived.access_token}) {
            const auto r = get_access(server, access);
            check_error(r, 401, "INVALID_TOKEN");
        }
        const auto metadata = get_refresh(server, first.refresh_token);
        check_error(metadata, 401, "");
        const auto grant = post_token(server, refresh_grant_fields(s, first.refresh_token));
        check_error(grant, 400, "BAD_REFRESH_TOKEN", "invalid_grant");

        // Tokens from another authorization of the same install are not affected.
        CHECK(get_access(server, unrelated.access_token).status == 200);
        CHECK(post_token(server, refresh_grant_fields(s, unrelated.refresh_token)).status == 200);
    }

    TEST_CASE("another app replaying a used code is refused and revokes nothing (client checked first)") {
        // RFC 6749 §4.1.3: a leaked used code (browser history, proxy logs) in the hands of any
        // registered app must not set off the owner's replay defence.
        auto& server = shared_server();
        const sandbox s = seed_sandbox(server);
        const sandbox other = seed_app(server, s);
        const minted_code code = mint_code(server, s);
        const token_pair first = exchange(server, s, code.code);

        for (int attempt = 0; attempt < 2; ++attempt) {
            CAPTURE(attempt);
            check_error(post_token(server, code_grant_fields(other, code.code)), 400, "BAD_AUTH_CODE",
                        "invalid_grant");
        }
        CHECK(get_access(server, first.access_token).status == 200);
        CHECK(get_refresh(server, first.refresh_token).status == 200);
        CHECK(post_token(server, refresh_grant_fields(s, first.refresh_token)).status == 200);
        // The owner's own replay still revokes them.
        check_error(post_token(server, code_grant_fields(s, code.code)), 400, "BAD_AUTH_CODE", "invalid_grant");
        check_error(get_access(server, first.access_token), 401, "INVALID_TOKEN");
    }

    TEST_CASE("replaying a code of a rotating app also revokes the rotated successors") {
        auto& server = shared_server();
        app_options options;
        options.rotate_refresh_tokens = true;
        const sandbox s = seed_sandbox(server, options);
        const minted_code code = mint_code(server, s);
        const token_pair first = exchange(server, s, code.code);
        const token_pair second = refresh(server, s, first.refresh_token);
        REQUIRE(second.refresh_token != first.refresh_token);

        const auto replay = post_token(server, code_grant_fields(s, code.code));
        check_error(replay, 400, "BAD_AUTH_CODE", "invalid_grant");
        const auto grant = post_token(server, refresh_grant_fields(s, second.refresh_token));
        check_error(grant, 400, "BAD_REFRESH_TOKEN", "invalid_grant");
        CHECK(get_refresh(server, second.refresh_token).status == 401);
        CHECK(get_access(server, second.access_token).status == 401);
    }

    TEST_CASE("redirect_uri not byte-identical → 400 MISMATCH_REDIRECT_URI_AUTH_CODE") {
        auto& server = shared_server();
        app_options options;
        options.extra_redirect_uris = {"https://second.e2e.example.com/oauth/callback"};
        const sandbox s = seed_sandbox(server, options);
        const header_list fields = code_grant_fields(s, mint_code(server, s).code);
        std::string uri = s.redirect_uri;  // https://appN.example.com/oauth/callback
        const auto replace = [&](std::string_view from, std::string_view to) {
            const auto at = uri.find(from);
            REQUIRE(at != std::string::npos);
            uri.replace(at, from.size(), to);
        };
        SUBCASE("trailing slash") {
            uri += "/";
        }
        SUBCASE("host in other letter case") {
            replace("https://app", "https://APP");
        }
        SUBCASE("path in other letter case") {
            replace("/oauth/callback", "/OAuth/callback");
        }
        SUBCASE("extra query") {
            uri += "?x=1";
        }
        SUBCASE("empty query") {
            uri += "?";
        }
        SUBCASE("http instead of https") {
            replace("https://", "http://");
        }
        SUBCASE("explicit default port") {
            replace(".com/", ".com:443/");
        }
        SUBCASE("percent-encoded path character") {
            replace("/callback", "/%63allback");
        }
        SUBCASE("another URI registered for the same app") {
            uri = options.extra_redirect_uris[0];
        }
        header_list sent = fields;
        set_field(sent, "redirect_uri", uri);
        const auto r = post_token(server, sent);
        check_error(r, 400, "MISMATCH_REDIRECT_URI_AUTH_CODE", "invalid_grant");
        check_code_still_redeemable(server, fields);
    }

    TEST_CASE("PKCE S256: the verifier must match the code's challenge") {
        auto& server = shared_server();
        const sandbox s = seed_sandbox(server);
        const pkce_pair pkce = make_pkce_pair();
        const minted_code code = mint_code(server, s, pkce.challenge);
        const header_list fields = code_grant_fields(s, code.code);
        header_list correct = fields;
        set_field(correct, "code_verifier", pkce.verifier);

        SUBCASE("correct verifier → 200") {
            const auto r = post_token(server, correct);
            REQUIRE(r.status == 200);
            CHECK(get_access(server, r.json().at("access_token").get<std::string>()).status == 200);
        }
        SUBCASE("failures → 400 BAD_CODE_VERIFIER, code untouched") {
            header_list sent = fields;
            SUBCASE("verifier missing") {}
            SUBCASE("another verifier") {
                set_field(sent, "code_verifier", make_pkce_pair().verifier);
            }
            SUBCASE("the challenge itself (plain method)") {
                set_field(sent, "code_verifier", pkce.challenge);
            }
            SUBCASE("verifier in other letter case") {
                std::string altered = pkce.verifier;
                std::transform(altered.begin(), altered.end(), altered.begin(),
                               [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
                if (altered == pkce.verifier) {
                    altered[0] = 'A';
                }
                set_field(sent, "code_verifier", altered);
            }
            SUBCASE("verifier with one character appended") {
                set_field(sent, "code_verifier", pkce.verifier + "a");
            }
            const auto r = post_token(server, sent);
            check_error(r, 400, "BAD_CODE_VERIFIER", "invalid_grant");
            check_code_still_redeemable(server, correct);
        }
    }

    TEST_CASE("PKCE: the RFC 7636 appendix B pair is accepted") {
        auto& server = shared_server();
        const sandbox s = seed_sandbox(server);
        const minted_code code =
            mint_code(server, s, std::string("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"));
        header_list sent = code_grant_fields(s, code.code);
        set_field(sent, "code_verifier", "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk");
        const auto r = post_token(server, sent);
        CHECK(r.status == 200);
    }

    TEST_CASE("PKCE: a verifier sent for a code without challenge → 400 BAD_CODE_VERIFIER") {
        auto& server = shared_server();
        const sandbox s = seed_sandbox(server);
        const header_list fields = code_grant_fields(s, mint_code(server, s).code);
        header_list sent = fields;
        set_field(sent, "code_verifier", make_pkce_pair().verifier);
        const auto r = post_token(server, sent);
        check_error(r, 400, "BAD_CODE_VERIFIER", "invalid_grant");
        check_code_still_redeemable(server, fields);
    }

    TEST_CASE("PKCE: /admin/v1/authorization-codes accepts only the S256 method") {
        auto& server = shared_server();
        const sandbox s = seed_sandbox(server);
        json request = code_request(s, make_pkce_pair().verifier);
        SUBCASE("plain") {
            request["code_challenge_method"] = "plain";
        }
        SUBCASE("no method (RFC 7636 would default to plain)") {
            request.erase("code_challenge_method");
        }
        const auto r = server.admin("POST", "/admin/v1/authorization-codes", request);
        check_error(r, 400, "VALIDATION_ERROR");
    }

    TEST_CASE("codes expire after code_ttl (600 s) on the sandbox clock") {
        server_process server;
        server.start();
        const sandbox s = seed_sandbox(server);
        const minted_code early = mint_code(server, s);
        const minted_code late = mint_code(server, s);
        CHECK(late.expires_in == 600);

        // The sandbox clock is real time plus the advance, so seconds pass between the mint and
        // each redemption on a slow (sanitized) build: leave a margin on both sides of 600 s.
        advance_clock(server, 590);
        const auto in_time = post_token(server, code_grant_fields(s, early.code));
        CHECK(in_time.status == 200);

        advance_clock(server, 11);
        const auto expired = post_token(server, code_grant_fields(s, late.code));
        check_error(expired, 400, "EXPIRED_AUTH_CODE", "invalid_grant");
    }
}

TEST_SUITE("POST /oauth/v1/token refresh_token") {
    TEST_CASE("refresh_token grant") {
        auto& server = shared_server();
        const sandbox s = seed_sandbox(server);
        const token_pair first = authorize(server, s);

        SUBCASE("returns a new access token and the same refresh token; both access tokens work") {
            const auto r = post_token(server, refresh_grant_fields(s, first.refresh_token));
            REQUIRE(r.status == 200);
            check_common_headers(r);
            const json body = r.json();
            CHECK(body.at("token_type") == "bearer");
            CHECK(body.at("token_use") == "access_token");
            CHECK(body.at("expires_in") == 1800);
            CHECK(body.at("hub_id") == s.hub_id);
            CHECK(body.at("user_id") == s.user_id);
            CHECK(body.at("scopes") == first.body.at("scopes"));
            CHECK(body.at("refresh_token") == first.refresh_token);
            const auto access = body.at("access_token").get<std::string>();
            CHECK(access != first.access_token);
            CHECK(access.starts_with("C"));
            CHECK(is_base64url(access));
            CHECK(access.size() <= 512);
            CHECK(get_access(server, first.access_token).status == 200);
            CHECK(get_access(server, access).status == 200);
            const token_pair third = refresh(server, s, first.refresh_token);
            CHECK(third.access_token != access);
            CHECK(third.refresh_token == first.refresh_token);
        }
        SUBCASE("an extra redirect_uri field is tolerated") {
            header_list sent = refresh_grant_fields(s, first.refresh_token);
            set_field(sent, "redirect_uri", s.redirect_uri);
            const auto r = post_token(server, sent);
            CHECK(r.status == 200);
        }
        SUBCASE("refused tokens → 400 BAD_REFRESH_TOKEN (invalid_grant)") {
            header_list sent = refresh_grant_fields(s, first.refresh_token);
            SUBCASE("another app's client") {
                sent = refresh_grant_fields(seed_app(server, s), first.refresh_token);
            }
            SUBCASE("unknown token") {
                set_field(sent, "refresh_token", "na1-00000000-0000-0000-0000-000000000000");
            }
            SUBCASE("an access token") {
                set_field(sent, "refresh_token", first.access_token);
            }
            SUBCASE("an authorization code") {
                set_field(sent, "refresh_token", mint_code(server, s).code);
            }
            const auto r = post_token(server, sent);
            check_error(r, 400, "BAD_REFRESH_TOKEN", "invalid_grant");
            CHECK(body_of(r).value("message", "") ==
                  "refresh token is invalid, expired or revoked");
            // The refused attempt harmed nothing.
            CHECK(post_token(server, refresh_grant_fields(s, first.refresh_token)).status == 200);
        }
    }

    TEST_CASE("rotation: a new refresh token each time; reusing an old one kills the chain") {
        auto& server = shared_server();
        app_options options;
        options.rotate_refresh_tokens = true;
        const sandbox s = seed_sandbox(server, options);
        const token_pair first = authorize(server, s);

        const auto r = post_token(server, refresh_grant_fields(s, first.refresh_token));
        REQUIRE(r.status == 200);
        const std::string second_refresh = r.json().at("refresh_token").get<std::string>();
        const std::string second_access = r.json().at("access_token").get<std::string>();
        CHECK(second_refresh != first.refresh_token);
        CHECK(second_refresh.starts_with("na1-"));
        CHECK(second_access != first.access_token);
        CHECK(get_access(server, second_access).status == 200);

        const token_pair third = refresh(server, s, second_refresh);
        CHECK(third.refresh_token != second_refresh);
        CHECK(third.refresh_token != first.refresh_token);

        const auto reuse = post_token(server, refresh_grant_fields(s, first.refresh_token));
        check_error(reuse, 400, "BAD_REFRESH_TOKEN", "invalid_grant");

        for (const auto& refresh_token : {second_refresh, third.refresh_token}) {
            const auto grant = post_token(server, refresh_grant_fields(s, refresh_token));
            check_error(grant, 400, "BAD_REFRESH_TOKEN", "invalid_grant");
            const auto metadata = get_refresh(server, refresh_token);
            CHECK(metadata.status == 401);
        }
        for (const auto& access : {first.access_token, second_access, third.access_token}) {
            const auto metadata = get_access(server, access);
            check_error(metadata, 401, "INVALID_TOKEN");
        }
    }
}

TEST_SUITE("access token lifetime") {
    TEST_CASE("expires_in counts down on the sandbox clock; then 401 EXPIRED_AUTHENTICATION") {
        server_process server;
        server.start();
        const sandbox s = seed_sandbox(server);
        app_options short_lived;
        short_lived.access_token_ttl = 60;
        const sandbox quick = seed_app(server, s, short_lived);
        const token_pair t = authorize(server, s);
        const token_pair q = authorize(server, quick);
        CHECK(t.body.at("expires_in") == 1800);
        CHECK(q.body.at("expires_in") == 60);

        const auto expires_in = [&](const std::string& token) -> std::int64_t {
            const auto r = get_access(server, token);
            REQUIRE(r.status == 200);
            return r.json().at("expires_in").get<std::int64_t>();
        };
        const auto expired_seconds = [&](const std::string& token) -> std::int64_t {
            const auto r = get_access(server, token);
            check_error(r, 401, "EXPIRED_AUTHENTICATION");
            const json body = body_of(r);
            CHECK(body.value("category", "") == "EXPIRED_AUTHENTICATION");
            std::smatch m;
            const std::string message = body.value("message", "");
            const std::regex pattern(
                R"(The OAuth token used to make this call expired (\d+) second\(s\) ago\.)");
            REQUIRE_MESSAGE(std::regex_match(message, m, pattern), message);
            return std::stoll(m[1].str());
        };

        CHECK(expires_in(t.access_token) >= 1798);
        CHECK(expires_in(t.access_token) <= 1800);
        CHECK(expires_in(q.access_token) >= 58);
        CHECK(expires_in(q.access_token) <= 60);

        advance_clock(server, 100);
        const auto remaining = expires_in(t.access_token);
        CHECK(remaining <= 1700);
        CHECK(remaining >= 1698);
        const auto quick_late = expired_seconds(q.access_token);
        CHECK(quick_late >= 40);
        CHECK(quick_late <= 42);

        // A refresh after expiry gives a fresh token with the app's lifetime.
        const token_pair q2 = refresh(server, quick, q.refresh_token);
        CHECK(q2.body.at("expires_in") == 60);
        CHECK(expires_in(q2.access_token) >= 58);

        advance_clock(server, 1701);  // 1801 s after issue
        const auto late = expired_seconds(t.access_token);
        CHECK(late >= 1);
        CHECK(late <= 3);
        CHECK(get_refresh(server, t.refresh_token).status == 200);  // refresh tokens do not expire
        const token_pair t2 = refresh(server, s, t.refresh_token);
        CHECK(t2.body.at("expires_in") == 1800);
        CHECK(expires_in(t2.access_token) >= 1798);
    }
}

TEST_SUITE("throttle") {
    TEST_CASE("after auth_failure_limit failures a client_id gets 429; other clients do not") {
        server_options options;
        options.extra_args = {"--auth-failure-limit", "3"};
        server_process server(options);
        server.start();
        const sandbox s = seed_sandbox(server);
        const sandbox other = seed_app(server, s);
        const token_pair tokens = authorize(server, s);
        const header_list good = code_grant_fields(s, mint_code(server, s).code);
        header_list bad = good;
        set_field(bad, "client_secret", "wrong-secret");

        for (int attempt = 1; attempt <= 3; ++attempt) {
            CAPTURE(attempt);
            const auto r = post_token(server, bad);
            check_error(r, 401, "BAD_CLIENT_SECRET", "invalid_client");
        }
        const auto throttled = post_token(server, bad);
        check_error(throttled, 429, "TOO_MANY_REQUESTS");
        const std::string retry_after = throttled.header("Retry-After");
        int seconds = 0;
        const auto [end, ec] =
            std::from_chars(retry_after.data(), retry_after.data() + retry_after.size(), seconds);
        CHECK_MESSAGE((ec == std::errc() && end == retry_after.data() + retry_after.size()),
                      retry_after);
        CHECK(seconds >= 1);
        CHECK(seconds <= 60);

        // The lock is on the client_id: the right secret and the refresh grant wait too.
        CHECK(post_token(server, good).status == 429);
        CHECK(post_token(server, refresh_grant_fields(s, tokens.refresh_token)).status == 429);

        // Another client is unaffected.
        header_list other_bad = code_grant_fields(other, "na1-whatever");
        set_field(other_bad, "client_secret", "wrong-secret");
        const auto other_refused = post_token(server, other_bad);
        check_error(other_refused, 401, "BAD_CLIENT_SECRET", "invalid_client");
        const auto other_ok =
            post_token(server, code_grant_fields(other, mint_code(server, other).code));
        CHECK(other_ok.status == 200);
        // Issued tokens keep working meanwhile.
        CHECK(get_access(server, tokens.access_token).status == 200);

        // Once Retry-After seconds have passed on the sandbox clock, the client is admitted again.
        REQUIRE(seconds >= 1);
        advance_clock(server, seconds);
        const auto admitted = post_token(server, good);
        CHECK(admitted.status == 200);
    }
}

TEST_SUITE("routing") {
    TEST_CASE("GET /oauth/v1/token → 405 with Allow: POST and an error body") {
        auto& server = shared_server();
        const auto r = http_request(server.port(), "GET", token_path);
        check_error(r, 405, "");
        CHECK(r.header("Allow") == "POST");
    }

    // What a client of another OAuth version, or one with a typo, meets: a 404 that lists what
    // hsoauth does serve under /oauth/, which is every such line of the route table.
    TEST_CASE("an unknown path under /oauth/ → 404 listing the OAuth endpoints in context") {
        std::ifstream table(std::string(HSOAUTH_SOURCE_DIR) + "/src/http/routes.cpp");
        REQUIRE(table);
        std::vector<std::string> routed;
        const std::regex route_line(R"re(^\s*\{"([A-Z]+)",\s*"(/oauth/[^"]*)")re");
        for (std::string line; std::getline(table, line);) {
            std::smatch m;
            if (std::regex_search(line, m, route_line)) routed.push_back(m[1].str() + " " + m[2].str());
        }
        REQUIRE(routed.size() >= 4);

        auto& server = shared_server();
        for (const char* target : {"/oauth/v99/token", "/oauth/1999-01/token/introspect", "/oauth/v1/tokens",
                                   "/oauth/v1/access-tokens", "/oauth/"}) {
            CAPTURE(target);
            const auto r = http_request(server.port(), "POST", target);
            check_error(r, 404, "NOT_FOUND");
            const json body = body_of(r);
            REQUIRE(body.is_object());
            CHECK(body.at("message").get<std::string>().find("context.supportedEndpoints") != std::string::npos);
            CHECK(body.at("context").at("supportedEndpoints") == json(routed));
        }
        // Elsewhere a 404 stays a plain one.
        const auto elsewhere = http_request(server.port(), "GET", "/nowhere");
        check_error(elsewhere, 404, "NOT_FOUND");
        CHECK_FALSE(body_of(elsewhere).contains("context"));
    }
}

// ---- HubSpot's v3 and dated token endpoints ----

namespace {

// A client assertion for `s` (RFC 7523 §3) at the server's sandbox time `now`, signed by `key`;
// `edit` changes the claims or the header before signing.
struct assertion_parts {
    json header;
    json claims;
};
assertion_parts assertion_for(const sandbox& s, const server_process& server, std::string_view version,
                              std::int64_t now, std::string_view kid, std::string_view alg) {
    const std::string aud = "http://127.0.0.1:" + std::to_string(server.port()) + "/oauth/" +
                            std::string(version) + "/token";
    static int serial = 0;
    return {{{"alg", alg}, {"typ", "JWT"}, {"kid", kid}},
            {{"iss", s.client_id},
             {"sub", s.client_id},
             {"aud", aud},
             {"iat", now},
             {"exp", now + 120},
             {"jti", "jti-" + std::to_string(++serial) + "-" + s.client_id}}};
}

std::int64_t sandbox_now(const server_process& server) {
    return server.admin("GET", "/admin/v1/clock").json().at("now").get<std::int64_t>();
}

header_list assertion_grant(const sandbox& s, std::string_view assertion) {
    return {{"grant_type", "client_credentials"},
            {"client_id", s.client_id},
            {"client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"},
            {"client_assertion", std::string(assertion)}};
}

// The fields errors[*].context.missingFields names.
std::vector<std::string> missing_fields(const http_response& r) {
    std::vector<std::string> out;
    const json body = body_of(r);
    if (!body.is_object() || !body.contains("errors")) return out;
    for (const auto& detail : body.at("errors")) {
        if (!detail.contains("context") || !detail.at("context").contains("missingFields")) continue;
        for (const auto& field : detail.at("context").at("missingFields")) out.push_back(field);
    }
    return out;
}

// Key pairs made once per test binary (RSA key generation takes a while).
const jwt_key& rsa_key() {
    static const jwt_key key(jwt_key_type::rsa_2048);
    return key;
}
const jwt_key& ec_key() {
    static const jwt_key key(jwt_key_type::ec_p256);
    return key;
}
const jwt_key& stranger_key() {
    static const jwt_key key(jwt_key_type::rsa_2048);
    return key;
}

header_list client_credentials_grant(const sandbox& s) {
    header_list fields = client_fields(s);
    fields.emplace_back("grant_type", "client_credentials");
    return fields;
}

}  // namespace

TEST_SUITE("POST /oauth/{v3,2026-03,2026-09}/token") {
    TEST_CASE("the whole flow on 2026-03 alone: code, introspect, refresh, revoke") {
        auto& server = shared_server();
        const sandbox s = seed_sandbox(server);
        const auto pkce = make_pkce_pair();
        header_list fields = code_grant_fields(s, mint_code(server, s, pkce.challenge).code);
        fields.emplace_back("code_verifier", pkce.verifier);
        const auto granted = post_oauth(server, "2026-03", "token", fields);
        REQUIRE(granted.status == 200);
        check_common_headers(granted);
        const json tokens = granted.json();
        CHECK(tokens.at("token_type") == "bearer");
        CHECK(tokens.at("token_use") == "access_token");
        CHECK(tokens.at("hub_id") == s.hub_id);
        CHECK(tokens.at("user_id") == s.user_id);
        CHECK(tokens.at("expires_in") == 1800);
        const std::string access = tokens.at("access_token");
        const std::string refresh_token = tokens.at("refresh_token");

        const json access_info = introspect_on(server, "2026-03", s, access);
        CHECK(access_info.at("active") == true);
        CHECK(access_info.at("token_use") == "access_token");
        CHECK(access_info.at("token_type") == "Bearer");
        CHECK(access_info.at("client_id") == s.client_id);
        CHECK(access_info.at("app_id") == s.app_id);
        CHECK(access_info.at("hub_id") == s.hub_id);
        CHECK(access_info.at("hub_domain") == s.hub_domain);
        CHECK(access_info.at("user") == s.email);
        CHECK(access_info.at("scopes") == tokens.at("scopes"));
        const json signed_token = access_info.at("signed_access_token");
        CHECK(signed_token.at("appId") == s.app_id);
        CHECK(signed_token.at("hubId") == s.hub_id);
        CHECK(signed_token.at("userId") == s.user_id);
        CHECK(signed_token.at("hublet") == s.hublet);
        CHECK(signed_token.at("audience") == s.client_id);
        const std::int64_t now_ms = sandbox_now(server) * 1000;
        CHECK(signed_token.at("expiresAt").get<std::int64_t>() >= now_ms + 1798 * 1000);
        CHECK(signed_token.at("expiresAt").get<std::int64_t>() <= now_ms + 1800 * 1000);
        CHECK(is_base64url(signed_token.at("signature").get<std::string>()));
        CHECK(signed_token.at("signature") != signed_token.at("newSignature"));

        const json refresh_info = introspect_on(server, "2026-03", s, refresh_token);
        CHECK(refresh_info.at("active") == true);
        CHECK(refresh_info.at("token_use") == "refresh_token");
        CHECK(refresh_info.at("user_id") == s.user_id);

        const token_pair refreshed = refresh_on(server, "2026-03", s, refresh_token);
        CHECK(refreshed.refresh_token == refresh_token);
        CHECK(introspect_on(server, "2026-03", s, refreshed.access_token).at("active") == true);

        revoke_on(server, "2026-03", s, refresh_token);
        for (const auto& token : {access, refreshed.access_token, refresh_token}) {
            CHECK(introspect_on(server, "2026-03", s, token) == json{{"active", false}});
        }
        const auto again = post_oauth(server, "2026-03", "token", refresh_grant_fields(s, refresh_token));
        check_error(again, 400, "BAD_REFRESH_TOKEN", "invalid_grant");
    }

    // The server keeps a live token's answer in memory from its second read on, until anything is
    // committed (service::access_token_cache), and the writer a refresh token's state from its
    // first refresh on (storage::sqlite::refresh_state_cache): each change below comes after the
    // tokens were asked about and refreshed twice, so that it is what was kept that must end.
    TEST_CASE("a remembered answer or a kept refresh ends with the change that ends its token, on v1 and 2026-03") {
        auto& server = shared_server();
        const sandbox s = seed_sandbox(server);
        const sandbox other_app = seed_app(server, s);
        const token_pair revoked = authorize(server, s);
        const token_pair uninstalled = authorize(server, other_app);
        for (int ask = 0; ask < 2; ++ask) {
            CAPTURE(ask);
            REQUIRE(get_access(server, revoked.access_token).status == 200);
            CHECK(introspect_on(server, "2026-03", s, revoked.access_token).at("active") == true);
            // Another app's client learns nothing of it, remembered or not.
            CHECK(introspect_on(server, "2026-03", other_app, revoked.access_token) == json{{"active", false}});
            REQUIRE(get_access(server, uninstalled.access_token).status == 200);
            REQUIRE(post_token(server, refresh_grant_fields(s, revoked.refresh_token)).status == 200);
            REQUIRE(post_token(server, refresh_grant_fields(other_app, uninstalled.refresh_token)).status == 200);
        }

        CHECK(delete_refresh(server, revoked.refresh_token).status == 204);
        check_error(get_access(server, revoked.access_token), 401, "INVALID_TOKEN");
        CHECK(introspect_on(server, "2026-03", s, revoked.access_token) == json{{"active", false}});
        check_error(post_token(server, refresh_grant_fields(s, revoked.refresh_token)), 400, "BAD_REFRESH_TOKEN",
                    "invalid_grant");

        REQUIRE(get_access(server, uninstalled.access_token).status == 200);
        REQUIRE(introspect_on(server, "2026-03", other_app, uninstalled.access_token).at("active") == true);
        CHECK(server.admin("DELETE", "/admin/v1/installs/" + std::to_string(other_app.hub_id) + "/" +
                                         std::to_string(other_app.app_id))
                  .status == 204);
        check_error(get_access(server, uninstalled.access_token), 401, "INVALID_TOKEN");
        CHECK(introspect_on(server, "2026-03", other_app, uninstalled.access_token) == json{{"active", false}});
        check_error(post_token(server, refresh_grant_fields(other_app, uninstalled.refresh_token)), 400,
                    "BAD_REFRESH_TOKEN");
    }

    TEST_CASE("HTTP Basic authenticates like the body; mixing methods or clients → 400 invalid_request") {
        auto& server = shared_server();
        const sandbox s = seed_sandbox(server);
        const sandbox other = seed_app(server, s);
        const auto basic = basic_authorization(s.client_id, s.client_secret);
        for (const auto version : dated_versions) {
            CAPTURE(version);
            const token_pair t = authorize(server, s);
            header_list grant = {{"grant_type", "refresh_token"}, {"refresh_token", t.refresh_token}};
            const auto ok = post_oauth(server, version, "token", grant, {{"Authorization", basic}});
            CHECK(ok.status == 200);
            header_list with_id = grant;
            with_id.emplace_back("client_id", s.client_id);
            CHECK(post_oauth(server, version, "token", with_id, {{"Authorization", basic}}).status == 200);

            header_list both = grant;
            both.emplace_back("client_secret", s.client_secret);
            check_error(post_oauth(server, version, "token", both, {{"Authorization", basic}}), 400,
                        "BAD_REQUEST", "invalid_request");
            header_list two_clients = grant;
            two_clients.emplace_back("client_id", other.client_id);
            check_error(post_oauth(server, version, "token", two_clients, {{"Authorization", basic}}),
                        400, "BAD_REQUEST", "invalid_request");
            check_error(post_oauth(server, version, "token", grant, {{"Authorization", "Basic !!notbase64"}}),
                        400, "BAD_REQUEST", "invalid_request");
            check_error(post_oauth(server, version, "token", grant,
                                   {{"Authorization", basic_authorization(s.client_id, "wrong")}}),
                        401, "BAD_CLIENT_SECRET", "invalid_client");
            // Introspection and revocation take Basic too.
            const auto info = post_oauth(server, version, "token/introspect",
                                         {{"token", t.access_token}}, {{"Authorization", basic}});
            REQUIRE(info.status == 200);
            CHECK(info.json().at("active") == true);
            CHECK(post_oauth(server, version, "token/revoke", {{"token", t.refresh_token}},
                             {{"Authorization", basic}})
                      .status == 200);
            CHECK(post_oauth(server, version, "token/introspect", {{"token", t.access_token}},
                             {{"Authorization", basic}})
                      .json() == json{{"active", false}});
        }
    }

    TEST_CASE("missing fields → 400 VALIDATION_ERROR naming every one; JSON → 415; unknown grant → BAD_GRANT_TYPE") {
        auto& server = shared_server();
        const sandbox s = seed_sandbox(server);
        for (const auto version : dated_versions) {
            CAPTURE(version);
            const auto none = post_oauth(server, version, "token", {{"unrelated", "1"}});
            check_error(none, 400, "VALIDATION_ERROR", "invalid_request");
            CHECK(sorted(missing_fields(none)) ==
                  sorted({"grant_type", "client_id", "client_secret"}));
            const auto code_grant = post_oauth(server, version, "token",
                                               {{"grant_type", "authorization_code"}, {"client_id", s.client_id}});
            check_error(code_grant, 400, "VALIDATION_ERROR", "invalid_request");
            CHECK(sorted(missing_fields(code_grant)) == sorted({"client_secret", "code", "redirect_uri"}));
            const auto introspect = post_oauth(server, version, "token/introspect", client_fields(s));
            check_error(introspect, 400, "VALIDATION_ERROR", "invalid_request");
            CHECK(missing_fields(introspect) == std::vector<std::string>{"token"});
            const auto revoke = post_oauth(server, version, "token/revoke", {{"token", "x"}});
            CHECK(sorted(missing_fields(revoke)) == sorted({"client_id", "client_secret"}));

            const std::string path = "/oauth/" + std::string(version) + "/token";
            const auto as_json = post_json(server.port(), path, {{"grant_type", "refresh_token"}});
            check_error(as_json, 415, "");
            check_published(version, path, "POST", as_json);
            check_error(post_oauth(server, version, "token",
                                   {{"grant_type", "password"}, {"client_id", s.client_id},
                                    {"client_secret", s.client_secret}}),
                        400, "BAD_GRANT_TYPE", "unsupported_grant_type");
        }
    }
}

TEST_SUITE("client_credentials") {
    TEST_CASE("v3 and 2026-03 issue app-level tokens; 2026-09 and v1 refuse the grant") {
        server_process server;
        server.start();
        app_options options;
        options.client_credentials_scopes = {"crm.objects.contacts.read", "automation"};
        const sandbox s = seed_sandbox(server, options);
        for (const auto version : {"v3", "2026-03"}) {
            CAPTURE(version);
            const auto r = post_oauth(server, version, "token", client_credentials_grant(s));
            REQUIRE(r.status == 200);
            const json body = r.json();
            CHECK(body.at("token_use") == "client_credentials");
            CHECK(body.at("token_type") == "bearer");
            CHECK(!body.contains("refresh_token"));
            CHECK(sorted(body.at("scopes").get<std::vector<std::string>>()) ==
                  sorted(options.client_credentials_scopes));
            const std::string token = body.at("access_token");

            header_list narrowed = client_credentials_grant(s);
            narrowed.emplace_back("scope", "automation");
            const auto narrow = post_oauth(server, version, "token", narrowed);
            REQUIRE(narrow.status == 200);
            CHECK(narrow.json().at("scopes") == json::array({"automation"}));
            header_list wider = client_credentials_grant(s);
            wider.emplace_back("scope", "automation content");
            check_error(post_oauth(server, version, "token", wider), 400, "BAD_SCOPES", "invalid_scope");

            // Introspectable on every version, and in v1's metadata.
            const json info = introspect_on(server, version, s, token);
            CHECK(info.at("active") == true);
            CHECK(info.at("token_use") == "access_token");
            CHECK(info.at("hub_id") == 0);
            CHECK(info.at("signed_access_token").at("isServiceAccount") == true);
            CHECK(get_access(server, token).status == 200);

            // Revocable.
            const auto second = post_oauth(server, version, "token", client_credentials_grant(s)).json();
            header_list revoke = client_fields(s);
            revoke.emplace_back("token", second.at("access_token").get<std::string>());
            CHECK(post_oauth(server, version, "token/revoke", revoke).status == 200);
            CHECK(introspect_on(server, version, s, second.at("access_token").get<std::string>()) ==
                  json{{"active", false}});
            CHECK(introspect_on(server, version, s, token).at("active") == true);

            // It expires on the sandbox clock.
            advance_clock(server, 1801);
            CHECK(introspect_on(server, version, s, token) == json{{"active", false}});
        }
        check_error(post_oauth(server, "2026-09", "token", client_credentials_grant(s)), 400,
                    "BAD_GRANT_TYPE", "unsupported_grant_type");
        check_error(post_token(server, client_credentials_grant(s)), 400, "BAD_GRANT_TYPE",
                    "unsupported_grant_type");

        const sandbox without = seed_app(server, s);
        for (const auto version : {"v3", "2026-03"}) {
            check_error(post_oauth(server, version, "token", client_credentials_grant(without)), 400,
                        "UNAUTHORIZED_CLIENT", "unauthorized_client");
        }
    }
}

TEST_SUITE("client assertions (RFC 7523 private_key_jwt)") {
    TEST_CASE("RS256, PS256 and ES256 assertions authenticate; every forged or stale one → 401 BAD_CLIENT_ASSERTION") {
        auto& server = shared_server();
        const jwt_key& rsa = rsa_key();
        const jwt_key& ec = ec_key();
        const jwt_key& stranger = stranger_key();
        app_options options;
        options.client_credentials_scopes = {"automation"};
        options.jwks = {{"keys", json::array({rsa.public_jwk("rsa-1"), ec.public_jwk("ec-1")})}};
        const sandbox s = seed_sandbox(server, options);
        const std::int64_t now = sandbox_now(server);

        for (const auto version : {"v3", "2026-03"}) {
            CAPTURE(version);
            for (const auto& [kid, alg, key] :
                 {std::tuple{"rsa-1", "RS256", &rsa}, std::tuple{"rsa-1", "PS256", &rsa},
                  std::tuple{"ec-1", "ES256", &ec}}) {
                CAPTURE(alg);
                const auto a = assertion_for(s, server, version, now, kid, alg);
                const auto r = post_oauth(server, version, "token",
                                          assertion_grant(s, key->sign(alg, a.header, a.claims)));
                CHECK(r.status == 200);
            }
            // An assertion authenticates the other grants too.
            const auto a = assertion_for(s, server, version, now, "rsa-1", "RS256");
            header_list refresh_grant = assertion_grant(s, rsa.sign("RS256", a.header, a.claims));
            set_field(refresh_grant, "grant_type", "refresh_token");
            refresh_grant.emplace_back("refresh_token", authorize(server, s).refresh_token);
            CHECK(post_oauth(server, version, "token", refresh_grant).status == 200);
        }

        const std::string version = "2026-03";
        std::string assertion;
        auto base = assertion_for(s, server, version, now, "rsa-1", "RS256");
        SUBCASE("alg none") {
            base.header["alg"] = "none";
            assertion = base64url_json(base.header) + "." + base64url_json(base.claims) + ".";
        }
        SUBCASE("HS256 with the public key as secret") {
            base.header["alg"] = "HS256";
            assertion = base64url_json(base.header) + "." + base64url_json(base.claims) + ".c2ln";
        }
        SUBCASE("a key in the header (jwk) that signed it") {
            base.header.erase("kid");
            base.header["jwk"] = stranger.public_jwk("mine");
            assertion = stranger.sign("RS256", base.header, base.claims);
        }
        SUBCASE("jku") {
            base.header["jku"] = "https://attacker.example/jwks.json";
            assertion = rsa.sign("RS256", base.header, base.claims);
        }
        SUBCASE("x5u") {
            base.header["x5u"] = "https://attacker.example/cert.pem";
            assertion = rsa.sign("RS256", base.header, base.claims);
        }
        SUBCASE("signed by an unregistered key") {
            assertion = stranger.sign("RS256", base.header, base.claims);
        }
        SUBCASE("an unknown kid") {
            base.header["kid"] = "nobody";
            assertion = rsa.sign("RS256", base.header, base.claims);
        }
        SUBCASE("a wrong aud") {
            base.claims["aud"] = "https://elsewhere.example/oauth/2026-03/token";
            assertion = rsa.sign("RS256", base.header, base.claims);
        }
        SUBCASE("the aud of another version's token endpoint") {
            base.claims["aud"] = "http://127.0.0.1:" + std::to_string(server.port()) + "/oauth/v3/token";
            assertion = rsa.sign("RS256", base.header, base.claims);
        }
        SUBCASE("iss is another client") {
            base.claims["iss"] = "someone-else";
            assertion = rsa.sign("RS256", base.header, base.claims);
        }
        SUBCASE("expired more than 30 s ago") {
            base.claims["exp"] = now - 31;
            base.claims["iat"] = now - 200;
            assertion = rsa.sign("RS256", base.header, base.claims);
        }
        SUBCASE("exp more than 5 minutes ahead") {
            base.claims["exp"] = now + 400;
            assertion = rsa.sign("RS256", base.header, base.claims);
        }
        SUBCASE("no jti") {
            base.claims.erase("jti");
            assertion = rsa.sign("RS256", base.header, base.claims);
        }
        SUBCASE("malformed") {
            assertion = "not.a.jwt";
        }
        const auto r = post_oauth(server, version, "token", assertion_grant(s, assertion));
        check_error(r, 401, "BAD_CLIENT_ASSERTION", "invalid_client");
    }

    TEST_CASE("a jti is single-use, across restarts, until the assertion expires; the clock ages it") {
        server_process server;
        server.start();
        const jwt_key& rsa = rsa_key();
        app_options options;
        options.client_credentials_scopes = {"automation"};
        options.jwks = {{"keys", json::array({rsa.public_jwk("k")})}};
        const sandbox s = seed_sandbox(server, options);
        auto a = assertion_for(s, server, "v3", sandbox_now(server), "k", "PS256");
        // HubSpot's own URL for the endpoint: accepted on any port, so also after the restart.
        a.claims["aud"] = "https://api.hubapi.com/oauth/v3/token";
        const std::string assertion = rsa.sign("PS256", a.header, a.claims);
        CHECK(post_oauth(server, "v3", "token", assertion_grant(s, assertion)).status == 200);
        check_error(post_oauth(server, "v3", "token", assertion_grant(s, assertion)), 401,
                    "BAD_CLIENT_ASSERTION", "invalid_client");
        server.restart();
        const auto replayed = post_oauth(server, "v3", "token", assertion_grant(s, assertion));
        check_error(replayed, 401, "BAD_CLIENT_ASSERTION", "invalid_client");
        CHECK(body_of(replayed).value("message", "").find("jti") != std::string::npos);
        // 121 s later it has expired (beyond the 30 s leeway): refused as expired, not replayed.
        advance_clock(server, 160);
        const auto stale = post_oauth(server, "v3", "token", assertion_grant(s, assertion));
        check_error(stale, 401, "BAD_CLIENT_ASSERTION", "invalid_client");
        CHECK(body_of(stale).value("message", "").find("expired") != std::string::npos);
    }

    TEST_CASE("assertions where none are taken, or mixed with a secret → 400; an app without keys → 401") {
        auto& server = shared_server();
        const jwt_key& rsa = rsa_key();
        app_options options;
        options.client_credentials_scopes = {"automation"};
        options.jwks = {{"keys", json::array({rsa.public_jwk("k")})}};
        const sandbox s = seed_sandbox(server, options);
        const std::int64_t now = sandbox_now(server);
        const auto a = assertion_for(s, server, "2026-09", now, "k", "RS256");
        header_list on_0926 = assertion_grant(s, rsa.sign("RS256", a.header, a.claims));
        set_field(on_0926, "grant_type", "refresh_token");
        on_0926.emplace_back("refresh_token", authorize(server, s).refresh_token);
        check_error(post_oauth(server, "2026-09", "token", on_0926), 400, "BAD_REQUEST", "invalid_request");

        const auto b = assertion_for(s, server, "2026-03", now, "k", "RS256");
        header_list introspect = assertion_grant(s, rsa.sign("RS256", b.header, b.claims));
        introspect.emplace_back("token", "x");
        check_error(post_oauth(server, "2026-03", "token/introspect", introspect), 400, "BAD_REQUEST",
                    "invalid_request");
        header_list mixed = assertion_grant(s, rsa.sign("RS256", b.header, b.claims));
        mixed.emplace_back("client_secret", s.client_secret);
        check_error(post_oauth(server, "2026-03", "token", mixed), 400, "BAD_REQUEST", "invalid_request");
        header_list wrong_type = assertion_grant(s, rsa.sign("RS256", b.header, b.claims));
        set_field(wrong_type, "client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:saml2-bearer");
        check_error(post_oauth(server, "2026-03", "token", wrong_type), 400, "VALIDATION_ERROR",
                    "invalid_request");

        app_options keyless;
        keyless.client_credentials_scopes = {"automation"};
        const sandbox bare = seed_app(server, s, keyless);
        const auto c = assertion_for(bare, server, "2026-03", now, "k", "RS256");
        check_error(post_oauth(server, "2026-03", "token",
                               assertion_grant(bare, rsa.sign("RS256", c.header, c.claims))),
                    401, "BAD_CLIENT_ASSERTION", "invalid_client");
    }

    TEST_CASE("inside a sandbox, an assertion's aud is the token endpoint under the sandbox's prefix") {
        auto& server = shared_server();
        const jwt_key& rsa = rsa_key();
        const sandbox_client box = create_sandbox(server);
        const std::string client_id = "sandboxed-assertion-client";
        const json seed = {{"apps", json::array({{{"name", "sandboxed assertion app"},
                                                   {"client_id", client_id},
                                                   {"client_secret", "sandboxed-secret"},
                                                   {"redirect_uris", {"http://localhost:4000/callback"}},
                                                   {"scopes", {"oauth"}},
                                                   {"client_credentials_scopes", {"automation"}},
                                                   {"jwks", {{"keys", json::array({rsa.public_jwk("k")})}}}}})}};
        REQUIRE(box.admin("POST", "/admin/v1/seed", seed).status == 200);
        const std::int64_t now = box.admin("GET", "/admin/v1/clock").json().at("now").get<std::int64_t>();
        const std::string origin = "http://127.0.0.1:" + std::to_string(server.port());
        const auto grant_for = [&](const std::string& aud, const std::string& jti) {
            const json header = {{"alg", "RS256"}, {"typ", "JWT"}, {"kid", "k"}};
            const json claims = {{"iss", client_id}, {"sub", client_id}, {"aud", aud},
                                 {"iat", now},       {"exp", now + 120}, {"jti", jti}};
            return header_list{{"grant_type", "client_credentials"},
                               {"client_id", client_id},
                               {"client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"},
                               {"client_assertion", rsa.sign("RS256", header, claims)}};
        };
        const auto ok = box.form("/oauth/2026-03/token",
                                 grant_for(origin + box.prefix + "/oauth/2026-03/token", "in-box-1"));
        REQUIRE_MESSAGE(ok.status == 200, ok.body);
        CHECK(body_of(ok).at("token_use") == "client_credentials");
        // The root's token endpoint is another audience.
        check_error(box.form("/oauth/2026-03/token", grant_for(origin + "/oauth/2026-03/token", "in-box-2")),
                    401, "BAD_CLIENT_ASSERTION", "invalid_client");
    }
}
