#include <darkscan/common/error.hpp>
#include <darkscan/util/local_time.hpp>
#include <darkscan/util/text.hpp>
#include <darkscan/util/time_parse.hpp>

#include <array>
#include <cstring>

namespace darkscan::util {

namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// Reads exactly `width` digits at `pos`.
bool digits(std::string_view s, std::size_t& pos, std::size_t width, unsigned& out) {
  if (pos + width > s.size()) return false;
  unsigned v = 0;
  for (std::size_t i = 0; i < width; ++i) {
    char c = s[pos + i];
    if (!is_digit(c)) return false;
    v = v * 10 + static_cast<unsigned>(c - '0');
  }
  pos += width;
  out = v;
  return true;
}

// Reads 1..max_width digits at `pos`.
bool some_digits(std::string_view s, std::size_t& pos, std::size_t max_width, unsigned& out) {
  std::size_t start = pos;
  unsigned v = 0;
  while (pos < s.size() && pos - start < max_width && is_digit(s[pos])) {
    v = v * 10 + static_cast<unsigned>(s[pos] - '0');
    ++pos;
  }
  out = v;
  return pos > start;
}

bool expect(std::string_view s, std::size_t& pos, char c) {
  if (pos >= s.size() || s[pos] != c) return false;
  ++pos;
  return true;
}

std::int64_t to_epoch(unsigned y, unsigned mo, unsigned d, unsigned h, unsigned mi, unsigned sec,
                      std::int64_t offset_seconds) {
  return days_from_civil(y, mo, d) * 86400 + static_cast<std::int64_t>(h * 3600 + mi * 60 + sec) -
         offset_seconds;
}

// The UTC times a report can write (ISO 8601 with a four-digit year): a local 9999-12-31 23:59:59
// -1200 is 10000-01-01 in UTC, written "10000-01-01T11:59:59Z" before 2026-12-06 (a review), and a
// local 1970-01-01 00:00 +1400 is 1969 in UTC, which the local date's check let through.
bool set_utc(std::int64_t value, std::int64_t& utc) {
  if (value < 0 || value > k_max_utc) return false;
  utc = value;
  return true;
}

// "+0700", "-07:00", "+07", "Z"; returns seconds east of UTC.
bool parse_offset(std::string_view s, std::size_t& pos, std::int64_t& offset) {
  if (pos < s.size() && s[pos] == 'Z') {
    ++pos;
    offset = 0;
    return true;
  }
  if (pos >= s.size() || (s[pos] != '+' && s[pos] != '-')) return false;
  const bool negative = s[pos] == '-';
  ++pos;
  unsigned hh = 0, mm = 0;
  if (!digits(s, pos, 2, hh)) return false;
  if (pos < s.size() && s[pos] == ':') ++pos;
  if (pos < s.size() && is_digit(s[pos]) && !digits(s, pos, 2, mm)) return false;
  if (hh > 23 || mm > 59) return false;
  offset = static_cast<std::int64_t>(hh * 3600 + mm * 60) * (negative ? -1 : 1);
  return true;
}

constexpr std::array<std::string_view, 12> k_months = {"jan", "feb", "mar", "apr", "may", "jun",
                                                       "jul", "aug", "sep", "oct", "nov", "dec"};
constexpr std::array<std::string_view, 12> k_month_names = {"january",   "february", "march",    "april",
                                                            "may",       "june",     "july",     "august",
                                                            "september", "october",  "november", "december"};

bool iequals_prefix(std::string_view s, std::size_t pos, std::string_view word) {
  if (pos + word.size() > s.size()) return false;
  for (std::size_t i = 0; i < word.size(); ++i)
    if (ascii_lower(s[pos + i]) != word[i]) return false;
  return true;
}

} // namespace

bool parse_utc_offset(std::string_view text, std::int64_t& seconds) {
  std::size_t pos = 0;
  std::int64_t offset = 0;
  if (!parse_offset(text, pos, offset) || pos != text.size()) return false;
  seconds = offset;
  return true;
}

