#pragma once
// HubSpot's standard CRM objects go by a name and by an object type ID ("deals" and "0-3"); CRM
// paths take either. IDs from HubSpot's "Understanding the CRM" docs. Custom objects ("2-<n>")
// have no standard name and are not listed.
#include <string_view>

namespace hsoauth::gateway {

// The other spelling of a standard object: "deals" gives "0-3" and "0-3" gives "deals". Empty
// when `segment` is neither a standard name nor a standard ID. Exact, case-sensitive match.
// Thread-safe (constant data); no allocation.
std::string_view other_object_spelling(std::string_view segment);

}  // namespace hsoauth::gateway
