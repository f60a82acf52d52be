#include "crash_client.hpp"

#include <chrono>
#include <nlohmann/json.hpp>
#include <optional>
#include <random>
#include <thread>

#include "support/http_client.hpp"

namespace hsoauth::crash {
namespace {

using nlohmann::json;
using hsoauth::e2e::form_encode;
using hsoauth::e2e::http_request;
using hsoauth::e2e::http_response;
using hsoauth::e2e::url_encode;

// The answer, or nullopt when the connection failed or closed before a whole response.
std::optional<http_response> send(std::uint16_t port, std::string_view method, const std::string& target,
                                  const hsoauth::e2e::header_list& headers, const std::string& body) {
    try {
        return http_request(port, method, target, headers, body);
    } catch (const std::exception&) {
        return std::nullopt;
    }
}

std::string describe(std::string_view what, const http_response& r) {
    return std::string(what) + " answered " + std::to_string(r.status) + ": " + r.body.substr(0, 200);
}

}  // namespace

client_record run_client(const app_identity& app, const std::string& admin_key,
                         const std::atomic<std::uint16_t>& port, const std::atomic<bool>& stop,
                         unsigned seed) {
    client_record record;
    std::mt19937 random(seed);
    const hsoauth::e2e::header_list admin = {{"Authorization", "Bearer " + admin_key},
                                             {"Content-Type", "application/json"}};
    const hsoauth::e2e::header_list form = {{"Content-Type", "application/x-www-form-urlencoded"}};
    const std::string mint_body = json{{"client_id", app.client_id},
                                       {"hub_id", app.hub_id},
                                       {"user_id", app.user_id},
                                       {"redirect_uri", app.redirect_uri},
                                       {"scopes", app.scopes}}
                                      .dump();
    const auto unanswered = [&] {
        ++record.unanswered;
        std::this_thread::sleep_for(std::chrono::milliseconds(5));  // the server is restarting
    };

    while (!stop.load()) {
        const auto minted = send(port.load(), "POST", app.prefix + "/admin/v1/authorization-codes", admin, mint_body);
        if (!minted) {
            unanswered();
            continue;
        }
        if (minted->status != 201) {
            record.anomalies.push_back(describe("minting a code", *minted));
            continue;
        }
        ++record.codes_minted;
        const json code = json::parse(minted->body, nullptr, false);
        const auto exchanged = send(port.load(), "POST", app.prefix + "/oauth/v1/token", form,
                                    form_encode({{"grant_type", "authorization_code"},
                                                 {"client_id", app.client_id},
                                                 {"client_secret", app.client_secret},
                                                 {"redirect_uri", app.redirect_uri},
                                                 {"code", code.value("code", "")}}));
        if (!exchanged) {
            unanswered();
            continue;
        }
        const json tokens = json::parse(exchanged->body, nullptr, false);
        if (exchanged->status != 200 || !tokens.is_object()) {
            // The code was acknowledged by its 201 and never used: it must work.
            record.anomalies.push_back(describe("exchanging an acknowledged code", *exchanged));
            continue;
        }
        ++record.exchanges;
        token_family family;
        family.prefix = app.prefix;
        family.refresh_token = tokens.value("refresh_token", "");
        family.access_tokens.push_back(tokens.value("access_token", ""));

        const int refreshes = static_cast<int>(random() % 3);
        for (int i = 0; i < refreshes && !stop.load(); ++i) {
            const auto refreshed = send(port.load(), "POST", app.prefix + "/oauth/v1/token", form,
                                        form_encode({{"grant_type", "refresh_token"},
                                                     {"client_id", app.client_id},
                                                     {"client_secret", app.client_secret},
                                                     {"refresh_token", family.refresh_token}}));
            if (!refreshed) {
                unanswered();
                break;
            }
            const json body = json::parse(refreshed->body, nullptr, false);
            if (refreshed->status != 200 || !body.is_object()) {
                record.anomalies.push_back(describe("refreshing an acknowledged refresh token", *refreshed));
                break;
            }
            ++record.refreshes;
            family.access_tokens.push_back(body.value("access_token", ""));
        }

        if (random() % 2 == 0) {
            const auto revoked =
                send(port.load(), "DELETE", app.prefix + "/oauth/v1/refresh-tokens/" + url_encode(family.refresh_token), {}, "");
            if (!revoked) {
                unanswered();
                family.uncertain = true;
            } else if (revoked->status == 204) {
                ++record.revocations;
                family.revoked = true;
            } else {
                record.anomalies.push_back(describe("revoking an acknowledged refresh token", *revoked));
                family.uncertain = true;
            }
        }
        record.families.push_back(std::move(family));
    }
    return record;
}

}  // namespace hsoauth::crash
