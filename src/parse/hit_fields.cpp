// Field values into a Hit: shared by the text, JSON and W3C parsers.
#include <darkscan/parse/hit_fields.hpp>
#include <darkscan/util/find_bytes.hpp>

namespace darkscan {

namespace {

bool all_digits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}

bool parse_uint(std::string_view s, std::uint64_t& out) {
  if (!all_digits(s) || s.size() > 19) return false;
  std::uint64_t v = 0;
  for (char c : s)
    v = v * 10 + static_cast<std::uint64_t>(c - '0');
  out = v;
  return true;
}

// Whether `s` starts with `prefix`, byte by byte: `substr(0, n) == "..."` was a call to memcmp
// for a few bytes, several times a line.
template <std::size_t N> inline bool has_prefix(std::string_view s, const char (&prefix)[N]) {
  if (s.size() < N - 1) return false;
  for (std::size_t i = 0; i + 1 < N; ++i)
    if (s[i] != prefix[i]) return false;
  return true;
}

inline bool is_absolute_url(std::string_view t) {
  return has_prefix(t, "http://") || has_prefix(t, "https://");
}

bool is_method_char(char c) { return (c >= 'A' && c <= 'Z') || c == '-' || c == '_'; }

// Splits a target into path and query.
void split_target(Hit& hit) {
  std::string_view t = hit.target;
  if (is_absolute_url(t)) {
    // Absolute-form (proxy) request: drop scheme and authority.
    std::size_t slash = t.find('/', t.find("//") + 2);
    t = slash == std::string_view::npos ? std::string_view("/") : t.substr(slash);
  }
  // One pass for the first '?' or '#' (two find() calls were 70 instructions of a W3C line's 137
  // here, callgrind); a fragment before the query is rare, and split the long way.
  const std::size_t mark = util::first_of<'?', '#'>(t.data(), 0, t.size());
  if (mark == t.size() || t[mark] == '?') {
    hit.path = t.substr(0, mark);
    hit.query = mark == t.size() ? std::string_view() : t.substr(mark + 1);
    return;
  }
  const std::size_t q = t.find('?');
  hit.path = t.substr(0, mark);
  hit.query = q == std::string_view::npos ? std::string_view() : t.substr(q + 1);
}

bool valid_target(std::string_view t) {
  return !t.empty() && (t[0] == '/' || t == "*" || is_absolute_url(t));
}

// "GET /a?b HTTP/1.1" -> method, target, protocol. Anything else (TLS bytes,
// "-", "") leaves request_valid false.
void split_request(std::string_view r, Hit& hit) {
  std::size_t sp = r.find(' ');
  if (sp == std::string_view::npos || sp == 0 || sp > 24) return;
  std::string_view method = r.substr(0, sp);
  for (char c : method)
    if (!is_method_char(c)) return;
  std::string_view rest = r.substr(sp + 1);
  std::string_view protocol;
  std::size_t last = rest.rfind(' ');
  if (last != std::string_view::npos && has_prefix(rest.substr(last + 1), "HTTP/")) {
    protocol = rest.substr(last + 1);
    rest = rest.substr(0, last);
  }
  if (!valid_target(rest)) return;
  hit.method = method;
  hit.protocol = protocol;
  hit.target = rest;
  hit.absolute_form = is_absolute_url(rest);
  hit.request_valid = true;
}

} // namespace

// "0.012" -> 12000 with scale 1000000 (seconds to µs); "-" -> -1.
bool parse_duration(std::string_view s, std::int64_t scale, std::int64_t& out) {
  if (s == "-" || s.empty()) {
    out = -1;
    return true;
  }
  std::size_t dot = s.find('.');
  std::string_view whole = s.substr(0, dot);
  std::uint64_t w = 0;
  if (!parse_uint(whole, w) || w > 1000000000ULL) return false;
  std::int64_t value = static_cast<std::int64_t>(w) * scale;
  if (dot != std::string_view::npos) {
    std::string_view frac = s.substr(dot + 1);
    if (!all_digits(frac)) return false;
    std::int64_t unit = scale;
    for (char c : frac) {
      unit /= 10;
      if (unit == 0) break;
      value += (c - '0') * unit;
    }
  }
  out = value;
  return true;
}

// "example.com:443" -> "example.com"; "[::1]:80" -> "[::1]"; IPv6 without
// brackets is left alone.
std::string_view strip_port(std::string_view host) {
  std::size_t colon = host.rfind(':');
  if (colon == std::string_view::npos || !all_digits(host.substr(colon + 1))) return host;
  std::string_view name = host.substr(0, colon);
  if (name.find(':') != std::string_view::npos && name.back() != ']') return host;
  return name;
}

std::string_view client_without_port(std::string_view addr) {
  addr = strip_port(addr);
  if (addr.size() > 2 && addr.front() == '[' && addr.back() == ']') addr = addr.substr(1, addr.size() - 2);
  return addr;
}

bool store_field(FieldKind kind, std::string_view value, Hit& hit) {
  switch (kind) {
  case FieldKind::skip: return true;
  case FieldKind::client: // "-" is no address: a line of another format ("%v %h" read "a - b" as host "a",
                          // client "-")
    hit.client = value;
    return !value.empty() && !(value.size() == 1 && value[0] == '-');
  case FieldKind::user: hit.user = value; return true;
  case FieldKind::request: split_request(value, hit); return true;
  case FieldKind::method: hit.method = value; return true;
  case FieldKind::target: hit.target = value; return true;
  case FieldKind::path: hit.path = value; return true;
  case FieldKind::query: hit.query = query_value(value); return true;
  case FieldKind::protocol: hit.protocol = value; return true;
  case FieldKind::status: return value.size() == 3 && read_status(value.data(), hit.status);
  case FieldKind::bytes:
    if (value == "-" || value.empty()) {
      hit.bytes = 0;
      return true;
    }
    return parse_uint(value, hit.bytes);
  case FieldKind::referer: hit.referer = referrer_or_none(value); return true;
  case FieldKind::user_agent: hit.user_agent = none_if_dash(value); return true;
  case FieldKind::forwarded_for: hit.forwarded_for = none_if_dash(value); return true;
  case FieldKind::requested_with: hit.requested_with = none_if_dash(value); return true;
  case FieldKind::host: hit.host = strip_port(none_if_dash(value)); return true;
  case FieldKind::time:
  case FieldKind::duration: return false; // the format's parser knows their units
  }
  return true;
}

void finish_request(Hit& hit) {
  if (!hit.request_valid && (hit.target.size() || hit.path.size())) {
    // The format gives the request in parts ($request_method $request_uri, %m %U%q).
    if (hit.target.empty()) hit.target = hit.path;
    hit.request_valid = valid_target(hit.target) && (hit.method.empty() || is_method_char(hit.method[0]));
  }
  if (hit.request_valid) {
    std::string_view explicit_query = hit.query;
    std::string_view explicit_path = hit.path;
    split_target(hit);
    if (!explicit_query.empty()) hit.query = explicit_query;
    if (!explicit_path.empty() && hit.path.empty()) hit.path = explicit_path;
  }
}

} // namespace darkscan
