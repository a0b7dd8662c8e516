// W3C extended logs (IIS, CloudFront): "#Fields" compiled once, lines split on their separator.
#include <darkscan/common/error.hpp>
#include <darkscan/parse/hit_fields.hpp>
#include <darkscan/parse/w3c_format.hpp>
#include <darkscan/parse/w3c_separators.hpp>
#include <darkscan/util/blank.hpp>
#include <darkscan/util/text.hpp>
#include <darkscan/util/time_parse.hpp>

#include <fmt/format.h>

#include <array>
#include <cstring>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace darkscan {

using w3c::find_separator;
using w3c::mark_separators;
using w3c::separator_of;
using w3c::SeparatorBits;
using w3c::SeparatorWords;

namespace {

constexpr std::string_view k_directive = "#Fields:";

struct Known {
  std::string_view name; // as IIS and CloudFront spell it, compared without case
  FieldKind kind;
  W3cFormat::Special special;
  std::uint8_t rank;
};
// IIS: learn.microsoft.com "W3C Logging" (field names and prefixes); CloudFront: "Standard logging
// reference" (the 33 fields of its standard log).
constexpr Known k_known[] = {
    {"date", FieldKind::skip, W3cFormat::Special::date, 0},
    {"time", FieldKind::skip, W3cFormat::Special::time, 0},
    {"c-ip", FieldKind::client, W3cFormat::Special::none, 0},
    {"cs-username", FieldKind::user, W3cFormat::Special::none, 0},   // not for translation
    {"cs-method", FieldKind::method, W3cFormat::Special::none, 0},   // not for translation
    {"cs-uri", FieldKind::target, W3cFormat::Special::none, 0},      // not for translation
    {"cs-uri-stem", FieldKind::path, W3cFormat::Special::none, 0},   // not for translation
    {"cs-uri-query", FieldKind::query, W3cFormat::Special::none, 0}, // not for translation
    {"sc-status", FieldKind::status, W3cFormat::Special::none, 0},   // not for translation
    {"sc-bytes", FieldKind::bytes, W3cFormat::Special::none, 0},     // not for translation
    {"cs(referer)", FieldKind::referer, W3cFormat::Special::none, 0},
    {"cs(referrer)", FieldKind::referer, W3cFormat::Special::none, 1},
    {"cs(user-agent)", FieldKind::user_agent, W3cFormat::Special::none, 0}, // not for translation
    // CloudFront: the site's name.
    {"x-host-header", FieldKind::host, W3cFormat::Special::none, 0}, // not for translation
    {"cs-host", FieldKind::host, W3cFormat::Special::none, 1},       // not for translation
    // CloudFront's cs(Host) is the distribution's name (d111111abcdef8.cloudfront.net), not the site's:
    // taken for the site, it would make every internal link external. Read only outside CloudFront.
    {"cs(host)", FieldKind::host, W3cFormat::Special::none, 2},
    {"x-forwarded-for", FieldKind::forwarded_for, W3cFormat::Special::none, 0},       // not for translation
    {"cs(x-forwarded-for)", FieldKind::forwarded_for, W3cFormat::Special::none, 1},   // not for translation
    {"cs(x-requested-with)", FieldKind::requested_with, W3cFormat::Special::none, 0}, // not for translation
    {"cs-version", FieldKind::protocol, W3cFormat::Special::none, 0},                 // not for translation
    {"cs-protocol-version", FieldKind::protocol, W3cFormat::Special::none, 1},        // not for translation
    {"time-taken", FieldKind::duration, W3cFormat::Special::none, 0},                 // not for translation
};

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// `value` decoded into `scratch`, or `value` itself when it holds nothing to decode (or no room).
std::string_view decode(std::string_view value, W3cFormat::Decode how, util::Scratch& scratch) {
  if (how == W3cFormat::Decode::none || value.empty()) return value;
  // A CloudFront log whose fields IIS has too is read as IIS's; its agents have %20 for spaces, no
  // '+' (a CDN review, 2026-12-07: a WhatsApp preview, "WhatsApp/2.23.20.0%20A", was a bot). IIS
  // agents nearly always hold a '+', found at once.
  if (how == W3cFormat::Decode::plus && std::memchr(value.data(), '+', value.size()) == nullptr &&
      std::memchr(value.data(), '%', value.size()) != nullptr)
    how = W3cFormat::Decode::percent;
  if (how != W3cFormat::Decode::plus && std::memchr(value.data(), '%', value.size()) == nullptr) return value;
  char* out = scratch.reserve(value.size());
  if (!out) return value;
  if (how == W3cFormat::Decode::reencoded) {
    // A path keeps its own escapes ("%3F" is no query), as a text log's: only CloudFront's %25 for the
    // request's '%' is undone ("/caf%25C3%25A9" -> "/caf%C3%A9", read as "/café" as a text log's).
    std::size_t n = 0;
    for (std::size_t i = 0; i < value.size(); ++i) {
      out[n++] = value[i];
      if (value[i] == '%' && i + 2 < value.size() && value[i + 1] == '2' && value[i + 2] == '5') i += 2;
    }
    return scratch.keep(n);
  }
  if (how == W3cFormat::Decode::plus) {
    // One branch-free pass: the loop shared with percent-decoding was a sixth of the parser's work, a
    // memchr per '+' (a dozen in an agent) a tenth. (Eight bytes at a time by hand took more
    // instructions than the loop the compiler vectorises: 837 M against 827 M on 100,000 IIS lines;
    // 16 at a time with SSE2, the last 16 bytes rewritten over the ones before them rather than
    // byte by byte, fewer: decode() 58 M against 84 M on 400,000 IIS lines of gen-log.)
    const char* in = value.data();
    const std::size_t n = value.size();
    std::size_t i = 0;
#if defined(__SSE2__)
    if (n >= 16) {
      const __m128i plus = _mm_set1_epi8('+'), flip = _mm_set1_epi8('+' ^ ' ');
      const auto chunk = [&](std::size_t at) {
        const __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(in + at));
        _mm_storeu_si128(reinterpret_cast<__m128i*>(out + at),
                         _mm_xor_si128(x, _mm_and_si128(_mm_cmpeq_epi8(x, plus), flip)));
      };
      for (; i + 16 <= n; i += 16)
        chunk(i);
      if (i < n) chunk(n - 16);
      return scratch.keep(n);
    }
#endif
    for (; i < n; ++i)
      out[i] = in[i] == '+' ? ' ' : in[i];
    return scratch.keep(n);
  }
  // CloudFront encodes a '%' of the request again, as %25: "caf%25C3%25A9", "WhatsApp/2.23.20.0%2520A"
  // (a CDN review, 2026-12-07; Matomo's log importer decodes such fields twice): decoded once more,
  // in place (a decoded value is never longer: a second room for it was not always there).
  const char* in = value.data();
  std::size_t size = value.size();
  for (bool again = true; again;) {
    again = false;
    std::size_t n = 0;
    for (std::size_t i = 0; i < size; ++i) {
      const char c = in[i];
      if (c == '%' && i + 2 < size && hex_value(in[i + 1]) >= 0 && hex_value(in[i + 2]) >= 0) {
        out[n] = static_cast<char>(hex_value(in[i + 1]) * 16 + hex_value(in[i + 2]));
        again |= out[n] == '%';
        ++n;
        i += 2;
      } else {
        out[n++] = c;
      }
    }
    in = out;
    size = n;
  }
  return scratch.keep(size);
}

