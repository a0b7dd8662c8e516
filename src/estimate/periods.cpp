#include <darkscan/common/error.hpp>
#include <darkscan/estimate/periods.hpp>
#include <darkscan/util/time_parse.hpp>

#include <fmt/format.h>

#include <charconv>
#include <ctime>
#include <optional>
#include <string>
#include <system_error>

namespace darkscan {

namespace {

std::tm local_tm(std::int64_t utc) {
  const std::time_t t = static_cast<std::time_t>(utc);
  std::tm tm{};
  ::localtime_r(&t, &tm);
  return tm;
}

std::int64_t from_local(std::tm tm) {
  tm.tm_isdst = -1; // let mktime decide
  return static_cast<std::int64_t>(std::mktime(&tm));
}

std::int64_t local_midnight(std::int64_t utc, int days_offset) {
  std::tm tm = local_tm(utc);
  tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
  tm.tm_mday += days_offset;
  return from_local(tm);
}

bool all_digits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}

// Seconds in "N" followed by a unit (m, h, d or w), at least `unit_min` seconds a unit; -1 when it
// is not that form, or more than k_max_duration (a number too long for 64 bits was an uncaught
// exception, and -99999999999999d an overflow, before 2026-12-05).
constexpr std::int64_t k_max_duration = std::int64_t{200} * 366 * 86400; // 200 years
std::int64_t duration_seconds(std::string_view v, std::int64_t unit_min) {
  if (v.size() < 2 || !all_digits(v.substr(0, v.size() - 1))) return -1;
  std::int64_t unit = 0;
  switch (v.back()) {
  case 'm': unit = 60; break;
  case 'h': unit = 3600; break;
  case 'd': unit = 86400; break;
  case 'w': unit = 7 * 86400; break;
  default: return -1;
  }
  if (unit < unit_min) return -1;
  std::int64_t n = 0;
  const std::string_view digits = v.substr(0, v.size() - 1);
  const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), n);
  if (ec != std::errc() || end != digits.data() + digits.size() || n > k_max_duration / unit) return -1;
  return n * unit;
}

} // namespace

std::int64_t parse_duration_arg(std::string_view option, std::string_view v) {
  const std::int64_t seconds = duration_seconds(v, 3600);
  if (seconds <= 0) {
    throw Error(message(N_("{}: cannot read '{}' as a duration (a whole number of hours, days or weeks: "
                           "48h, 90d, 12w)"),
                        option, v));
  }
  return seconds;
}

PeriodKind parse_period_kind(std::string_view name) {
  if (name == "hour") return PeriodKind::hour;
  if (name == "day") return PeriodKind::day;
  if (name == "week") return PeriodKind::week;
  if (name == "month") return PeriodKind::month;
  throw Error(message(N_("--by: unknown period '{}' (hour, day, week, month)"), name));
}

const char* period_label_pattern(PeriodKind kind) {
  switch (kind) {
  case PeriodKind::hour: return "%Y-%m-%dT%H";
  case PeriodKind::day: return "%Y-%m-%d";
  case PeriodKind::week: return "%G-W%V";
  case PeriodKind::month: return "%Y-%m";
  case PeriodKind::none: break;
  }
  return "";
}

const char* period_kind_name(PeriodKind kind) {
  switch (kind) {
  case PeriodKind::hour: return "hour";
  case PeriodKind::day: return "day";
  case PeriodKind::week: return "week";
  case PeriodKind::month: return "month";
  case PeriodKind::none: break;
  }
  return "";
}

namespace {

// "Z", "+01:00", "+0100", "+01", "-05:30": seconds east of UTC; nullopt for anything else.
std::optional<std::int64_t> zone_offset(std::string_view z) {
  if (z == "Z") return 0;
  if (z.size() < 3 || (z[0] != '+' && z[0] != '-')) return std::nullopt;
  std::string digits;
  for (std::size_t i = 1; i < z.size(); ++i) {
    if (z[i] == ':' && i == 3) continue;
    if (z[i] < '0' || z[i] > '9') return std::nullopt;
    digits += z[i];
  }
  if (digits.size() != 2 && digits.size() != 4) return std::nullopt;
  const int hh = std::stoi(digits.substr(0, 2)), mm = digits.size() == 4 ? std::stoi(digits.substr(2)) : 0;
  if (hh > 14 || mm > 59) return std::nullopt;
  return (z[0] == '-' ? -1 : 1) * static_cast<std::int64_t>(hh * 3600 + mm * 60);
}

} // namespace

