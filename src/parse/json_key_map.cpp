// JSON key maps ("ts=time request.uri=target ..."): each key=field entry compiled into the nodes
// of nested objects that JsonFormat::parse walks (json_format.cpp).
#include <darkscan/common/error.hpp>
#include <darkscan/parse/json_format.hpp>

#include <fmt/format.h>

#include <algorithm>

namespace darkscan {

namespace {

struct KindName {
  std::string_view name;
  FieldKind kind;
};
constexpr KindName k_kinds[] = {
    {"client", FieldKind::client},
    {"user", FieldKind::user},
    {"time", FieldKind::time},
    {"request", FieldKind::request},
    {"method", FieldKind::method},
    {"target", FieldKind::target},
    {"path", FieldKind::path},
    {"query", FieldKind::query},
    {"protocol", FieldKind::protocol},
    {"status", FieldKind::status},
    {"bytes", FieldKind::bytes},
    {"referer", FieldKind::referer},
    {"user_agent", FieldKind::user_agent},
    {"host", FieldKind::host},
    {"forwarded_for", FieldKind::forwarded_for},
    {"requested_with", FieldKind::requested_with},
    {"duration", FieldKind::duration},
};

// The unit after a field's ':' ("duration:ms"), which is cut off `field`; none without one.
// Throws Error naming the entry `item` on a unit that is not port, s, ms, us or ns.
JsonFormat::Unit read_unit(std::string_view& field, std::string_view item) {
  using Unit = JsonFormat::Unit;
  const std::size_t colon = field.find(':');
  if (colon == std::string_view::npos) return Unit::none;
  const std::string_view u = field.substr(colon + 1);
  field = field.substr(0, colon);
  const Unit unit = u == "port" ? Unit::port
                    : u == "s"  ? Unit::seconds
                    : u == "ms" ? Unit::millis
                    : u == "us" ? Unit::micros
                    : u == "ns" ? Unit::nanos
                                : Unit::none;
  if (unit == Unit::none)
    throw Error(message(N_("JSON key map: unknown unit '{}' in '{}' (port, s, ms, us, ns)"), u, item),
                ExitCode::usage);
  return unit;
}

} // namespace

struct JsonFormat::KeyMapReader {
  JsonFormat& format;
  std::array<std::uint8_t, 32> ranks{}; // per field: how many keys were given for it so far

  // Reads the entry `item`, found at `column` (from 0) of the key map. Throws Error(usage).
  void entry(std::string_view item, std::size_t column) {
    const std::size_t eq = item.rfind('=');
    if (eq == std::string_view::npos || eq == 0 || eq + 1 == item.size())
      throw Error(message(N_("JSON key map: '{}' is not key=field (column {})"), item, column + 1),
                  ExitCode::usage);
    const std::string_view key = item.substr(0, eq);
    std::string_view field = item.substr(eq + 1);
    if (field == "headers" && key.back() == '*') {
      format.m_headers_prefix = std::string(key.substr(0, key.size() - 1));
      format.m_has_headers_marker = true;
      return;
    }
    const Unit unit = read_unit(field, item);
    // Walk down the dotted key, making nodes for the objects on the way.
    std::size_t node = 0;
    std::string_view rest = key;
    for (;;) {
      const std::size_t dot = rest.find('.');
      const std::string_view part = rest.substr(0, dot);
      if (part.empty()) throw Error(message(N_("JSON key map: empty key in '{}'"), item), ExitCode::usage);
      if (dot == std::string_view::npos) {
        if (field == "headers") {
          object_entry(node, part).headers = true;
          format.m_has_headers_marker = true;
        } else {
          value_entry(node, part, key, field, unit, item);
        }
        return;
      }
      const Entry& object = object_entry(node, part);
      if (object.child < 0)
        throw Error(message(N_("JSON key map: '{}' is a value and an object"), part), ExitCode::usage);
      node = static_cast<std::size_t>(object.child);
      rest = rest.substr(dot + 1);
    }
  }

  // The entry `part` of node `node`; when the node has none, a new one for an object, with a node of
  // its own. The reference is valid until the next node is made.
  Entry& object_entry(std::size_t node, std::string_view part) {
    auto& entries = format.m_nodes[node].entries;
    auto it = std::find_if(entries.begin(), entries.end(), [&](const Entry& e) { return e.key == part; });
    if (it != entries.end()) return *it;
    format.m_nodes.emplace_back();
    format.m_nodes[node].entries.push_back(
        {std::string(part), static_cast<std::int32_t>(format.m_nodes.size() - 1)});
    return format.m_nodes[node].entries.back();
  }

  // The value `part` (the last of the dotted `key`) of node `node`, holding `field`. Throws Error
  // when the field is unknown or the key given twice.
  void value_entry(std::size_t node, std::string_view part, std::string_view key, std::string_view field,
                   Unit unit, std::string_view item) {
    auto& entries = format.m_nodes[node].entries;
    const KindName* kind = nullptr;
    for (const KindName& k : k_kinds)
      if (k.name == field) kind = &k;
    if (!kind)
      throw Error(message(N_("JSON key map: unknown field '{}' in '{}'"), field, item), ExitCode::usage);
    if (std::any_of(entries.begin(), entries.end(), [&](const Entry& e) { return e.key == part; }))
      throw Error(message(N_("JSON key map: key '{}' is given twice"), key), ExitCode::usage);
    const auto k = static_cast<std::size_t>(kind->kind);
    entries.push_back({std::string(part), -1, kind->kind, unit, ranks[k]++, false});
    format.m_has[k] = true;
    ++format.m_leaves;
  }
};

std::shared_ptr<const JsonFormat> JsonFormat::compile(std::string_view key_map) {
  auto format = std::make_shared<JsonFormat>();
  format->m_map = std::string(key_map);
  format->m_nodes.emplace_back();
  KeyMapReader reader{*format};
  std::size_t pos = 0;
  while (pos < key_map.size()) {
    const std::size_t start = key_map.find_first_not_of(" \t\n", pos);
    if (start == std::string_view::npos) break;
    const std::size_t end = std::min(key_map.find_first_of(" \t\n", start), key_map.size());
    pos = end;
    reader.entry(key_map.substr(start, end - start), start);
  }
  if (format->m_leaves == 0) throw Error(translated(N_("JSON key map: no key=field entry")), ExitCode::usage);
  for (Node& node : format->m_nodes)
    node.index();
  return format;
}

} // namespace darkscan