bool two_digits(std::string_view s, std::size_t at, unsigned& out) {
  if (at + 2 > s.size() || s[at] < '0' || s[at] > '9' || s[at + 1] < '0' || s[at + 1] > '9') return false;
  out = static_cast<unsigned>((s[at] - '0') * 10 + (s[at + 1] - '0'));
  return true;
}

// "2026-11-20" -> days since the epoch.
bool parse_date(std::string_view s, std::int64_t& days) {
  unsigned c = 0, y = 0, m = 0, d = 0;
  // 1970 to 9999, as util::parse_clf_time and parse_iso8601 read them (a second review, 2026-12-06:
  // 1969 was written as it came, and 9999-12-31 23:59:60 as the year 10000).
  if (s.size() != 10 || s[4] != '-' || s[7] != '-' || !two_digits(s, 0, c) || !two_digits(s, 2, y) ||
      !two_digits(s, 5, m) || !two_digits(s, 8, d) || !util::valid_civil(c * 100 + y, m, d, 0, 0, 0))
    return false;
  days = util::days_from_civil(c * 100 + y, m, d);
  return true;
}

// "08:15:02" (a fraction after it is ignored) -> seconds of the day.
bool parse_clock(std::string_view s, std::int64_t& seconds) {
  unsigned h = 0, m = 0, sec = 0;
  if (s.size() < 8 || s[2] != ':' || s[5] != ':' || !two_digits(s, 0, h) || !two_digits(s, 3, m) ||
      !two_digits(s, 6, sec) || h > 23 || m > 59 || sec > 60)
    return false;
  if (s.size() > 8 && s[8] != '.') return false;
  seconds = h * 3600 + m * 60 + sec;
  return true;
}

