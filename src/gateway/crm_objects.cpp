#include "hsoauth/gateway/crm_objects.hpp"

#include <algorithm>
#include <array>
#include <utility>

namespace hsoauth::gateway {

namespace {

using spelling = std::pair<std::string_view, std::string_view>;

// Sorted by name.
constexpr std::array<spelling, 26> by_name = {{
    {"appointments", "0-421"}, {"calls", "0-48"},
    {"carts", "0-142"},        {"communications", "0-18"},
    {"companies", "0-2"},      {"contacts", "0-1"},
    {"courses", "0-410"},      {"deals", "0-3"},
    {"emails", "0-49"},        {"invoices", "0-53"},
    {"leads", "0-136"},        {"line_items", "0-8"},
    {"listings", "0-420"},     {"marketing_events", "0-54"},
    {"meetings", "0-47"},      {"notes", "0-46"},
    {"orders", "0-123"},       {"payments", "0-101"},
    {"products", "0-7"},       {"projects", "0-970"},
    {"quotes", "0-14"},        {"services", "0-162"},
    {"subscriptions", "0-69"}, {"tasks", "0-27"},
    {"tickets", "0-5"},        {"users", "0-115"},
}};

constexpr std::array<spelling, 26> sorted_by_id() {
    std::array<spelling, 26> ids{};
    for (std::size_t i = 0; i < by_name.size(); ++i) ids[i] = {by_name[i].second, by_name[i].first};
    std::sort(ids.begin(), ids.end());
    return ids;
}

constexpr std::array<spelling, 26> by_id = sorted_by_id();

constexpr bool sorted_and_unique(const std::array<spelling, 26>& list) {
    return std::adjacent_find(list.begin(), list.end(), [](const spelling& a, const spelling& b) {
               return !(a.first < b.first);
           }) == list.end();
}
static_assert(sorted_and_unique(by_name), "by_name must be sorted by name, each name once");
static_assert(sorted_and_unique(by_id), "each object type ID must appear once");

std::string_view find(const std::array<spelling, 26>& list, std::string_view key) {
    const auto it =
        std::lower_bound(list.begin(), list.end(), key,
                         [](const spelling& entry, std::string_view k) { return entry.first < k; });
    return it != list.end() && it->first == key ? it->second : std::string_view{};
}

}  // namespace

std::string_view other_object_spelling(std::string_view segment) {
    if (segment.empty()) return {};
    // Standard IDs are "0-<n>"; names start with a letter.
    return segment.front() == '0' ? find(by_id, segment) : find(by_name, segment);
}

}  // namespace hsoauth::gateway
