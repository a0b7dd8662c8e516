// JSON-lines access logs: each line read with simdjson On Demand, walked against the compiled key map
// (json_key_map.cpp compiles it).
#include <darkscan/common/error.hpp>
#include <darkscan/parse/hit_fields.hpp>
#include <darkscan/parse/json_format.hpp>
#include <darkscan/util/blank.hpp>
#include <darkscan/util/time_parse.hpp>

#include <simdjson.h>

#include <algorithm>
#include <cstring>

namespace darkscan {

namespace sj = simdjson::ondemand;

namespace {

constexpr std::uint8_t k_unset = 0xff;
// Objects deeper than this are not followed (the maps go two levels down; a hostile line may nest
// thousands).
constexpr int k_max_depth = 8;

// A key's first 8 bytes as a word, zero past its end; `key` is readable for 8 bytes.
std::uint64_t key_head(const char* key, std::size_t size) {
  std::uint64_t word = 0;
  std::memcpy(&word, key, 8);
  if (size < 8) word &= (std::uint64_t{1} << (8 * size)) - 1;
  return word;
}

std::size_t slot_of(std::uint64_t head, std::size_t size, std::size_t mask) {
  return static_cast<std::size_t>(((head ^ size) * 0x9E3779B97F4A7C15ull) >> 40) & mask;
}

// Bytes of `text` that are not valid UTF-8 become '?', one for one: simdjson refuses such a
// document, and nginx's escape=json writes bytes >= 0x80 as they came. Values read without
// unescaping are taken from the line itself, so they keep their bytes.
void replace_invalid_utf8(char* text, std::size_t n) {
  std::size_t i = 0;
  while (i < n) {
    const auto c = static_cast<unsigned char>(text[i]);
    std::size_t len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
    bool ok = len > 0 && i + len <= n;
    for (std::size_t k = 1; ok && k < len; ++k)
      ok = (static_cast<unsigned char>(text[i + k]) & 0xc0) == 0x80;
    if (ok && len == 2) ok = c >= 0xc2;
    if (ok && len == 3) {
      const auto d = static_cast<unsigned char>(text[i + 1]);
      ok = !(c == 0xe0 && d < 0xa0) && !(c == 0xed && d >= 0xa0);
    }
    if (ok && len == 4) {
      const auto d = static_cast<unsigned char>(text[i + 1]);
      ok = c <= 0xf4 && !(c == 0xf0 && d < 0x90) && !(c == 0xf4 && d >= 0x90);
    }
    if (!ok) {
      text[i++] = '?';
      continue;
    }
    i += len;
  }
}

// One parser and one padded copy of the line per thread: simdjson reads up to SIMDJSON_PADDING
// bytes past a document, and a parser is not shared between threads.
struct ThreadParser {
  sj::parser parser;
  std::vector<char> copy;
};

ThreadParser& thread_parser() {
  thread_local ThreadParser p;
  return p;
}

// simdjson's description of the errors a line of garbage or a cut line makes, in its words (simdjson
// 3.0, which the JSON report keeps) and marked for translation. Any other error (a bug, memory) in
// simdjson's text, untranslated.
const char* json_problem(simdjson::error_code code) {
  switch (code) {
  case simdjson::TAPE_ERROR:
    return N_("The JSON document has an improper structure: missing or superfluous commas, braces, missing "
              "keys, etc.");
  case simdjson::DEPTH_ERROR:
    return N_("The JSON document was too deep (too many nested objects and arrays)");
  case simdjson::STRING_ERROR: return N_("Problem while parsing a string");
  case simdjson::T_ATOM_ERROR: return N_("Problem while parsing an atom starting with the letter 't'");
  case simdjson::F_ATOM_ERROR: return N_("Problem while parsing an atom starting with the letter 'f'");
  case simdjson::N_ATOM_ERROR: return N_("Problem while parsing an atom starting with the letter 'n'");
  case simdjson::NUMBER_ERROR: return N_("Problem while parsing a number");
  case simdjson::UTF8_ERROR: return N_("The input is not valid UTF-8");
  case simdjson::EMPTY: return N_("Empty: no JSON found");
  case simdjson::UNESCAPED_CHARS:
    return N_("Within strings, some characters must be escaped, we found unescaped characters");
  case simdjson::UNCLOSED_STRING: return N_("A string is opened, but never closed.");
  case simdjson::INCORRECT_TYPE: return N_("The JSON element does not have the requested type.");
  case simdjson::NUMBER_OUT_OF_RANGE:
    return N_("The JSON number is too large or too small to fit within the requested type.");
  case simdjson::INCOMPLETE_ARRAY_OR_OBJECT:
    return N_("JSON document ended early in the middle of an object or array.");
  case simdjson::OUT_OF_BOUNDS: return N_("Attempted to access location outside of document.");
  case simdjson::TRAILING_CONTENT: return N_("Unexpected trailing content in the JSON input.");
  default: return simdjson::error_message(code);
  }
}

} // namespace

const JsonFormat::Entry* JsonFormat::Node::find(const char* key, std::size_t size) const {
  const std::uint64_t head = key_head(key, size);
  const std::size_t mask = slots.size() - 1;
  for (std::size_t i = slot_of(head, size, mask);; i = (i + 1) & mask) {
    const Slot& slot = slots[i];
    if (slot.entry < 0) return nullptr;
    if (slot.head == head && slot.size == size) {
      const Entry& e = entries[static_cast<std::size_t>(slot.entry)];
      if (size <= 8 || std::memcmp(key + 8, e.key.data() + 8, size - 8) == 0) return &e;
    }
  }
}

void JsonFormat::Node::index() {
  std::size_t size = 16;
  while (size < entries.size() * 4)
    size *= 2;
  slots.assign(size, Slot{});
  for (std::size_t i = 0; i < entries.size(); ++i) {
    const std::string& key = entries[i].key;
    char padded[8] = {};
    std::memcpy(padded, key.data(), std::min<std::size_t>(key.size(), 8));
    const std::uint64_t head = key_head(padded, key.size());
    std::size_t s = slot_of(head, key.size(), size - 1);
    while (slots[s].entry >= 0)
      s = (s + 1) & (size - 1);
    slots[s] = {head, static_cast<std::uint32_t>(key.size()), static_cast<std::int32_t>(i)};
  }
}

// What one line's walk keeps: where the copy is, which field each kind came from.
struct JsonFormat::Walk {
  std::string_view line;
  const char* copy;
  Hit& hit;
  ParseError& error;
  util::Scratch& scratch;
  std::array<std::uint8_t, 32> rank;
  bool headers = false;
  std::size_t fields = 0;
  std::uint32_t present = 0; // bit per FieldKind: a key of it was in the line, even empty