std::int64_t parse_time_arg(std::string_view option, std::string_view v, std::int64_t now) {
  auto bad = [&]() -> Error {
    return Error(message(N_("{}: cannot read '{}' as a time (try 2026-11-20, 2026-11-20T08:00, "
                            "2026-11-20T08:00:00+01:00, today, yesterday, -7d, -12h)"),
                         option, v));
  };
  if (v == "today") return local_midnight(now, 0);
  if (v == "yesterday") return local_midnight(now, -1);
  if (v.size() >= 3 && v[0] == '-' && all_digits(v.substr(1, v.size() - 2))) {
    const std::int64_t seconds = duration_seconds(v.substr(1), 60);
    if (seconds < 0) throw bad();
    return now - seconds;
  }
  // Date, optionally with a time; local time unless an offset is given.
  std::int64_t utc = 0;
  if (util::parse_iso8601(v, utc) && (v.back() == 'Z' || v.find_last_of("+-") > 10)) return utc;
  std::tm tm{};
  unsigned y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0;
  std::string text(v);
  int consumed = 0;
  if (std::sscanf(text.c_str(), "%4u-%2u-%2u%n", &y, &mo, &d, &consumed) != 3 || consumed != 10) throw bad();
  if (text.size() > 10) {
    if (text[10] != 'T' && text[10] != ' ') throw bad();
    int more = 0;
    std::string rest = text.substr(11);
    // An offset after the minutes or the seconds: Z, +01:00, +0100, +01 (a review, 2026-12-06:
    // "2026-11-20T08:00+01:00" was refused, though the help invites adding one to that form).
    std::optional<std::int64_t> offset;
    if (const std::size_t sign = rest.find_first_of("+-Z", 5); sign != std::string::npos) {
      offset = zone_offset(std::string_view(rest).substr(sign));
      if (!offset) throw bad();
      rest.resize(sign);
    }
    if (std::sscanf(rest.c_str(), "%2u:%2u%n", &h, &mi, &more) != 2) throw bad();
    if (static_cast<std::size_t>(more) < rest.size()) {
      int sec_len = 0;
      if (std::sscanf(rest.c_str() + more, ":%2u%n", &s, &sec_len) != 1 ||
          static_cast<std::size_t>(more + sec_len) != rest.size()) {
        throw bad();
      }
    }
    if (offset) {
      if (!util::valid_civil(y, mo, d, h, mi, s)) throw bad();
      return util::days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + s - *offset;
    }
  }
  if (!util::valid_civil(y, mo, d, h, mi, s)) throw bad(); // the check the logs' times have
  tm.tm_year = static_cast<int>(y) - 1900;
  tm.tm_mon = static_cast<int>(mo) - 1;
  tm.tm_mday = static_cast<int>(d);
  tm.tm_hour = static_cast<int>(h);
  tm.tm_min = static_cast<int>(mi);
  tm.tm_sec = static_cast<int>(s);
  return from_local(tm);
}

