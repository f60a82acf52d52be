#pragma once
// Which operation of HubSpot's API a request is, and so which scopes it needs.
//
// Built once at start: HubSpot's table (embedded in the binary from
// src/gateway/data/hubspot-api-scopes.tsv), then any OpenAPI documents of the user's, which add
// operations or override HubSpot's. Immutable afterwards: match() and size() may be called from
// any number of threads at once; the add_* functions must not run concurrently with anything.
//
// Templates are indexed in a trie of path segments: each node holds its literal children in a
// sorted vector (binary search) and at most one parameter child, whatever the parameter's name
// ("{dealId}" and "{objectId}" at one position are the same route). A lookup walks the request's
// segments and never scans the table; it visits each trie node at most once.
//
// How a request path is read (match()):
// - Everything from the first '?' or '#' on is ignored.
// - The path must start with '/' (origin form); anything else matches nothing.
// - Empty segments ("//") are skipped.
// - A trailing slash prefers a template ending in '/' (HubSpot lists a few, such as
//   "GET /marketing/v3/emails/", beside "GET /marketing/v3/emails"), and falls back to the template
//   without it; without a trailing slash, the template without one is preferred and the one with a
//   trailing slash is the fallback.
// - Each segment is percent-decoded after the path is split, so "%2F" stays inside its segment;
//   a '%' not followed by two hex digits is kept as it is.
// - "." and ".." segments (also when percent-encoded) are resolved as RFC 3986 does, and ".."
//   at the root is dropped, so the operation checked is the one a server normalising the path
//   would serve.
// - Literal segments compare case-sensitively, as HubSpot's paths are lower case.
// - A path of more than max_segments segments matches nothing.
// - HEAD is matched as HEAD, then as GET.
// Whoever forwards the request after the check must forward a path that the server behind reads
// the same way (or this normalised one), or a call could be checked as one operation and served
// as another.
// Specificity: at each segment, left to right, a literal child beats the parameter child; the
// lookup backtracks when a branch has no template for the method, so the most specific template
// that has the method wins.
//
// CRM objects: where a node's parameter child names an object type (its name contains
// "objectType", in any case: {objectType}, {fromObjectType}, {objectTypeId}...), a segment
// spelling a standard object is tried as given, then in its other spelling ("deals" and "0-3",
// see crm_objects.hpp), and only then as the parameter. HubSpot's table lists deals, services,
// courses and listings under their IDs and the other standard objects under their names, while the
// generic "{objectType}" templates accept any of about 80 scope sets; this keeps
// "GET /crm/v3/objects/deals" from passing with any token. Custom objects ("2-<n>") have no
// other spelling and meet the generic templates.
#include <array>
#include <cstdint>
#include <deque>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "hsoauth/gateway/operation.hpp"

namespace hsoauth::gateway {

// The text of src/gateway/data/hubspot-api-scopes.tsv, embedded at build time.
std::string_view embedded_scope_table_text();

class operation_table {
  public:
    // An empty table.
    operation_table();
    // HubSpot's table, from the embedded text (3,590 operations in the 2026-08-21 snapshot).
    static operation_table hubspot();

    operation_table(operation_table&&) noexcept;
    operation_table& operator=(operation_table&&) noexcept;
    ~operation_table();

    // Adds the operations of a table in the format of hubspot-api-scopes.tsv (see the file's
    // header): METHOD<TAB>PATH<TAB>ALTERNATIVES lines, "@N<TAB>ALTERNATIVES" definitions, '#'
    // comments and blank lines. Returns the number of operations read. Throws
    // std::invalid_argument naming the line when a line is malformed; the table is then unchanged.
    std::size_t add_table_text(std::string_view text);

    // Adds the operations of an OpenAPI 3 document, overriding any with the same method and route.
    // Each operation's `security` list (the document's when the operation has none) gives the
    // alternatives: one per entry, the union of the scope lists of the entry's schemes, whatever
    // the schemes are called (oauth2, private_apps...). Entries that name no scope (an API key
    // scheme, or {}) are not alternatives; an operation left with none (no security at all)
    // allows any valid token. Paths are prefixed with the path of the first `servers` URL, when it
    // has one without a variable. A path segment that only partly is a parameter ("{id}.json") is
    // taken as a parameter. Returns the number of operations read. Throws std::invalid_argument
    // when the document has no `paths` object or an entry is malformed (not an object, a path
    // not starting with '/', a security entry that is not an object of scope lists); the table is
    // then unchanged.
    std::size_t add_openapi_document(const nlohmann::json& document);

    // Adds one operation, or overrides the operation with the same method and route (the route
    // then names `path_template`). `method` is upper case. A scope repeated in an alternative, or
    // an alternative repeated, is kept once. Throws std::invalid_argument for an unknown method, a
    // template not starting with '/' or of more than max_segments segments, an alternative naming
    // no scope, or a scope that is empty or holds a space or a control character.
    void add(std::string_view method, std::string_view path_template,
             std::vector<scope_alternative> scopes_any_of);

    // The operation `method` and `target` (a request target: path and query) call, or nullptr
    // when no template fits (see the top of this file for how the path is read). The pointer
    // stays valid as long as the table; an override later changes what it points to. No
    // allocation unless a segment is percent-encoded; thread-safe.
    const operation* match(std::string_view method, std::string_view target) const;

    // Operations defined: one per method and template as written. HubSpot's table defines six
    // pairs of templates that differ only in a parameter's name (e.g.
    // "/files/v3/folders/{folderId}" and "/files/v3/folders/{folderPath}", with the same scopes);
    // each counts, and the one defined last answers for the route.
    std::size_t size() const { return operations_.size(); }
    // Routes that match() can answer: distinct methods and template shapes.
    std::size_t route_count() const { return routes_; }

    static constexpr std::size_t max_segments = 64;

  private:
    static constexpr std::size_t method_count = 8;
    static constexpr std::uint32_t none = 0xffffffff;

    struct node {
        std::vector<std::pair<std::string, std::uint32_t>> literals;  // by length, then bytes
        std::uint32_t parameter = none;
        bool object_position = false;                        // the parameter names an object type
        std::array<std::uint32_t, method_count> operations;  // template without '/' at end
        std::array<std::uint32_t, method_count> slash_operations;  // template ending in '/'
        node();
    };
    struct request;

    std::uint32_t find_literal(const node& n, std::string_view segment) const;
    std::uint32_t walk(const request& r, std::uint32_t at, std::size_t depth) const;
    std::uint32_t at_end(const request& r, const node& n) const;
    std::span<const scope_alternative> intern(std::vector<scope_alternative> any_of);

    std::vector<node> nodes_;                                       // nodes_[0] is the root
    std::deque<operation> operations_;                              // stable addresses
    std::unordered_map<std::string, std::uint32_t> by_definition_;  // "METHOD PATH" -> operation
    std::deque<std::vector<scope_alternative>> alternative_sets_;   // interned; stable addresses
    std::unordered_map<std::string, std::uint32_t> set_by_key_;     // set_key() -> alternative set
    std::size_t routes_ = 0;
    std::size_t depth_ = 0;  // segments in the deepest template
};

}  // namespace hsoauth::gateway