  std::string_view in_line(std::string_view in_copy) const {
    return std::string_view(line.data() + (in_copy.data() - copy), in_copy.size());
  }
  bool fail(const char* reason, const char* at) {
    error = {reason, at ? static_cast<std::size_t>(at - copy) : 0};
    return false;
  }
  bool fail(simdjson::error_code code, sj::value& v) {
    const char* at = nullptr;
    if (v.current_location().get(at) != simdjson::SUCCESS) at = nullptr;
    return fail(json_problem(code), at);
  }
};

namespace {

// The text of a scalar: a string's content (unescaped into `scratch` when it has escapes), a
// number's digits; empty for null, true, false. False on a malformed value.
bool scalar_text(sj::value& v, std::string_view& out, JsonFormat::Walk& w) {
  sj::json_type type;
  if (auto e = v.type().get(type)) return w.fail(e, v);
  const std::string_view token = v.raw_json_token();
  switch (type) {
  case sj::json_type::string: {
    std::size_t end = token.size();
    while (end > 1 && token[end - 1] != '"')
      --end; // spaces after the token
    const std::string_view raw = token.substr(1, end - 2);
    if (std::memchr(raw.data(), '\\', raw.size()) == nullptr) {
      out = w.in_line(raw);
      return true;
    }
    std::string_view unescaped;
    if (auto e = v.get_string().get(unescaped)) return w.fail(e, v);
    char* room = w.scratch.reserve(unescaped.size());
    if (!room) {
      out = w.in_line(raw); // no room left: the value as logged (never happens: see Scratch)
      return true;
    }
    std::memcpy(room, unescaped.data(), unescaped.size());
    out = w.scratch.keep(unescaped.size());
    return true;
  }
  case sj::json_type::number: {
    std::size_t end = token.size();
    while (end > 0 && (token[end - 1] == ' ' || token[end - 1] == '\t' || token[end - 1] == '\n' ||
                       token[end - 1] == '\r'))
      --end;
    out = w.in_line(token.substr(0, end));
    return true;
  }
  default: out = {}; return true;
  }
}

bool store_json_value(const JsonFormat::Entry& entry, std::string_view value, Hit& hit) {
  switch (entry.kind) {
  case FieldKind::time: return value.empty() || util::parse_any_time(value, hit.time);
  case FieldKind::duration: {
    if (value.empty()) return true;
    switch (entry.unit) {
    case JsonFormat::Unit::millis: return parse_duration(value, 1000, hit.duration_us);
    case JsonFormat::Unit::micros: return parse_duration(value, 1, hit.duration_us);
    case JsonFormat::Unit::nanos: {
      // Traefik's Duration: an integer of nanoseconds, past 10^9 for any request over a second.
      std::uint64_t ns = 0;
      if (value.size() > 19) return false;
      for (const char c : value) {
        if (c < '0' || c > '9') return false;
        ns = ns * 10 + static_cast<std::uint64_t>(c - '0');
      }
      hit.duration_us = static_cast<std::int64_t>(ns / 1000);
      return true;
    }
    default: return parse_duration(value, 1000000, hit.duration_us);
    }
  }
  case FieldKind::client:
    if (value.empty()) return true; // another key may give it; checked after the walk
    return store_field(FieldKind::client,
                       entry.unit == JsonFormat::Unit::port ? client_without_port(value) : value, hit);
  case FieldKind::status:
    if (value.empty()) return true;
    return store_field(entry.kind, value, hit);
  default: return store_field(entry.kind, value, hit);
  }
}

const char* field_problem(FieldKind kind) {
  switch (kind) {
  case FieldKind::time: return N_("the time is not RFC 3339, CLF or a count since the epoch");
  case FieldKind::status: return N_("the status is not a 3-digit number");
  case FieldKind::bytes: return N_("the byte count is not a number");
  case FieldKind::duration: return N_("the duration is not a number");
  default: return N_("a field does not hold what the format says");
  }
}

} // namespace

bool JsonFormat::walk(Walk& w, void* object_ptr, std::size_t node_index, int depth) const {
  sj::object& object = *static_cast<sj::object*>(object_ptr);
  const Node& node = m_nodes[node_index];
  for (auto field_result : object) {
    sj::field field;
    if (auto e = std::move(field_result).get(field)) return w.fail(json_problem(e), nullptr);
    // The key's end: its closing quote (stage 1 found every string closed). Keys are a few bytes: a
    // loop, not a call to memchr.
    const char* key = field.key().raw();
    const char* const limit = w.copy + w.line.size();
    const char* quote = key;
    while (quote < limit && *quote != '"')
      ++quote;
    if (quote == limit) return w.fail(N_("a key is not closed"), key);
    const std::string_view name(key, static_cast<std::size_t>(quote - key));
    if (depth == 0 && !m_headers_prefix.empty() &&
        name.substr(0, m_headers_prefix.size()) == m_headers_prefix)
      w.headers = true;
    const Entry* entry = node.find(key, name.size());
    if (!entry) continue; // simdjson skips the value
    sj::value& value = field.value();
    if (entry->child >= 0) {
      sj::json_type type;
      if (auto e = value.type().get(type)) return w.fail(e, value);
      if (type != sj::json_type::object || depth + 1 >= k_max_depth) continue;
      sj::object inner;
      if (auto e = value.get_object().get(inner)) return w.fail(e, value);
      if (entry->headers) w.headers = true;
      if (!walk(w, &inner, static_cast<std::size_t>(entry->child), depth + 1)) return false;
      continue;
    }
    const auto k = static_cast<std::size_t>(entry->kind);
    if (w.rank[k] <= entry->rank) continue; // a better key gave this field
    std::string_view text;
    sj::json_type type;
    if (auto e = value.type().get(type)) return w.fail(e, value);
    if (type == sj::json_type::array) {
      sj::array array;
      if (auto e = value.get_array().get(array)) return w.fail(e, value);
      for (auto element_result : array) {
        sj::value element;
        if (auto e = std::move(element_result).get(element)) return w.fail(json_problem(e), nullptr);
        if (!scalar_text(element, text, w)) return false;
        break; // the first value of a header sent several times
      }
    } else if (type == sj::json_type::object) {
      continue; // not a value: another format's key of the same name (Caddy's "request")
    } else if (!scalar_text(value, text, w)) {
      return false;
    }
    if (text.empty() && w.rank[k] != k_unset) {
      w.present |= 1u << k; // an empty better key does not clear what a worse one gave
      continue;
    }
    if (!store_json_value(*entry, text, w.hit)) {
      const bool in_line = text.data() >= w.line.data() && text.data() <= w.line.data() + w.line.size();
      return w.fail(field_problem(entry->kind), in_line ? w.copy + (text.data() - w.line.data()) : nullptr);
    }
    if (!(w.present & (1u << k))) ++w.fields;
    w.present |= 1u << k;
    if (!text.empty()) w.rank[k] = entry->rank; // an empty value leaves the field to a later key
  }
  return true;
}

namespace {

// nginx writes "\x22" and "\xD0\x9F" in a log_format without escape=json: no JSON escape, and
// simdjson's "Problem while parsing a string" did not say so (a review, 2026-12-07).
void name_nginx_escape(std::string_view line, ParseError& error) {
  const std::size_t at = line.find("\\x");
  if (at == std::string_view::npos || error.reason != json_problem(simdjson::STRING_ERROR)) return;
  error = {N_("a \\xHH escape, which JSON does not have: nginx writes them when its log_format lacks "
              "escape=json"),
           at};
}

} // namespace

bool JsonFormat::parse(std::string_view line, Hit& hit, ParseError& error, std::size_t& fields,
                       util::Scratch& scratch) const {
  util::blank(hit);
  fields = 0;
  ThreadParser& tp = thread_parser();
  const std::size_t need = line.size() + simdjson::SIMDJSON_PADDING;
  if (tp.copy.size() < need) tp.copy.resize(need);
  std::memcpy(tp.copy.data(), line.data(), line.size());
  std::memset(tp.copy.data() + line.size(), ' ', simdjson::SIMDJSON_PADDING);

  bool request_logged = false;
  for (int attempt = 0;; ++attempt) {
    Walk w{line, tp.copy.data(), hit, error, scratch, {}, false, 0, 0};
    w.rank.fill(k_unset);
    sj::document doc;
    simdjson::error_code e = tp.parser.iterate(tp.copy.data(), line.size(), tp.copy.size()).get(doc);
    sj::object object;
    if (!e) e = doc.get_object().get(object);
    if (e == simdjson::UTF8_ERROR && attempt == 0) {
      replace_invalid_utf8(tp.copy.data(), line.size());
      continue;
    }
    if (e) {
      error = {e == simdjson::INCORRECT_TYPE ? N_("the line is not a JSON object") : json_problem(e), 0};
      name_nginx_escape(line, error);
      return false;
    }
    if (!walk(w, &object, 0, 0)) {
      util::blank(hit);
      name_nginx_escape(line, error);
      return false;
    }
    const char* rest = nullptr;
    if (doc.current_location().get(rest) == simdjson::SUCCESS) {
      error = {N_("text after the JSON object"), static_cast<std::size_t>(rest - tp.copy.data())};
      return false;
    }
    fields = w.fields;
    const bool headers = m_has_headers_marker && w.headers;
    hit.has_referer = headers || (w.present & (1u << static_cast<unsigned>(FieldKind::referer)));
    hit.has_user_agent = headers || (w.present & (1u << static_cast<unsigned>(FieldKind::user_agent)));
    // Traefik's accessLog.fields.headers "redact" mode writes the header's value as "REDACTED": a
    // header not logged, not a referrer from a site of that name (referral) or an agent of that
    // name (a bot): a review, 2026-12-07, saw a share of 0% without a note.
    if (hit.referer == "REDACTED") hit.referer = {}, hit.has_referer = false;
    if (hit.user_agent == "REDACTED") hit.user_agent = {}, hit.has_user_agent = false;
    request_logged = (w.present & (1u << static_cast<unsigned>(FieldKind::request))) != 0;
    break;
  }
  // A record with its "request" that is no request (a TLS handshake, "-" with 408: nginx's
  // escape=json writes "\u0016\u0003...") is an access record: an invalid request, as in a text log
  // (a review, 2026-12-07: counted as records of another kind).
  if (hit.target.empty() && hit.path.empty() && !hit.request_valid && hit.method.empty() && !request_logged) {
    error = {N_("a JSON record without a request (not an access record)"), 0, true};
    return false;
  }
  finish_request(hit);
  if (hit.client.empty() && m_has[static_cast<std::size_t>(FieldKind::client)]) {
    error = {N_("the client address is empty"), 0};
    return false;
  }
  return true;
}

} // namespace darkscan