Period period_of(PeriodKind kind, std::int64_t utc) {
  std::tm tm = local_tm(utc);
  Period p;
  switch (kind) {
  case PeriodKind::none:
    return {std::numeric_limits<std::int64_t>::min(), std::numeric_limits<std::int64_t>::max(), ""};
  case PeriodKind::hour: {
    // An hour is 3600 seconds, also the one the clocks go back, which is lived twice: each has its
    // own offset in its label ("2026-10-25T02+02:00", "2026-10-25T02+01:00"). mktime made them one
    // period of two hours, twice the traffic of its neighbours (a review, 2026-12-07).
    p.start = utc - (tm.tm_min * 60 + tm.tm_sec);
    p.end = p.start + 3600;
    p.label = format_local(period_label_pattern(kind), p.start);
    if (format_local(period_label_pattern(kind), p.start - 3600) == p.label ||
        format_local(period_label_pattern(kind), p.start + 3600) == p.label) {
      std::string zone = format_local("%z", p.start); // "+0200"
      if (zone.size() == 5) zone.insert(3, ":");
      p.label += zone;
    }
    return p;
  }
  case PeriodKind::day:
    p.start = local_midnight(utc, 0);
    p.end = local_midnight(utc, 1);
    p.label = format_local(period_label_pattern(kind), p.start);
    return p;
  case PeriodKind::week: {
    const int since_monday = (tm.tm_wday + 6) % 7;
    p.start = local_midnight(utc, -since_monday);
    p.end = local_midnight(p.start, 7);
    p.label = format_local(period_label_pattern(kind), p.start);
    return p;
  }
  case PeriodKind::month: {
    tm.tm_mday = 1;
    tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
    p.start = from_local(tm);
    tm.tm_mon += 1;
    p.end = from_local(tm);
    p.label = format_local(period_label_pattern(kind), p.start);
    return p;
  }
  }
  return p;
}

std::string format_local(const std::string& pattern, std::int64_t utc) {
  const std::tm tm = local_tm(utc);
  char buf[512];
  const std::size_t n = std::strftime(buf, sizeof buf, pattern.c_str(), &tm);
  if (n == 0 && !pattern.empty()) throw Error(message(N_("-o: cannot expand '{}'"), pattern));
  return std::string(buf, n);
}

PeriodSplitter::PeriodSplitter(PeriodKind kind, std::optional<std::int64_t> since,
                               std::optional<std::int64_t> until, std::vector<std::string> keep_params)
    : m_kind(kind), m_since(since), m_until(until), m_keep_params(std::move(keep_params)) {}

PeriodSplitter::Slice& PeriodSplitter::slice(std::int64_t start) {
  auto it = m_slices.find(start);
  if (it == m_slices.end()) it = m_slices.emplace(start, Slice{Period{}, Aggregate(m_keep_params)}).first;
  return it->second;
}

void PeriodSplitter::add(const Hit& hit, const Verdict& verdict) {
  if (hit.time == Hit::k_no_time) {
    if (m_since || m_until) {
      ++m_untimed_left_out; // said by the run (a robustness review, 2026-12-07: lost without a word)
      return;
    }
    if (!m_current) m_current = &slice(std::numeric_limits<std::int64_t>::min());
    m_current->traffic.add(hit, verdict);
    return;
  }
  if ((m_since && hit.time < *m_since) || (m_until && hit.time >= *m_until)) return;
  if (!m_current || hit.time < m_current->period.start || hit.time >= m_current->period.end) {
    if (m_closed && m_hits_since_look >= m_look_hits &&
        (m_last_look == Hit::k_no_time || hit.time >= m_last_look + k_look_seconds ||
         hit.time <= m_last_look - k_look_seconds))
      hand_off_before(hit.time);
    Period p = period_of(m_kind, hit.time);
    Slice& s = slice(p.start);
    if (s.period.end == 0) s.period = std::move(p);
    m_current = &s;
  }
  ++m_hits_since_look;
  m_current->traffic.add(hit, verdict);
}

void PeriodSplitter::hand_off_closed(ClosedSlice closed, std::int64_t lag, std::uint64_t look_hits) {
  m_closed = std::move(closed);
  m_lag = lag;
  m_look_hits = look_hits;
}

void PeriodSplitter::hand_off_before(std::int64_t time) {
  m_last_look = time;
  m_hits_since_look = 0;
  m_current = nullptr; // add() sets it again at once
  for (auto it = m_slices.begin(); it != m_slices.end() && it->first < time - m_lag;) {
    if (it->first == Hit::k_no_time || it->second.period.end > time - m_lag) {
      ++it;
      continue;
    }
    m_closed(it->first, std::move(it->second));
    it = m_slices.erase(it);
  }
}

Aggregate PeriodSplitter::total() const {
  Aggregate all(m_keep_params);
  for (const auto& [start, slice] : m_slices)
    all.merge(slice.traffic);
  return all;
}

} // namespace darkscan
