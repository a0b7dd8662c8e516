// The combined format's fast path (combined_fast.hpp). Every test below is one the generic walker
// (line_parser.cpp) makes too, or stricter: where they could differ, this one declines.
#include <darkscan/parse/combined_fast.hpp>
#include <darkscan/parse/hit_fields.hpp>
#include <darkscan/util/find_bytes.hpp>
#include <darkscan/util/time_parse.hpp>

#include <cstdint>
#include <cstring>

namespace darkscan {

namespace {

constexpr std::size_t k_clf_time = 26; // "10/Oct/2000:13:55:36 -0700"

// The bytes [from, to) of the line: every bound below is checked, so no substr() and its check
// (a call a field, not inlined: 60 instructions a line).
inline std::string_view span(const char* p, std::size_t from, std::size_t to) {
  return {p + from, to - from};
}

// The first space or tab at or after `pos` (where the generic walker ends a token), or `n`.
std::size_t token_stop(const char* p, std::size_t pos, std::size_t n) {
  return util::first_of<' ', '\t'>(p, pos, n);
}

// The closing quote of a quoted field opened before `from` (from <= n): the first '"' at or after
// `from`, or `n` when there is none or it follows a backslash (an escape, or an escaped backslash:
// declined). Searched inline (util::first_of): a memchr call a field cost more than the search on
// fields of 40 to 130 bytes, and the three searches and the tokens' were 440 instructions a line
// in all, 8 bytes at a time (callgrind, 200,000 lines of gen-log).
std::size_t closing_quote(const char* p, std::size_t from, std::size_t n) {
  const std::size_t q = util::first_of<'"', '"'>(p, from, n);
  return q < n && q > from && p[q - 1] == '\\' ? n : q;
}

// The first '?' or '#' in [pos, n), or n.
std::size_t query_or_fragment(const char* p, std::size_t pos, std::size_t n) {
  return util::first_of<'?', '#'>(p, pos, n);
}

inline bool is_method_byte(char c) { return (c >= 'A' && c <= 'Z') || c == '-' || c == '_'; }

// "%r" in [from, to) when it is plain, "GET /path?query HTTP/1.1": method, target, protocol, path
// and query as store_field(request) and finish_request() make them, in one pass. False for
// anything else (no protocol, a target that is not a path, a '#'), which those two then read.
bool plain_request(const char* p, std::size_t from, std::size_t to, Hit& hit) {
  std::size_t i = from;
  while (i < to && i - from <= 24 && is_method_byte(p[i]))
    ++i;
  if (i == from || i - from > 24 || i >= to || p[i] != ' ') return false;
  const std::size_t target = i + 1;
  // The protocol: after the last space, "HTTP/..." and a few bytes; most often the 8 of "HTTP/1.1".
  std::size_t last = to;
  if (to - target >= 10 && p[to - 9] == ' ' && p[to - 3] != ' ' && p[to - 2] != ' ' && p[to - 1] != ' ') {
    last = to - 8;
  } else {
    while (last > target && to - last < 16 && p[last - 1] != ' ')
      --last;
  }
  if (last <= target + 1 || p[last - 1] != ' ' || to - last < 5 || p[last] != 'H' || p[last + 1] != 'T' ||
      p[last + 2] != 'T' || p[last + 3] != 'P' || p[last + 4] != '/')
    return false;
  const std::size_t target_end = last - 1;
  if (p[target] != '/') return false;
  const std::size_t q = query_or_fragment(p, target, target_end);
  if (q < target_end && p[q] == '#') return false;
  hit.method = span(p, from, i);
  hit.target = span(p, target, target_end);
  hit.protocol = span(p, last, to);
  hit.path = span(p, target, q);
  hit.query = q < target_end ? span(p, q + 1, target_end) : std::string_view();
  hit.request_valid = true;
  return true;
}

// "%b": plain digits (at most 19), else what store_field makes of it.
inline bool store_bytes(const char* p, std::size_t from, std::size_t to, Hit& hit) {
  std::uint64_t v = 0;
  std::size_t i = from;
  while (i < to && p[i] >= '0' && p[i] <= '9')
    v = v * 10 + static_cast<std::uint64_t>(p[i++] - '0');
  if (i == to && to > from && to - from <= 19) {
    hit.bytes = v;
    return true;
  }
  return store_field(FieldKind::bytes, span(p, from, to), hit);
}

} // namespace

bool parse_combined(std::string_view line, bool ident_field, Hit& hit) {
  const char* p = line.data();
  const std::size_t n = line.size();
  // %h: up to the first space; "10.0.0.2, 10.0.0.1" goes on in the generic walker.
  std::size_t end = token_stop(p, 0, n);
  if (end == 0 || end >= n || p[end] != ' ' || p[end - 1] == ',' || (end == 1 && p[0] == '-')) return false;
  hit.client = span(p, 0, end);
  std::size_t pos = end + 1;
  if (ident_field) { // %l
    end = token_stop(p, pos, n);
    if (end >= n || p[end] != ' ') return false;
    pos = end + 1;
  } else { // nginx's " - "
    if (pos + 2 > n || p[pos] != '-' || p[pos + 1] != ' ') return false;
    pos += 2;
  }
  // %u, then " ["
  end = token_stop(p, pos, n);
  if (end + 1 >= n || p[end] != ' ' || p[end + 1] != '[') return false;
  hit.user = span(p, pos, end);
  pos = end + 2;
  // %t: 26 bytes, then "] \"" (no ']' before: the generic walker ends the time at the first "] \"")
  if (pos + k_clf_time + 3 > n || p[pos + k_clf_time] != ']' || p[pos + k_clf_time + 1] != ' ' ||
      p[pos + k_clf_time + 2] != '"' || std::memchr(p + pos, ']', k_clf_time) != nullptr)
    return false;
  if (!util::parse_clf_time(span(p, pos, pos + k_clf_time), hit.time)) return false;
  pos += k_clf_time + 3;
  // "%r", then " "
  end = closing_quote(p, pos, n);
  if (end + 1 >= n || p[end + 1] != ' ') return false;
  const bool request_done = plain_request(p, pos, end, hit);
  if (!request_done) store_field(FieldKind::request, span(p, pos, end), hit);
  pos = end + 2;
  // %>s: three digits (which hold no space or tab: the generic token is the same), then " "
  if (pos + 4 > n || p[pos + 3] != ' ' || !read_status(p + pos, hit.status)) return false;
  pos += 4;
  // %b, then " \""
  end = token_stop(p, pos, n);
  if (end + 1 >= n || p[end] != ' ' || p[end + 1] != '"' || !store_bytes(p, pos, end, hit)) return false;
  pos = end + 2;
  // "%{Referer}i", then " \""
  end = closing_quote(p, pos, n);
  if (end + 2 >= n || p[end + 1] != ' ' || p[end + 2] != '"') return false;
  hit.referer = referrer_or_none(span(p, pos, end));
  pos = end + 3;
  // "%{User-Agent}i", the end of the line
  end = closing_quote(p, pos, n);
  if (end + 1 != n) return false;
  hit.user_agent = none_if_dash(span(p, pos, end));
  if (!request_done) finish_request(hit);
  return true;
}

} // namespace darkscan
