#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace darkscan::util {

// "2026-11-20T08:15:02Z" for UTC seconds since the epoch.
std::string format_utc(std::int64_t seconds);

// Days from 1970-01-01 to the given proleptic Gregorian date (H. Hinnant's
// days_from_civil); no validation.
constexpr std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

// Whether a civil date and time is one: 1970 to 9999, a day the month has (2026-02-30 is none:
// days_from_civil would make it 2026-03-02), and a second up to 60 (a leap second). For the logs'
// times and for --since/--until alike.
bool valid_civil(unsigned y, unsigned mo, unsigned d, unsigned h, unsigned mi, unsigned sec);

// The last UTC time a report can write (ISO 8601 with a four-digit year): 9999-12-31T23:59:59Z. Times
// are read from 1970-01-01T00:00:00Z to it, after their offset.
inline constexpr std::int64_t k_max_utc = 253402300799;

// All parsers below take the field as logged and return UTC seconds since the
// epoch; they return false (and leave `utc` alone) on anything malformed.
// None allocates.

// Common Log Format time, "10/Oct/2000:13:55:36 -0700" (nginx $time_local,
// Apache %t without the brackets); without its offset, local time (TZ), as %{...}t patterns.
bool parse_clf_time(std::string_view text, std::int64_t& utc);

// ISO 8601 as nginx $time_iso8601 writes it, "2000-10-10T13:55:36-07:00";
// also accepts "Z", a space for "T", fractional seconds and "+0700"; without an offset, local time.
bool parse_iso8601(std::string_view text, std::int64_t& utc);

// Epoch time with optional fraction, "1548117974" or "1548117974.123" (nginx
// $msec). `divisor` scales an integer count: 1 for seconds, 1000 for Apache's
// %{msec}t, 1000000 for %{usec}t.
bool parse_epoch(std::string_view text, std::int64_t divisor, std::int64_t& utc);

// A time whose form is known only from its value, as JSON logs write them: RFC 3339 / ISO 8601
// ("2026-11-20T08:15:02.123456789+01:00", Traefik's StartUTC, nginx $time_iso8601), Common Log
// Format ($time_local), or a count since the epoch with an optional fraction, its unit told by its
// number of digits: up to 11 seconds (Caddy's "ts": 1646861401.524), 12-14 milliseconds, 15-17
// microseconds, 18-19 nanoseconds (Cloudflare's EdgeStartTimestamp). Counts so read cover the years
// 1973 to 5138; seconds before 1973 are taken for seconds too.
bool parse_any_time(std::string_view text, std::int64_t& utc);

// A UTC offset alone, "+0100", "-07:00", "+07" or "Z" (Apache's "%{%z}t"), in seconds east of UTC.
bool parse_utc_offset(std::string_view text, std::int64_t& seconds);

// Month number 1..12 from an English abbreviation ("Jan"), 0 if none.
unsigned month_from_abbrev(std::string_view abbrev);

// A strftime-style pattern (Apache's %{...}t) compiled once and matched against
// log fields. Supports %Y %y %m %d %e %H %M %S %T %F %D %R %b %h %B %a %A %z
// %Z (GMT/UTC only) %s %n %t %%; other conversions are refused by compile().
// Without %z or %s the time is taken as UTC.
class TimePattern {
public:
  // Throws darkscan::Error naming the unsupported conversion.
  static TimePattern compile(std::string_view pattern);

  bool parse(std::string_view text, std::int64_t& utc) const {
    Fields fields;
    return read(text, fields) && finish(fields, utc);
  }

  // The values of a time, as its conversions read them: the defaults where none does.
  struct Fields {
    unsigned y = 1970, mo = 1, d = 1, h = 0, mi = 0, sec = 0;
    std::int64_t offset = 0;
    std::int64_t epoch = -1;
  };
  // Reads `text` into the fields this pattern's conversions give, leaving the others: a time logged
  // in parts ("%{%Y-%m-%d}t ... %{%H:%M:%S}t") is read part by part into one Fields. False when
  // `text` does not fit the pattern.
  bool read(std::string_view text, Fields& fields) const;
  // The UTC time of `fields`, in the time zone of TZ when local(). False when it is no valid time.
  bool finish(const Fields& fields, std::int64_t& utc) const;
  // What the conversions give, as bits: k_gives_date, k_gives_clock, k_gives_offset, k_gives_epoch.
  static constexpr unsigned k_gives_date = 1, k_gives_clock = 2, k_gives_offset = 4, k_gives_epoch = 8;
  unsigned gives() const { return m_gives; }
  // Makes this pattern the finisher of a time whose other part `part` reads (gives() disjoint).
  void add_part(const TimePattern& part) {
    m_gives |= part.m_gives;
    m_local = m_local && part.m_local;
  }

  bool contains_space() const { return m_contains_space; }
  // True when the pattern gives no offset (no %z, %Z or %s): Apache writes %{...}t in the server's
  // local time, so its times are read in the time zone of TZ, as --since is; false makes them UTC
  // (an offset logged apart, "%{%z}t", is applied by the caller).
  bool local() const { return m_local; }
  void read_as_utc() { m_local = false; }

private:
  struct Item {
    char conversion; // 0 for a literal
    std::string literal;
  };
  std::vector<Item> m_items;
  bool m_contains_space = false;
  bool m_local = true;
  unsigned m_gives = 0;
};

} // namespace darkscan::util
