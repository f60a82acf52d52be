#include "hsoauth/gateway/operation_table.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <utility>

#include "hsoauth/gateway/crm_objects.hpp"

namespace hsoauth::gateway {

namespace {

constexpr std::array<std::string_view, 8> method_names = {"GET",   "HEAD",   "POST",    "PUT",
                                                          "PATCH", "DELETE", "OPTIONS", "TRACE"};
constexpr std::size_t get_index = 0;
constexpr std::size_t head_index = 1;

std::optional<std::size_t> method_index(std::string_view method) {
    for (std::size_t i = 0; i < method_names.size(); ++i) {
        if (method_names[i] == method) return i;
    }
    return std::nullopt;
}

// A path template split into segments; a parameter segment keeps its name.
struct parsed_template {
    struct segment {
        std::string_view text;  // a literal, or the parameter's name
        bool parameter = false;
    };
    std::vector<segment> segments;
    bool trailing_slash = false;
};

// Throws std::invalid_argument describing what is wrong with `path`.
parsed_template parse_template(std::string_view path) {
    if (path.empty() || path.front() != '/') {
        throw std::invalid_argument("path template \"" + std::string(path) +
                                    "\" does not start with '/'");
    }
    parsed_template parsed;
    parsed.trailing_slash = path.size() > 1 && path.back() == '/';
    std::size_t at = 0;
    while (at < path.size()) {
        const std::size_t end = std::min(path.find('/', at), path.size());
        const std::string_view text = path.substr(at, end - at);
        at = end + 1;
        if (text.empty()) continue;
        if (text.find('{') == std::string_view::npos) {
            parsed.segments.push_back({text, false});
        } else if (text.size() > 2 && text.front() == '{' && text.back() == '}') {
            parsed.segments.push_back({text.substr(1, text.size() - 2), true});
        } else {
            parsed.segments.push_back({text, true});  // "{id}.json": the whole segment varies
        }
    }
    if (parsed.segments.size() > operation_table::max_segments) {
        throw std::invalid_argument("path template \"" + std::string(path) + "\" has more than " +
                                    std::to_string(operation_table::max_segments) + " segments");
    }
    return parsed;
}

bool names_object_type(std::string_view parameter) {
    constexpr std::string_view needle = "objecttype";
    if (parameter.size() < needle.size()) return false;
    for (std::size_t i = 0; i + needle.size() <= parameter.size(); ++i) {
        bool same = true;
        for (std::size_t j = 0; j < needle.size() && same; ++j) {
            char c = parameter[i + j];
            if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
            same = c == needle[j];
        }
        if (same) return true;
    }
    return false;
}

// Throws std::invalid_argument unless every alternative names at least one scope and every scope
// is an OAuth scope token: non-empty, without spaces or control characters (RFC 6749 section 3.3).
void check_alternatives(const std::vector<scope_alternative>& any_of) {
    for (const auto& alternative : any_of) {
        if (alternative.empty()) throw std::invalid_argument("an alternative names no scope");
        for (const auto& scope : alternative) {
            const bool token =
                !scope.empty() && std::none_of(scope.begin(), scope.end(), [](char c) {
                    return static_cast<unsigned char>(c) <= 0x20 || c == 0x7f;
                });
            if (!token) throw std::invalid_argument("\"" + scope + "\" is not a scope");
        }
    }
}

// Each scope once per alternative and each alternative once, in first-seen order.
std::vector<scope_alternative> normalised(std::vector<scope_alternative> any_of) {
    std::vector<scope_alternative> out;
    out.reserve(any_of.size());
    for (auto& alternative : any_of) {
        scope_alternative unique;
        unique.reserve(alternative.size());
        for (auto& scope : alternative) {
            if (std::find(unique.begin(), unique.end(), scope) == unique.end())
                unique.push_back(std::move(scope));
        }
        if (std::find(out.begin(), out.end(), unique) == out.end())
            out.push_back(std::move(unique));
    }
    return out;
}

// A key naming a set of alternatives. Unit and record separators cannot occur in a scope, so two
// different sets never share a key.
std::string set_key(const std::vector<scope_alternative>& any_of) {
    std::string key;
    for (const auto& alternative : any_of) {
        key += '\x1e';
        for (const auto& scope : alternative) {
            key += '\x1f';
            key += scope;
        }
    }
    return key;
}

// The order of a node's literal children: by length, then bytes, so that most comparisons of a
// lookup settle on the length without comparing characters.
bool literal_before(std::string_view a, std::string_view b) {
    return a.size() != b.size() ? a.size() < b.size() : a.compare(b) < 0;
}

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

// One operation read from a table or a document, checked but not yet added.
struct definition {
    std::string method;
    std::string path;
    std::vector<scope_alternative> any_of;
};

void check_definition(const definition& d) {
    if (!method_index(d.method)) throw std::invalid_argument("unknown method \"" + d.method + "\"");
    parse_template(d.path);
    check_alternatives(d.any_of);
}

// --- the table text -------------------------------------------------------------------------

std::vector<std::string_view> split(std::string_view text, char separator) {
    std::vector<std::string_view> parts;
    std::size_t at = 0;
    while (true) {
        const std::size_t end = text.find(separator, at);
        parts.push_back(
            text.substr(at, end == std::string_view::npos ? std::string_view::npos : end - at));
        if (end == std::string_view::npos) return parts;
        at = end + 1;
    }
}

std::vector<scope_alternative> parse_alternatives(std::string_view text) {
    std::vector<scope_alternative> any_of;
    for (const std::string_view alternative : split(text, '|')) {
        scope_alternative scopes;
        for (const std::string_view scope : split(alternative, ',')) {
            if (scope.empty() || scope.find_first_of(" \t\r") != std::string_view::npos) {
                throw std::invalid_argument("malformed scope list \"" + std::string(text) + "\"");
            }
            scopes.emplace_back(scope);
        }
        any_of.push_back(std::move(scopes));
    }
    return any_of;
}

std::vector<definition> parse_table_text(std::string_view text) {
    std::vector<definition> definitions;
    std::unordered_map<std::string, std::vector<scope_alternative>> shared;
    std::size_t line_number = 0;
    for (std::string_view line : split(text, '\n')) {
        ++line_number;
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        if (line.empty() || line.front() == '#') continue;
        try {
            const auto fields = split(line, '\t');
            if (line.front() == '@') {
                if (fields.size() != 2)
                    throw std::invalid_argument("expected @NAME<TAB>ALTERNATIVES");
                if (!shared.emplace(std::string(fields[0]), parse_alternatives(fields[1])).second) {
                    throw std::invalid_argument(std::string(fields[0]) + " is defined twice");
                }
                continue;
            }
            if (fields.size() != 3)
                throw std::invalid_argument("expected METHOD<TAB>PATH<TAB>ALTERNATIVES");
            definition d{std::string(fields[0]), std::string(fields[1]), {}};
            if (!fields[2].empty() && fields[2].front() == '@') {
                const auto it = shared.find(std::string(fields[2]));
                if (it == shared.end())
                    throw std::invalid_argument(std::string(fields[2]) + " is not defined above");
                d.any_of = it->second;
            } else {
                d.any_of = parse_alternatives(fields[2]);
            }
            check_definition(d);
            definitions.push_back(std::move(d));
        } catch (const std::invalid_argument& e) {
            throw std::invalid_argument("scope table line " + std::to_string(line_number) + ": " +
                                        e.what());
        }
    }
    return definitions;
}

// --- OpenAPI documents ----------------------------------------------------------------------

// The path of the first server URL ("https://api.hubapi.com/crm/v3" gives "/crm/v3"), or "" when
// there is none, it is "/", or it holds a server variable.
std::string server_base_path(const nlohmann::json& document) {
    const auto servers = document.find("servers");
    if (servers == document.end() || !servers->is_array() || servers->empty()) return {};
    const auto& first = (*servers)[0];
    if (!first.is_object() || !first.contains("url") || !first["url"].is_string()) return {};
    std::string_view url = first["url"].get_ref<const std::string&>();
    if (const auto scheme = url.find("://"); scheme != std::string_view::npos) {
        const auto path = url.find('/', scheme + 3);
        url = path == std::string_view::npos ? std::string_view{} : url.substr(path);
    }
    if (url.empty() || url.front() != '/' || url.find('{') != std::string_view::npos) return {};
    while (!url.empty() && url.back() == '/') url.remove_suffix(1);
    return std::string(url);
}

// The alternatives of one `security` list. Throws std::invalid_argument when it is malformed.
std::vector<scope_alternative> security_alternatives(const nlohmann::json& security) {
    if (!security.is_array()) throw std::invalid_argument("security is not a list");
    std::vector<scope_alternative> any_of;
    for (const auto& requirement : security) {
        if (!requirement.is_object())
            throw std::invalid_argument("a security entry is not an object");
        scope_alternative scopes;
        for (const auto& [scheme, list] : requirement.items()) {
            if (!list.is_array())
                throw std::invalid_argument("the scopes of " + scheme + " are not a list");
            for (const auto& scope : list) {
                if (!scope.is_string() || scope.get_ref<const std::string&>().empty()) {
                    throw std::invalid_argument("a scope of " + scheme +
                                                " is not a non-empty string");
                }
                scopes.push_back(scope.get<std::string>());
            }
        }
        if (!scopes.empty()) any_of.push_back(std::move(scopes));
    }
    return any_of;
}

std::vector<definition> read_openapi(const nlohmann::json& document) {
    if (!document.is_object() || !document.contains("paths") || !document["paths"].is_object()) {
        throw std::invalid_argument("OpenAPI document has no paths object");
    }
    const std::string base = server_base_path(document);
    const nlohmann::json* root_security = nullptr;
    if (const auto it = document.find("security"); it != document.end()) root_security = &*it;

    static constexpr std::array<std::string_view, 8> keys = {"get",   "head",   "post",    "put",
                                                             "patch", "delete", "options", "trace"};
    std::vector<definition> definitions;
    for (const auto& [path, item] : document["paths"].items()) {
        if (!item.is_object())
            throw std::invalid_argument("path item " + path + " is not an object");
        for (std::size_t i = 0; i < keys.size(); ++i) {
            const auto found = item.find(std::string(keys[i]));
            if (found == item.end()) continue;
            const std::string where = std::string(method_names[i]) + " " + path;
            if (!found->is_object())
                throw std::invalid_argument(where + ": the operation is not an object");
            definition d{std::string(method_names[i]), base + path, {}};
            try {
                if (const auto security = found->find("security"); security != found->end()) {
                    d.any_of = security_alternatives(*security);
                } else if (root_security) {
                    d.any_of = security_alternatives(*root_security);
                }
                check_definition(d);
            } catch (const std::invalid_argument& e) {
                throw std::invalid_argument(where + ": " + e.what());
            }
            definitions.push_back(std::move(d));
        }
    }
    return definitions;
}

}  // namespace

// A request's path, split into decoded segments.
struct operation_table::request {
    // A segment as a pointer and a size: trivially constructible, so that the array costs nothing
    // to create (an array of string_view would be zeroed, 1 KB per lookup).
    struct segment_view {
        const char* data;
        std::size_t size;
        std::string_view text() const { return {data, size}; }
    };
    std::size_t method = 0;
    std::array<segment_view, max_segments> segments;
    std::size_t count = 0;
    bool trailing_slash = false;
    std::string decoded;  // storage of percent-decoded segments; reserved once, never moved

