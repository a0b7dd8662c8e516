#pragma once

// Checks of a parsed Hit for the fuzz targets: every view points into the line
// it was parsed from (hit.hpp promises views into the line buffer), and
// parsing with exact=true never accepts a line that exact=false refuses.

#include "output_checks.hpp"

#include <darkscan/parse/hit.hpp>
#include <darkscan/parse/log_format.hpp>
#include <darkscan/parse/presets.hpp>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string_view>

namespace darkscan::fuzz {

// A copy of `line` in a heap block of exactly its size, so that AddressSanitizer
// reports a parser that reads past the end of the line (in the fuzzer's input the
// next bytes would be the next line, and the read would go unnoticed).
class ExactLine {
public:
  explicit ExactLine(std::string_view line)
      : m_data(new char[line.size() ? line.size() : 1]), m_size(line.size()) {
    if (m_size) std::memcpy(m_data.get(), line.data(), m_size);
  }
  std::string_view view() const { return {m_data.get(), m_size}; }

private:
  std::unique_ptr<char[]> m_data;
  std::size_t m_size;
};

// Every non-empty field of `hit` lies inside `line` or inside `room` (where JSON
// and W3C parsers write the values they rewrite), or is the "/" the parser
// supplies for an absolute-form target without a path; each byte is read so
// that AddressSanitizer checks the memory too.
inline void check_views(const Hit& hit, std::string_view line, std::string_view room = {}) {
  const std::string_view fields[] = {hit.client,  hit.user,       hit.host,          hit.method,
                                     hit.target,  hit.path,       hit.query,         hit.protocol,
                                     hit.referer, hit.user_agent, hit.forwarded_for, hit.requested_with};
  auto inside = [](std::string_view f, std::string_view area) {
    const auto begin = reinterpret_cast<std::uintptr_t>(area.data());
    const std::uintptr_t end = begin + area.size();
    const auto at = reinterpret_cast<std::uintptr_t>(f.data());
    return area.data() != nullptr && at >= begin && at <= end && f.size() <= end - at;
  };
  volatile unsigned sum = 0;
  for (std::string_view f : fields) {
    if (f.empty()) continue;
    require(inside(f, line) || inside(f, room) || f == "/",
            "a field of the parsed hit points outside the line", line, 0);
    for (char c : f)
      sum = sum + static_cast<unsigned char>(c);
  }
  (void)sum;
  require(hit.status >= 0 && hit.status <= 999, "status out of range", line, 0);
  require(hit.duration_us >= -1, "negative duration", line, 0);
}

// Parses `line` (copied into an exact-size block) with `format`, relaxed and
// exact, and checks the invariants. Returns whether the relaxed parse succeeded.
inline bool parse_and_check(const LogFormat& format, std::string_view text) {
  const ExactLine copy(text);
  const std::string_view line = copy.view();
  Hit hit;
  ParseError error;
  std::size_t fields = 0;
  const bool ok = format.parse(line, hit, error, false, fields);
  if (ok) {
    check_views(hit, line);
    require(fields <= format.field_count(), "more fields than the format has", line, 0);
  } else {
    require(error.reason != nullptr && *error.reason != '\0', "failed parse without a reason", line, 0);
    require(error.column <= line.size(), "error column past the end of the line", line, 0);
  }
  Hit exact_hit;
  ParseError exact_error;
  const bool exact = format.parse(line, exact_hit, exact_error, true);
  if (exact) check_views(exact_hit, line);
  require(!exact || ok, "an exact parse accepts a line the relaxed parse refuses", line, 0);
  return ok;
}

// Whether two parses of one line gave the same hit: every field the same view (same bytes of the
// line, not only the same text), the same numbers and flags.
inline bool same_hit(const Hit& a, const Hit& b) {
  auto same = [](std::string_view x, std::string_view y) {
    return x.size() == y.size() && (x.empty() || x.data() == y.data());
  };
  return same(a.client, b.client) && same(a.user, b.user) && same(a.host, b.host) &&
         same(a.method, b.method) && same(a.target, b.target) && same(a.path, b.path) &&
         same(a.query, b.query) && same(a.protocol, b.protocol) && same(a.referer, b.referer) &&
         same(a.user_agent, b.user_agent) && same(a.forwarded_for, b.forwarded_for) &&
         same(a.requested_with, b.requested_with) && a.time == b.time && a.duration_us == b.duration_us &&
         a.bytes == b.bytes && a.status == b.status && a.request_valid == b.request_valid &&
         a.has_user_agent == b.has_user_agent && a.has_referer == b.has_referer;
}

// Parses `text` with `fast` (a format with the fast path of combined_fast.hpp) and with `generic`
// (the same format, the path turned off), relaxed and exact: the same answer, the same hit, the
// same fields or the same message.
inline void require_same_parse(const LogFormat& fast, const LogFormat& generic, std::string_view text) {
  const ExactLine copy(text);
  const std::string_view line = copy.view();
  for (const bool exact : {false, true}) {
    Hit a, b;
    ParseError ea, eb;
    std::size_t fa = 0, fb = 0;
    const bool oka = fast.parse(line, a, ea, exact, fa), okb = generic.parse(line, b, eb, exact, fb);
    require(oka == okb, "the fast path and the generic walker disagree on whether the line parses", line, 0);
    if (oka) {
      require(same_hit(a, b), "the fast path and the generic walker give different hits", line, 0);
      require(fa == fb, "the fast path and the generic walker count different fields", line, 0);
    } else {
      require(ea.column == eb.column && std::string_view(ea.reason) == std::string_view(eb.reason),
              "the fast path changed the generic walker's message", line, 0);
    }
  }
}

// The preset called `name`; a missing one aborts the fuzzer, naming `target`.
inline LogFormat preset_or_abort(const char* name, const char* target) {
  LogFormat format;
  if (!find_preset(name, format)) {
    std::fprintf(stderr, "%s: no preset '%s'\n", target, name);
    std::abort();
  }
  return format;
}

// Parses `text` (copied into an exact-size block) with a JSON or W3C `format`, rewritten values
// going into a room of exactly the line's size, and checks what every parse promises: views inside
// the line or the room, no more fields than the format has, a failure with a reason and a column
// near the line. Calls `check(hit, line)` on a parsed hit for the target's own checks.
template <typename Check>
inline bool parse_in_room_and_check(const LogFormat& format, std::string_view text, Check check) {
  const ExactLine copy(text);
  const std::string_view line = copy.view();
  const std::unique_ptr<char[]> room_bytes(new char[line.size() ? line.size() : 1]);
  util::Scratch room(room_bytes.get(), line.size());
  Hit hit;
  ParseError error;
  std::size_t fields = 0;
  const bool ok = format.parse(line, hit, error, false, fields, &room);
  if (ok) {
    check_views(hit, line, std::string_view(room_bytes.get(), line.size()));
    require(fields <= format.field_count(), "more fields than the format has", line, 0);
    check(hit, line, fields);
  } else {
    require(error.reason != nullptr && *error.reason != '\0', "failed parse without a reason", line, 0);
    // simdjson reads the padding after a document: a column may point just past the line.
    require(error.column <= line.size() + 64, "error column past the end of the line", line, 0);
  }
  return ok;
}

} // namespace darkscan::fuzz