bool valid_civil(unsigned y, unsigned mo, unsigned d, unsigned h, unsigned mi, unsigned sec) {
  if (!(y >= 1970 && y <= 9999 && mo >= 1 && mo <= 12 && d >= 1 && h <= 23 && mi <= 59 && sec <= 60))
    return false;
  static constexpr unsigned char k_days[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return d <= k_days[mo - 1] && (mo != 2 || d <= 28 || leap);
}

unsigned month_from_abbrev(std::string_view abbrev) {
  if (abbrev.size() != 3) return 0;
  for (unsigned i = 0; i < 12; ++i)
    if (iequals_prefix(abbrev, 0, k_months[i])) return i + 1;
  return 0;
}

namespace {

// The last minute this thread read in the usual 26-byte layout ("dd/Mon/yyyy:HH:MM:SS +zzzz") and
// its time. A log's consecutive lines nearly always share their minute, so the date, the hour and
// the offset are read once a minute instead of on every line: the whole parse was 490 instructions
// a line, 5% of a run's, under callgrind (bench/results/profile.md).
struct MinuteMemo {
  char text[26] = {};
  std::int64_t minute_utc = 0;
  bool valid = false;
};
thread_local MinuteMemo t_minute;

constexpr std::size_t k_clf_size = 26, k_clf_seconds = 18; // the seconds are text[18..19]

bool same_minute(std::string_view s) {
  return t_minute.valid && s.size() == k_clf_size &&
         std::memcmp(s.data(), t_minute.text, k_clf_seconds) == 0 &&
         std::memcmp(s.data() + k_clf_seconds + 2, t_minute.text + k_clf_seconds + 2,
                     k_clf_size - k_clf_seconds - 2) == 0;
}

bool parse_clf_time_whole(std::string_view s, std::int64_t& utc);

} // namespace

bool parse_clf_time(std::string_view s, std::int64_t& utc) {
  if (same_minute(s)) {
    const char a = s[k_clf_seconds], b = s[k_clf_seconds + 1];
    if (!is_digit(a) || !is_digit(b)) return false;
    const int sec = (a - '0') * 10 + (b - '0');
    if (sec > 60) return false;
    return set_utc(t_minute.minute_utc + sec, utc); // a leap second at the end of 9999 (a second review)
  }
  if (!parse_clf_time_whole(s, utc)) return false;
  // Remembered only in the layout same_minute() compares: two-digit day, seconds at 18.
  if (s.size() == k_clf_size && s[2] == '/' && s[k_clf_seconds - 1] == ':' && s[k_clf_seconds + 2] == ' ') {
    std::memcpy(t_minute.text, s.data(), k_clf_size);
    t_minute.minute_utc = utc - ((s[k_clf_seconds] - '0') * 10 + (s[k_clf_seconds + 1] - '0'));
    t_minute.valid = true;
  }
  return true;
}

namespace {

bool parse_clf_time_whole(std::string_view s, std::int64_t& utc) {
  // dd/Mon/yyyy:HH:MM:SS +zzzz
  std::size_t pos = 0;
  unsigned d = 0, y = 0, h = 0, mi = 0, sec = 0;
  if (!some_digits(s, pos, 2, d) || !expect(s, pos, '/')) return false;
  if (pos + 3 > s.size()) return false;
  unsigned mo = month_from_abbrev(s.substr(pos, 3));
  pos += 3;
  if (mo == 0 || !expect(s, pos, '/') || !digits(s, pos, 4, y) || !expect(s, pos, ':') ||
      !digits(s, pos, 2, h) || !expect(s, pos, ':') || !digits(s, pos, 2, mi) || !expect(s, pos, ':') ||
      !digits(s, pos, 2, sec))
    return false;
  std::int64_t offset = 0;
  const bool has_offset = pos < s.size();
  if (has_offset && (!expect(s, pos, ' ') || !parse_offset(s, pos, offset) || pos != s.size())) return false;
  if (!valid_civil(y, mo, d, h, mi, sec)) return false;
  if (!has_offset) offset = local_offset_at(to_epoch(y, mo, d, h, mi, sec, 0)); // local time, as %{...}t
  return set_utc(to_epoch(y, mo, d, h, mi, sec, offset), utc);
}

} // namespace

bool parse_iso8601(std::string_view s, std::int64_t& utc) {
  std::size_t pos = 0;
  unsigned y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0;
  if (!digits(s, pos, 4, y) || !expect(s, pos, '-') || !digits(s, pos, 2, mo) || !expect(s, pos, '-') ||
      !digits(s, pos, 2, d))
    return false;
  if (pos >= s.size() || (s[pos] != 'T' && s[pos] != ' ')) return false;
  ++pos;
  if (!digits(s, pos, 2, h) || !expect(s, pos, ':') || !digits(s, pos, 2, mi) || !expect(s, pos, ':') ||
      !digits(s, pos, 2, sec))
    return false;
  if (pos < s.size() && (s[pos] == '.' || s[pos] == ',')) {
    ++pos;
    std::size_t start = pos;
    while (pos < s.size() && is_digit(s[pos]))
      ++pos;
    if (pos == start) return false;
  }
  std::int64_t offset = 0;
  const bool has_offset = pos < s.size();
  if (has_offset && !parse_offset(s, pos, offset)) return false;
  if (pos != s.size() || !valid_civil(y, mo, d, h, mi, sec)) return false;
  if (!has_offset) offset = local_offset_at(to_epoch(y, mo, d, h, mi, sec, 0)); // local time, as %{...}t
  return set_utc(to_epoch(y, mo, d, h, mi, sec, offset), utc);
}

bool parse_epoch(std::string_view s, std::int64_t divisor, std::int64_t& utc) {
  std::size_t pos = 0;
  std::int64_t v = 0;
  while (pos < s.size() && is_digit(s[pos])) {
    if (pos >= 18) return false; // would overflow
    v = v * 10 + (s[pos] - '0');
    ++pos;
  }
  if (pos == 0) return false;
  if (pos < s.size() && s[pos] == '.') {
    ++pos;
    std::size_t start = pos;
    while (pos < s.size() && is_digit(s[pos]))
      ++pos;
    if (pos == start) return false;
  }
  if (pos != s.size()) return false;
  return set_utc(static_cast<std::int64_t>(v / divisor), utc);
}

bool parse_any_time(std::string_view s, std::int64_t& utc) {
  if (s.size() >= 10 && s[4] == '-') return parse_iso8601(s, utc);
  // Caddy's time_format wall, wall_milli, wall_nano: "2026/03/10 08:00:00[.000]", local time (a CDN
  // review, 2026-12-07: its records were "no request"). Read as ISO 8601 without an offset.
  if (s.size() >= 19 && s.size() <= 40 && s[4] == '/' && s[7] == '/' && s[10] == ' ') {
    char iso[40];
    std::memcpy(iso, s.data(), s.size());
    iso[4] = iso[7] = '-';
    return parse_iso8601(std::string_view(iso, s.size()), utc);
  }
  if (s.size() >= 20 && s[2] == '/') return parse_clf_time(s, utc);
  std::size_t pos = 0;
  std::uint64_t v = 0;
  while (pos < s.size() && is_digit(s[pos])) {
    if (pos >= 19) return false; // past nanoseconds: not a time
    v = v * 10 + static_cast<std::uint64_t>(s[pos] - '0');
    ++pos;
  }
  const std::size_t digits_before_point = pos;
  if (pos == 0) return false;
  if (pos < s.size() && s[pos] == '.') {
    ++pos;
    const std::size_t start = pos;
    while (pos < s.size() && is_digit(s[pos]))
      ++pos;
    if (pos == start) return false;
  }
  if (pos != s.size()) return false;
  std::uint64_t divisor = 1;
  if (digits_before_point >= 18)
    divisor = 1000000000;
  else if (digits_before_point >= 15)
    divisor = 1000000;
  else if (digits_before_point >= 12)
    divisor = 1000;
  return set_utc(static_cast<std::int64_t>(v / divisor), utc);
}

TimePattern TimePattern::compile(std::string_view pattern) {
  TimePattern tp;
  auto add_literal = [&](char c) {
    if (c == ' ' || c == '\t') tp.m_contains_space = true;
    if (tp.m_items.empty() || tp.m_items.back().conversion != 0) tp.m_items.push_back({0, {}});
    tp.m_items.back().literal += c;
  };
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    char c = pattern[i];
    if (c != '%') {
      add_literal(c);
      continue;
    }
    if (++i >= pattern.size()) throw Error(message(N_("time format '{}' ends with a lone '%'"), pattern));
    char conv = pattern[i];
    switch (conv) {
    case '%': add_literal('%'); break;
    case 'n':
    case 't': add_literal(conv == 'n' ? '\n' : '\t'); break;
    case 'T': // %H:%M:%S
      tp.m_gives |= k_gives_clock;
      tp.m_items.push_back({'H', {}});
      add_literal(':');
      tp.m_items.push_back({'M', {}});
      add_literal(':');
      tp.m_items.push_back({'S', {}});
      break;
    case 'R': // %H:%M
      tp.m_gives |= k_gives_clock;
      tp.m_items.push_back({'H', {}});
      add_literal(':');
      tp.m_items.push_back({'M', {}});
      break;
    case 'F': // %Y-%m-%d
      tp.m_gives |= k_gives_date;
      tp.m_items.push_back({'Y', {}});
      add_literal('-');
      tp.m_items.push_back({'m', {}});
      add_literal('-');
      tp.m_items.push_back({'d', {}});
      break;
    case 'D': // %m/%d/%y
      tp.m_gives |= k_gives_date;
      tp.m_items.push_back({'m', {}});
      add_literal('/');
      tp.m_items.push_back({'d', {}});
      add_literal('/');
      tp.m_items.push_back({'y', {}});
      break;
    case 'Y':
    case 'y':
    case 'm':
    case 'd':
    case 'e':
    case 'H':
    case 'M':
    case 'S':
    case 'b':
    case 'h':
    case 'B':
    case 'a':
    case 'A':
    case 'z':
    case 'Z':
    case 's':
      if (conv == 'z' || conv == 'Z' || conv == 's') tp.m_local = false;
      tp.m_gives |= conv == 's'                                 ? k_gives_epoch
                    : conv == 'z' || conv == 'Z'                ? k_gives_offset
                    : conv == 'H' || conv == 'M' || conv == 'S' ? k_gives_clock
                    : conv == 'a' || conv == 'A'                ? 0
                                                                : k_gives_date;
      tp.m_items.push_back({conv == 'h' ? 'b' : conv, {}});
      if (conv == 'e') tp.m_contains_space = true; // day padded with a space
      break;
    default:
      throw Error(
          message(N_("time format '{}': conversion '%{}' is not supported (supported: %Y %y %m %d %e %H "
                     "%M %S %T %F %D %R %b %h %B %a %A %z %Z %s)"),
                  pattern, conv));
    }
  }
  return tp;
}

