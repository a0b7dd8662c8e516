// The per-line hot path: walks a compiled LogFormat over one line. No
// allocation, no exceptions; values stay views into the line.
#include <darkscan/common/i18n.hpp>
#include <darkscan/parse/combined_fast.hpp>
#include <darkscan/parse/hit_fields.hpp>
#include <darkscan/parse/log_format.hpp>
#include <darkscan/util/blank.hpp>

#include <algorithm>
#include <cstring>

namespace darkscan {

namespace {

// True if `literal` is at `pos` of `line` (pos <= line.size()). The literals between fields are a
// few bytes (" ", "\" \"", " ["): compared inline, not by a call to memcmp per field of each line
// (9% of a run in the profile of bench/results/profile.md).
inline bool literal_at(std::string_view line, std::size_t pos, std::string_view literal) {
  if (literal.size() > line.size() - pos) return false;
  for (std::size_t i = 0; i < literal.size(); ++i)
    if (line[pos + i] != literal[i]) return false;
  return true;
}

// The same with the literal packed (LogFormat::PackedLiteral): one load and compare where the line
// has 8 bytes from `pos` on.
inline bool literal_at(std::string_view line, std::size_t pos, std::string_view literal,
                       const LogFormat::PackedLiteral& packed) {
  if (packed.packed && line.size() - pos >= 8) {
    std::uint64_t word;
    std::memcpy(&word, line.data() + pos, 8);
    return ((word ^ packed.word) & packed.mask) == 0;
  }
  return literal_at(line, pos, literal);
}

constexpr std::size_t k_raw_quote = std::string_view::npos - 1;

// Index of the closing quote of a quoted field starting at `pos`: a '"' not
// escaped by a backslash and followed by `after` (so a raw quote inside a
// value, as `escape=none` writes it, does not end the field). npos if none;
// k_raw_quote at a raw quote inside when `refuse_raw` (the server escapes them).
std::size_t find_closing_quote(std::string_view line, std::size_t pos, std::string_view after,
                               const LogFormat::PackedLiteral& packed, bool last, bool refuse_raw) {
  const char* data = line.data();
  while (pos < line.size()) {
    const void* hit = std::memchr(data + pos, '"', line.size() - pos);
    if (!hit) return std::string_view::npos;
    std::size_t q = static_cast<std::size_t>(static_cast<const char*>(hit) - data);
    std::size_t backslashes = 0;
    while (q - backslashes > pos && data[q - backslashes - 1] == '\\')
      ++backslashes;
    if (backslashes % 2 == 0) {
      if (literal_at(line, q, after, packed)) {
        if (!last) return q;
        const std::size_t tail = q + after.size();
        if (tail == line.size() || data[tail] == ' ' || data[tail] == '\t') return q;
      }
      if (refuse_raw) return k_raw_quote;
    }
    pos = q + 1;
  }
  return std::string_view::npos;
}

// The end of a token field starting at `pos`: the first space or tab, or the literal that follows
// the field; a client list ("10.0.0.2, 10.0.0.1") goes on after ", ".
inline std::size_t token_end(std::string_view line, std::size_t pos, const LogFormat::Step& step) {
  const std::string_view after = step.literal_after;
  const std::size_t n = line.size();
  const char stop = step.scan == LogFormat::Scan::host ? '/' : after.empty() ? ' ' : after[0];
  const bool list = step.scan == LogFormat::Scan::client_list || step.scan == LogFormat::Scan::value_list;
  std::size_t end = pos;
  while (end < n) {
    // The bytes of the token first, with one test each; then what the byte that stopped it means.
    while (end < n && line[end] != ' ' && line[end] != '\t' && line[end] != stop)
      ++end;
    if (end == n) break;
    const char c = line[end];
    if (c == ' ' && list && end > pos && line[end - 1] == ',') {
      ++end; // "10.0.0.2, 10.0.0.1"
      continue;
    }
    if (c == ' ' && step.scan == LogFormat::Scan::value_list && literal_at(line, end, " : ")) {
      end += 3; // "0.001, 0.002 : 0.003": nginx's upstreams tried, then those of an internal redirect
      continue;
    }
    if (c == stop && literal_at(line, end, after, step.packed_after)) break;
    if (c == ' ' || c == '\t') break;
    ++end;
  }
  return end;
}

// Why a field's value was refused (LogFormat::store returned false).
const char* store_problem(FieldKind kind) {
  return kind == FieldKind::time
             ? N_("the timestamp is not in the format's time format, or not a time from 1970 to 9999")
         : kind == FieldKind::status ? N_("the status is not a 3-digit number")
         : kind == FieldKind::bytes  ? N_("the byte count is not a number")
         : kind == FieldKind::client ? N_("the client address is empty")
                                     : N_("a field does not hold what the format says");
}

} // namespace

bool LogFormat::store(const Step& step, std::string_view value, Hit& hit) const {
  switch (step.kind) {
  case FieldKind::time:
    switch (step.time_kind) {
    case TimeKind::clf: return util::parse_clf_time(value, hit.time);
    case TimeKind::iso8601: return util::parse_iso8601(value, hit.time);
    case TimeKind::epoch_seconds: return util::parse_epoch(value, 1, hit.time);
    case TimeKind::epoch_millis: return util::parse_epoch(value, 1000, hit.time);
    case TimeKind::epoch_micros: return util::parse_epoch(value, 1000000, hit.time);
    case TimeKind::pattern: return step.time_pattern->parse(value, hit.time); // parse_text reads it
    case TimeKind::zone: {
      std::int64_t offset = 0; // the time before it was read as UTC (FormatBuilder::finish)
      if (!util::parse_utc_offset(value, offset) || hit.time == Hit::k_no_time) return false;
      hit.time -= offset;
      return true;
    }
    }
    return false;
  case FieldKind::duration: return parse_duration(value, step.duration_scale, hit.duration_us);
  default: return store_field(step.kind, value, hit);
  }
}

bool LogFormat::parse_text(std::string_view line, Hit& hit, ParseError& error, bool exact,
                           std::size_t& fields) const {
  util::blank(hit);
  hit.has_user_agent = m_has_user_agent;
  hit.has_referer = m_has_referer;
  fields = m_steps.size();
  if (m_fast != FastPath::none) {
    if (parse_combined(line, m_fast == FastPath::combined_ident, hit)) return true;
    util::blank(hit); // half filled: the generic walker starts again
    hit.has_user_agent = m_has_user_agent;
    hit.has_referer = m_has_referer;
  }
  exact |= !m_trailing_fields;
  if (!literal_at(line, 0, m_lead, m_packed_lead)) {
    error = {N_("the line does not start as the format does"), 0};
    return false;
  }
  std::size_t pos = m_lead.size();
  const std::size_t n = line.size();
  util::TimePattern::Fields time_fields; // a time logged in parts, read part by part
  for (std::size_t i = 0; i < m_steps.size(); ++i) {
    const Step& step = m_steps[i];
    const std::string_view after = step.literal_after;
    const bool last = i + 1 == m_steps.size();
    std::size_t end = pos;
    switch (step.scan) {
    case Scan::quoted:
      end = find_closing_quote(line, pos, after, step.packed_after, last, step.raw_quote_refused);
      if (end == k_raw_quote) {
        // Two records glued (a torn write), or lines that end in a lone CR read as one.
        error = {std::memchr(line.data(), '\r', n)
                     ? N_("lines end in CR only (old Mac line ends): convert "
                          "them with tr '\\r' '\\n'")
                     : N_("a quote inside a quoted field is not escaped: two "
                          "records on one line (a torn write?), or a "
                          "log_format with escape=none (give it with --log-format)"),
                 pos};
        return false;
      }
      if (end == std::string_view::npos) {
        error = {N_("a quoted field is not closed (line cut short?)"), pos};
        return false;
      }
      break;
    case Scan::spaced:
      end = line.find(after, pos);
      if (end == std::string_view::npos) {
        error = {N_("a field is not followed by the text the format expects"), pos};
        return false;
      }
      break;
    case Scan::user_name:
      end = token_end(line, pos, step);
      // "Jane Doe": up to the literal after it; "- -" is a line of another format ("host client - -").
      // Only after an ident "-" (%l, or nginx's literal " - "): "host 1.2.3.4, 10.0.0.3 10.0.0.4 - - ["
      // read as combined with the host as client, every hit one visitor (a second review, 2026-12-07).
      if (end < n && line[end] == ' ' && !literal_at(line, end, after, step.packed_after) &&
          !(end == pos + 1 && line[pos] == '-') && pos >= 3 && line.compare(pos - 3, 3, " - ") == 0) {
        const std::size_t found = line.find(after, end);
        if (found != std::string_view::npos) end = found;
      }
      break;
    case Scan::before_port: {
      // The address and its port run up to a space or the port's literal; the port holds no ':'.
      const std::string_view port_after = m_steps[i + 1].literal_after;
      const char stop = port_after.empty() ? ' ' : port_after[0];
      while (end < n && line[end] != ' ' && line[end] != '\t' && line[end] != stop)
        ++end;
      const std::size_t colon = line.substr(pos, end - pos).rfind(':');
      if (colon != std::string_view::npos) end = pos + colon;
      break;
    }
    case Scan::rest:
      end = n;
      // A request line is three words: more are a field the format leaves out ($request_time).
      if (step.kind == FieldKind::request &&
          std::count(line.begin() + static_cast<std::ptrdiff_t>(pos), line.end(), ' ') != 2)
        end = token_end(line, pos, step);
      break;
    case Scan::two_words:
      end = token_end(line, pos, step);
      if (end < n && line[end] == ' ') end = token_end(line, end + 1, step);
      break;
    case Scan::token:
    case Scan::client_list:
    case Scan::value_list:
    case Scan::host: end = token_end(line, pos, step); break;
    }
    const std::string_view value = line.substr(pos, end - pos);
    // The fields kept as they are, here; the others through store(), whose call was a tenth of
    // this function's instructions when every field went through it.
    bool stored = true;
    switch (step.kind) {
    case FieldKind::skip: break;
    case FieldKind::user: hit.user = value; break;
    case FieldKind::referer: hit.referer = none_if_dash(value); break;
    case FieldKind::user_agent: hit.user_agent = none_if_dash(value); break;
    case FieldKind::forwarded_for: hit.forwarded_for = none_if_dash(value); break;
    case FieldKind::time:
      if (step.time_kind == TimeKind::pattern) {
        stored = step.time_pattern->read(value, time_fields) &&
                 (!step.time_finisher || step.time_finisher->finish(time_fields, hit.time));
        break;
      }
      stored = store(step, value, hit);
      break;
    default: stored = store(step, value, hit); break;
    }
    if (!stored) {
      error = {store_problem(step.kind), pos};
      return false;
    }
    pos = end;
    if (literal_at(line, pos, after, step.packed_after)) {
      pos += after.size();
      continue;
    }
    if (pos == n && i + 1 >= m_optional_from) { // common line in a combined log
      fields = i + 1;
      // The line does not log the agent: an unknown agent, not an empty one (which bots send).
      for (std::size_t k = fields; k < m_steps.size(); ++k)
        if (m_steps[k].kind == FieldKind::user_agent)
          hit.has_user_agent = false;
        else if (m_steps[k].kind == FieldKind::referer)
          hit.has_referer = false;
      break;
    }
    error = {N_("a field is not followed by the text the format expects"), pos};
    return false;
  }
  // Extra fields after the last one are allowed ("combined" plus $request_time
  // ...), but not text glued to it.
  if (pos < n && exact) {
    error = {N_("unexpected text after the last field"), pos};
    return false;
  }
  if (pos < n && line[pos] != ' ' && line[pos] != '\t') {
    const std::string& tail = m_steps.back().literal_after;
    if (tail.empty() || (tail.back() != ' ' && tail.back() != '\t') || exact) {
      error = {N_("unexpected text after the last field"), pos};
      return false;
    }
  }
  finish_request(hit);
  return true;
}

} // namespace darkscan