// parse_date() of a date field. A log holds one date for hours: remembered per thread, as the CLF
// minute is.
inline bool read_date(std::string_view value, std::int64_t& days) {
  thread_local char last_date[10] = {};
  thread_local std::int64_t last_days = 0;
  if (value.size() == 10 && std::memcmp(value.data(), last_date, 10) == 0) {
    days = last_days;
    return true;
  }
  const bool ok = parse_date(value, days);
  if (ok) {
    std::memcpy(last_date, value.data(), 10);
    last_days = days;
  }
  return ok;
}

// A count of milliseconds (IIS) or whole seconds as digits; false for anything else (CloudFront's
// "0.123", too long a number), which parse_duration() reads.
inline bool plain_duration(std::string_view value, std::int64_t scale, std::int64_t& out) {
  if (value.empty() || value.size() > 9) return false;
  std::int64_t n = 0;
  for (const char c : value) {
    if (c < '0' || c > '9') return false;
    n = n * 10 + (c - '0');
  }
  out = n * scale;
  return true;
}

// Stores the (decoded) `value` of `field` in `hit`; false when it is not what the field holds. The
// fields of IIS's and CloudFront's usual lines here, in a switch (a chain of ifs and a call to
// store_field() for a third of them cost about 400 instructions a line, callgrind), the others
// through store_field(). A value "-" came as empty. time-taken is in seconds from CloudFront, in
// milliseconds from IIS.
inline bool store_value(const W3cFormat::Field& field, std::string_view value, bool cloudfront, Hit& hit) {
  switch (field.kind) {
  case FieldKind::user_agent: hit.user_agent = value; return true;
  case FieldKind::referer: hit.referer = value; return true;
  case FieldKind::path: hit.path = value; return true;
  case FieldKind::method: hit.method = value; return true;
  case FieldKind::user: hit.user = value; return true;
  case FieldKind::client: hit.client = value; return !value.empty();
  case FieldKind::query: hit.query = query_value(value); return true;
  case FieldKind::status:
    return value.empty() || (value.size() == 3 && read_status(value.data(), hit.status));
  case FieldKind::duration: {
    const std::int64_t scale = cloudfront ? 1000000 : 1000;
    return plain_duration(value, scale, hit.duration_us) || parse_duration(value, scale, hit.duration_us);
  }
  default: return store_field(field.kind, value, hit);
  }
}

// Why a value of `field` was refused, for ParseError.
const char* field_problem(const W3cFormat::Field& field) {
  using Special = W3cFormat::Special;
  return field.special == Special::date    ? N_("the date is not YYYY-MM-DD")
         : field.special == Special::time  ? N_("the time is not HH:MM:SS")
         : field.kind == FieldKind::status ? N_("the status is not a 3-digit number")
         : field.kind == FieldKind::bytes  ? N_("the byte count is not a number")
         : field.kind == FieldKind::client ? N_("the client address is empty")
                                           : N_("a field does not hold what #Fields says");
}

} // namespace