namespace {

// Reads one strftime conversion ('Y', 'b', 'z', ...) at `pos` of `s` into `f`; false if the text
// there does not fit it.
bool read_conversion(char conversion, std::string_view s, std::size_t& pos, TimePattern::Fields& f) {
  unsigned v = 0;
  switch (conversion) {
  case 'Y': return digits(s, pos, 4, f.y);
  case 'y':
    if (!digits(s, pos, 2, v)) return false;
    f.y = v < 69 ? 2000 + v : 1900 + v;
    return true;
  case 'm': return some_digits(s, pos, 2, f.mo);
  case 'e':
    if (pos < s.size() && s[pos] == ' ') ++pos;
    [[fallthrough]];
  case 'd': return some_digits(s, pos, 2, f.d);
  case 'H': return some_digits(s, pos, 2, f.h);
  case 'M': return some_digits(s, pos, 2, f.mi);
  case 'S': return some_digits(s, pos, 2, f.sec);
  case 'b':
  case 'B': {
    f.mo = 0;
    for (unsigned i = 0; i < 12 && f.mo == 0; ++i) {
      if (conversion == 'B' && iequals_prefix(s, pos, k_month_names[i])) {
        f.mo = i + 1;
        pos += k_month_names[i].size();
      } else if (iequals_prefix(s, pos, k_months[i])) {
        f.mo = i + 1;
        pos += 3;
      }
    }
    return f.mo != 0;
  }
  case 'a':
  case 'A': {
    std::size_t start = pos;
    while (pos < s.size() && ascii_lower(s[pos]) >= 'a' && ascii_lower(s[pos]) <= 'z')
      ++pos;
    return pos != start;
  }
  case 'z': return parse_offset(s, pos, f.offset);
  case 'Z':
    if (!iequals_prefix(s, pos, "utc") && !iequals_prefix(s, pos, "gmt")) return false;
    pos += 3;
    return true;
  case 's': {
    std::size_t start = pos;
    while (pos < s.size() && is_digit(s[pos]))
      ++pos;
    if (pos == start || !parse_epoch(s.substr(start, pos - start), 1, f.epoch)) return false;
    return true;
  }
  default: return false;
  }
}

} // namespace

bool TimePattern::read(std::string_view s, Fields& f) const {
  std::size_t pos = 0;
  for (const Item& item : m_items) {
    if (item.conversion == 0) {
      if (s.substr(pos, item.literal.size()) != item.literal) return false;
      pos += item.literal.size();
    } else if (!read_conversion(item.conversion, s, pos, f)) {
      return false;
    }
  }
  return pos == s.size();
}

bool TimePattern::finish(const Fields& f, std::int64_t& utc) const {
  if (f.epoch >= 0) {
    utc = f.epoch;
    return true;
  }
  if (!valid_civil(f.y, f.mo, f.d, f.h, f.mi, f.sec)) return false;
  const std::int64_t offset =
      m_local ? local_offset_at(to_epoch(f.y, f.mo, f.d, f.h, f.mi, f.sec, 0)) : f.offset;
  return set_utc(to_epoch(f.y, f.mo, f.d, f.h, f.mi, f.sec, offset), utc);
}

} // namespace darkscan::util