    // False when the path matches nothing: not in origin form, or deeper than max_segments. One
    // pass over the characters (string_view::find_first_of calls memchr once per character).
    bool read(std::string_view target) {
        if (target.empty() || target.front() != '/') return false;
        std::size_t start = 1;  // of the current segment
        bool escaped = false;   // the current segment holds a '%'
        for (std::size_t i = 1;; ++i) {
            const bool at_end = i == target.size() || target[i] == '?' || target[i] == '#';
            if (!at_end && target[i] != '/') {
                escaped = escaped || target[i] == '%';
                continue;
            }
            if (!take(target.substr(start, i - start), escaped, target.size())) return false;
            if (at_end) {
                trailing_slash = i > 1 && target[i - 1] == '/';
                return true;
            }
            start = i + 1;
            escaped = false;
        }
    }

    bool take(std::string_view segment, bool escaped, std::size_t path_size) {
        if (segment.empty()) return true;
        if (escaped) segment = decode(segment, path_size);
        if (segment == ".") return true;
        if (segment == "..") {
            if (count > 0) --count;
            return true;
        }
        if (count == max_segments) return false;
        segments[count++] = {segment.data(), segment.size()};
        return true;
    }

    std::string_view decode(std::string_view segment, std::size_t path_size) {
        // Room for every segment at the first one: the views already taken must never move.
        if (decoded.empty()) decoded.reserve(path_size);
        const std::size_t start = decoded.size();
        for (std::size_t i = 0; i < segment.size(); ++i) {
            if (segment[i] == '%' && i + 2 < segment.size() && hex_value(segment[i + 1]) >= 0 &&
                hex_value(segment[i + 2]) >= 0) {
                decoded +=
                    static_cast<char>(hex_value(segment[i + 1]) * 16 + hex_value(segment[i + 2]));
                i += 2;
            } else {
                decoded += segment[i];
            }
        }
        return std::string_view(decoded).substr(start);
    }
};

operation_table::node::node() {
    operations.fill(none);
    slash_operations.fill(none);
}

operation_table::operation_table() : nodes_(1) {}
operation_table::operation_table(operation_table&&) noexcept = default;
operation_table& operation_table::operator=(operation_table&&) noexcept = default;
operation_table::~operation_table() = default;

operation_table operation_table::hubspot() {
    operation_table table;
    table.add_table_text(embedded_scope_table_text());
    return table;
}

std::size_t operation_table::add_table_text(std::string_view text) {
    auto definitions = parse_table_text(text);
    for (auto& d : definitions) add(d.method, d.path, std::move(d.any_of));
    return definitions.size();
}

std::size_t operation_table::add_openapi_document(const nlohmann::json& document) {
    auto definitions = read_openapi(document);
    for (auto& d : definitions) add(d.method, d.path, std::move(d.any_of));
    return definitions.size();
}

void operation_table::add(std::string_view method, std::string_view path_template,
                          std::vector<scope_alternative> scopes_any_of) {
    const auto m = method_index(method);
    if (!m) throw std::invalid_argument("unknown method \"" + std::string(method) + "\"");
    const parsed_template parsed = parse_template(path_template);
    check_alternatives(scopes_any_of);

    std::uint32_t at = 0;
    for (const auto& segment : parsed.segments) {
        std::uint32_t next = none;
        if (segment.parameter) {
            next = nodes_[at].parameter;
            if (next == none) {
                next = static_cast<std::uint32_t>(nodes_.size());
                nodes_.emplace_back();
                nodes_[at].parameter = next;
            }
            if (names_object_type(segment.text)) nodes_[at].object_position = true;
        } else {
            auto& literals = nodes_[at].literals;
            const auto it = std::lower_bound(literals.begin(), literals.end(), segment.text,
                                             [](const auto& entry, std::string_view s) {
                                                 return literal_before(entry.first, s);
                                             });
            if (it != literals.end() && it->first == segment.text) {
                next = it->second;
            } else {
                next = static_cast<std::uint32_t>(nodes_.size());
                literals.emplace(it, std::string(segment.text), next);
                nodes_.emplace_back();  // after the insert: `literals` refers into nodes_
            }
        }
        at = next;
    }
    depth_ = std::max(depth_, parsed.segments.size());

    const std::string key = std::string(method) + ' ' + std::string(path_template);
    std::uint32_t index;
    if (const auto it = by_definition_.find(key); it != by_definition_.end()) {
        index = it->second;
        operations_[index].scopes_any_of = intern(std::move(scopes_any_of));
    } else {
        index = static_cast<std::uint32_t>(operations_.size());
        operations_.push_back(
            {std::string(method), std::string(path_template), intern(std::move(scopes_any_of))});
        by_definition_.emplace(key, index);
    }
    auto& slot =
        parsed.trailing_slash ? nodes_[at].slash_operations[*m] : nodes_[at].operations[*m];
    if (slot == none) ++routes_;
    slot = index;
}

std::span<const scope_alternative> operation_table::intern(std::vector<scope_alternative> any_of) {
    // Interned sets are normalised: a set already as one of them needs no work (the common case:
    // most operations share their set with others).
    if (const auto it = set_by_key_.find(set_key(any_of)); it != set_by_key_.end()) {
        return alternative_sets_[it->second];
    }
    any_of = normalised(std::move(any_of));
    std::string key = set_key(any_of);
    if (const auto it = set_by_key_.find(key); it != set_by_key_.end()) {
        return alternative_sets_[it->second];
    }
    set_by_key_.emplace(std::move(key), static_cast<std::uint32_t>(alternative_sets_.size()));
    return alternative_sets_.emplace_back(std::move(any_of));
}

std::uint32_t operation_table::find_literal(const node& n, std::string_view segment) const {
    const auto it = std::lower_bound(
        n.literals.begin(), n.literals.end(), segment,
        [](const auto& entry, std::string_view s) { return literal_before(entry.first, s); });
    return it != n.literals.end() && it->first == segment ? it->second : none;
}

std::uint32_t operation_table::at_end(const request& r, const node& n) const {
    const auto pick = [&](const std::array<std::uint32_t, method_count>& slots) {
        if (slots[r.method] != none || r.method != head_index) return slots[r.method];
        return slots[get_index];
    };
    const auto& preferred = r.trailing_slash ? n.slash_operations : n.operations;
    const auto& fallback = r.trailing_slash ? n.operations : n.slash_operations;
    const std::uint32_t found = pick(preferred);
    return found != none ? found : pick(fallback);
}

std::uint32_t operation_table::walk(const request& r, std::uint32_t at, std::size_t depth) const {
    const node& n = nodes_[at];
    if (depth == r.count) return at_end(r, n);
    const std::string_view segment = r.segments[depth].text();
    if (const auto child = find_literal(n, segment); child != none) {
        if (const auto found = walk(r, child, depth + 1); found != none) return found;
    }
    if (n.object_position) {
        if (const auto other = other_object_spelling(segment); !other.empty()) {
            if (const auto child = find_literal(n, other); child != none) {
                if (const auto found = walk(r, child, depth + 1); found != none) return found;
            }
        }
    }
    return n.parameter != none ? walk(r, n.parameter, depth + 1) : none;
}

const operation* operation_table::match(std::string_view method, std::string_view target) const {
    const auto m = method_index(method);
    if (!m) return nullptr;
    request r;
    r.method = *m;
    if (!r.read(target) || r.count > depth_) return nullptr;
    const std::uint32_t found = walk(r, 0, 0);
    return found == none ? nullptr : &operations_[found];
}

}  // namespace hsoauth::gateway