bool W3cFormat::is_fields_directive(std::string_view line) {
  return line.size() >= k_directive.size() && util::iequals(line.substr(0, k_directive.size()), k_directive);
}

// Fields that CloudFront's standard logs have and IIS's do not (docs.aws.amazon.com, AmazonCloudFront,
// "Standard logging reference", the fields of v1 and v2): CloudFront's v2 lets the user choose the
// fields, so that a list without x-edge-* is still CloudFront's (a review, 2026-12-07: such a log
// was read as IIS's, its %20-encoded agents not decoded, a WhatsApp preview taken for a bot).
// clang-format off
constexpr std::string_view k_cloudfront_only[] = { // not for translation: field names
    "x-host-header", "cs-protocol", "ssl-protocol", "ssl-cipher", "cs-protocol-version", // not for translation
    "fle-status", "fle-encrypted-fields", "c-port", "time-to-first-byte", "sc-content-type", // not for translation
    "sc-content-len", "sc-range-start", "sc-range-end"}; // not for translation
// clang-format on

std::shared_ptr<const W3cFormat> W3cFormat::compile(std::string_view fields, bool cloudfront) {
  auto format = std::make_shared<W3cFormat>();
  format->m_cloudfront = cloudfront;
  if (is_fields_directive(fields)) fields.remove_prefix(k_directive.size());
  std::vector<std::string_view> names;
  std::size_t pos = 0;
  while (pos < fields.size()) {
    const std::size_t start = fields.find_first_not_of(" \t\r\n", pos);
    if (start == std::string_view::npos) break;
    const std::size_t end = std::min(fields.find_first_of(" \t\r\n", start), fields.size());
    names.push_back(fields.substr(start, end - start));
    pos = end;
  }
  if (names.empty()) throw Error(translated(N_("#Fields: the directive names no field")), ExitCode::usage);
  for (std::string_view name : names) {
    if (name.size() > 7 && util::iequals(name.substr(0, 7), "x-edge-")) format->m_cloudfront = true;
    for (const std::string_view own : k_cloudfront_only)
      if (util::iequals(name, own)) format->m_cloudfront = true;
  }
  bool request = false;
  format->m_spec = "#Fields:";
  for (std::string_view name : names) {
    format->m_spec += ' ';
    format->m_spec += name;
    Field field;
    for (const Known& k : k_known) {
      if (!util::iequals(name, k.name)) continue;
      field = {k.kind, k.special, Decode::none, k.rank, false};
      if (format->m_cloudfront && name.size() == 8 && util::iequals(name, "cs(host)"))
        field.kind = FieldKind::skip;
      if (k.kind == FieldKind::user_agent)
        field.decode = format->m_cloudfront ? Decode::percent : Decode::plus;
      if (k.kind == FieldKind::referer && format->m_cloudfront) field.decode = Decode::percent;
      if (k.kind == FieldKind::path && format->m_cloudfront) field.decode = Decode::reencoded;
      request |= k.kind == FieldKind::path || k.kind == FieldKind::target;
    }
    field.ignored = field.kind == FieldKind::skip && field.special == Special::none;
    format->m_fields.push_back(field);
  }
  std::array<bool, 32> seen{};
  format->m_plain = true;
  for (const Field& f : format->m_fields) {
    if (f.kind == FieldKind::skip) continue;
    auto& kind_seen = seen[static_cast<std::size_t>(f.kind)];
    if (kind_seen) format->m_plain = false;
    kind_seen = true;
  }
  format->m_has_referer = format->has(FieldKind::referer);
  format->m_has_user_agent = format->has(FieldKind::user_agent);
  if (!request)
    throw Error(
        message(N_("#Fields: no field holds the request (cs-uri-stem or cs-uri) in '{}'"), format->m_spec),
        ExitCode::usage);
  return format;
}

bool W3cFormat::has(FieldKind kind) const {
  for (const Field& f : m_fields)
    if (f.kind == kind) return true;
  return false;
}

bool W3cFormat::parse(std::string_view line, Hit& hit, ParseError& error, std::size_t& fields,
                      util::Scratch& scratch) const {
  util::blank(hit);
  fields = 0;
  if (!line.empty() && line[0] == '#') {
    error = {N_("a W3C directive"), 0, true};
    return false;
  }
  const char separator = separator_of(line);
  if (line.size() > w3c::k_bitmap_max) {
    return parse_fields(line, hit, error, fields, scratch,
                        [&, separator](std::size_t from) { return find_separator(line, from, separator); });
  }
  SeparatorWords words; // not zeroed: mark_separators() writes those read
  return parse_fields(line, hit, error, fields, scratch,
                      SeparatorBits(words, mark_separators(line, separator, words), line.size()));
}

// Inlined in parse(), once for each way of finding the fields' ends: left to itself, GCC 12 made it a
// call, and the SeparatorBits a struct in memory (1,711 M against 1,687 M instructions on 400,000
// IIS lines, callgrind).
template <typename NextEnd>
[[gnu::always_inline]] inline bool W3cFormat::parse_fields(std::string_view line, Hit& hit, ParseError& error,
                                                           std::size_t& fields, util::Scratch& scratch,
                                                           NextEnd field_end) const {
  std::array<std::uint8_t, 32> rank;
  if (!m_plain) rank.fill(0xff);
  std::int64_t days = 0, clock = 0;
  bool have_date = false, have_clock = false;
  std::size_t pos = 0, index = 0;
  const Field* const field_list = m_fields.data();
  const std::size_t field_total = m_fields.size();
  while (pos <= line.size()) {
    const std::size_t end = field_end(pos);
    if (index >= field_total) {
      error = {N_("more fields than #Fields names"), pos};
      return false;
    }
    const Field& field = field_list[index];
    ++index;
    // Not substr() and == "-": a call each (bounds check; memcmp), a dozen fields a line.
    std::string_view value(line.data() + pos, end - pos);
    const std::size_t start = pos;
    pos = end + 1;
    if (field.ignored) continue;
    if (value.size() == 1 && value[0] == '-') value = {};
    bool ok = true;
    if (field.special == Special::date) {
      ok = read_date(value, days);
      have_date = ok;
    } else if (field.special == Special::time) {
      ok = parse_clock(value, clock);
      have_clock = ok;
    } else if (m_plain) {
      // No other field of its kind (IIS's and CloudFront's usual fields): nothing to rank.
      if (field.decode != Decode::none) value = decode(value, field.decode, scratch);
      ok = store_value(field, value, m_cloudfront, hit);
    } else if (rank[static_cast<std::size_t>(field.kind)] > field.rank &&
               (!value.empty() || rank[static_cast<std::size_t>(field.kind)] == 0xff)) {
      // A better field that is empty ("-") does not clear what a worse one gave.
      value = decode(value, field.decode, scratch);
      ok = store_value(field, value, m_cloudfront, hit);
      if (ok && !value.empty()) rank[static_cast<std::size_t>(field.kind)] = field.rank;
    }
    if (!ok) {
      error = {field_problem(field), start};
      util::blank(hit);
      return false;
    }
  }
  if (index != field_total) {
    error = {N_("fewer fields than #Fields names (line cut short?)"), line.size()};
    util::blank(hit);
    return false;
  }
  fields = index;
  if (have_date && have_clock) {
    if (days * 86400 + clock > util::k_max_utc) {
      error = {N_("the time is after 9999-12-31 23:59:59"), 0};
      util::blank(hit);
      return false;
    }
    hit.time = days * 86400 + clock;
  }
  hit.has_referer = m_has_referer;
  hit.has_user_agent = m_has_user_agent;
  finish_request(hit);
  return true;
}

} // namespace darkscan
