// The steps of a text format (nginx or Apache syntax), assembled and checked once compiled.
#include <darkscan/common/error.hpp>
#include <darkscan/parse/format_builder.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cstring>

namespace darkscan {

namespace {

// Whether a field of this kind, unquoted and last, takes the rest of the line: an agent or a
// referrer, whose spaces are their own, and a request line of three words (line_parser.cpp). Not a
// path: a field the format leaves out after it ($request_time) was taken into every path, one page
// per request time (a second review, 2026-12-07).
bool may_hold_spaces(FieldKind kind) {
  return kind == FieldKind::user_agent || kind == FieldKind::referer || kind == FieldKind::request;
}

} // namespace

void FormatBuilder::literal(std::string_view text) {
  (m_format.m_steps.empty() ? m_format.m_lead : m_format.m_steps.back().literal_after) += text;
}

void FormatBuilder::field(LogFormat::Step step, std::size_t column) {
  auto& steps = m_format.m_steps;
  if (!steps.empty() && steps.back().literal_after.empty()) {
    LogFormat::Step& back = steps.back();
    if (back.kind == FieldKind::path && step.label == "$is_args") {
      back.label += step.label; // nginx's "$uri$is_args$args": '?' when there is a query
      return;
    }
    if (back.kind == FieldKind::path && step.kind == FieldKind::query) {
      // Apache's "%U%q", nginx's "$uri$is_args$args": the query starts with '?', so the pair is the target.
      back.kind = FieldKind::target;
      back.label += step.label;
      return;
    }
    if (back.kind == FieldKind::host && (step.kind == FieldKind::target || step.kind == FieldKind::path)) {
      back.scan = LogFormat::Scan::host; // "$host$request_uri": the host ends where the path starts
      steps.push_back(std::move(step));
      return;
    }
    throw Error(message(N_("--log-format: '{}' and '{}' (column {}) have nothing between them, so "
                           "darkscan cannot tell where one ends; put a space or quote between them"),
                        back.label, step.label, column + 1));
  }
  steps.push_back(std::move(step));
}

void FormatBuilder::time_pattern(std::string_view pattern, LogFormat::Step& step) {
  auto compiled = std::make_shared<util::TimePattern>(util::TimePattern::compile(pattern));
  step.time_pattern = compiled;
  if (!m_pattern) {
    m_pattern = compiled;
    m_pattern_rank = step.rank;
  } else if ((m_pattern->gives() & compiled->gives()) == 0 && step.rank == m_pattern_rank) {
    // The date and the clock in two fields: the second was skipped, every time read at midnight
    // (a review, 2026-12-07). The first pattern makes the time of both.
    m_pattern->add_part(*compiled);
    step.time_part = true;
  }
}

void FormatBuilder::finish() {
  auto& steps = m_format.m_steps;
  if (steps.empty()) {
    throw Error(message(N_("--log-format: '{}' has no fields: an Nginx format uses $variables "
                           "($remote_addr), an Apache one %directives (%h)"),
                        m_format.m_spec));
  }
  check_quotes();
  one_field_per_kind();
  bool has_request = false;
  for (std::size_t i = 0; i < steps.size(); ++i) {
    auto& step = steps[i];
    const std::string& before = i == 0 ? m_format.m_lead : steps[i - 1].literal_after;
    const std::string& after = step.literal_after;
    using Scan = LogFormat::Scan;
    if (!before.empty() && before.back() == '"' && !after.empty() && after.front() == '"') {
      step.scan = Scan::quoted;
    } else if (!before.empty() && before.back() == '[' && !after.empty() && after.front() == ']') {
      step.scan = Scan::spaced;
    } else if (after == ":" && i + 1 < steps.size() && steps[i + 1].port) {
      step.scan = Scan::before_port; // "$remote_addr:$remote_port" cut an IPv6 client at its first ':'
    } else if (step.scan == Scan::value_list || step.scan == Scan::host) {
      // chosen with the field (nginx_syntax.cpp, field())
    } else if (step.kind == FieldKind::time && step.time_kind == TimeKind::clf &&
               (after.empty() || after[0] == ' ' || after[0] == '\t')) {
      step.scan = Scan::two_words; // "10/Mar/2025:12:00:00 +0100" out of brackets: every line was malformed
    } else if (i + 1 == steps.size() && after.empty() && may_hold_spaces(step.kind)) {
      step.scan = Scan::rest; // an unquoted agent was cut at its first space, the rest taken for more fields
    } else if (step.kind == FieldKind::user && after.size() >= 2 && after[0] == ' ' && after[1] != ' ') {
      step.scan = Scan::user_name;
    } else if (!after.empty() && after[0] != ' ') {
      step.scan = Scan::spaced; // "|" or a tab between fields: a value runs up to it, spaces and all
    } else if (step.kind == FieldKind::client || step.kind == FieldKind::forwarded_for) {
      step.scan = Scan::client_list;
    } else if (step.kind == FieldKind::time && step.time_kind == TimeKind::pattern &&
               step.time_pattern->contains_space()) {
      step.scan = Scan::spaced;
    } else {
      step.scan = Scan::token;
    }
    if (step.scan == Scan::spaced && after.empty()) {
      throw Error(message(N_("--log-format: '{}' may hold spaces, so it needs text after it"), step.label));
    }
    has_request |=
        step.kind == FieldKind::request || step.kind == FieldKind::target || step.kind == FieldKind::path;
  }
  for (auto& step : steps)
    step.packed_after = pack(step.literal_after);
  m_format.m_packed_lead = pack(m_format.m_lead);
  m_format.m_has_user_agent = m_format.has(FieldKind::user_agent);
  m_format.m_has_referer = m_format.has(FieldKind::referer);
  m_format.m_fast = fast_path(m_format);
  if (!has_request) {
    throw Error(message(N_("--log-format: '{}' has no field with the requested page ($request, "
                           "$request_uri, $uri, %r or %U); darkscan needs it"),
                        m_format.m_spec));
  }
}

void FormatBuilder::check_quotes() const {
  std::size_t quotes =
      static_cast<std::size_t>(std::count(m_format.m_lead.begin(), m_format.m_lead.end(), '"'));
  for (const auto& step : m_format.m_steps)
    quotes += static_cast<std::size_t>(std::count(step.literal_after.begin(), step.literal_after.end(), '"'));
  if (quotes % 2 != 0) {
    throw Error(message(N_("--log-format: '{}' opens a quote that it does not close, so a quoted field "
                           "would run on to the end of the line; check the quotes"),
                        m_format.m_spec));
  }
}

void FormatBuilder::one_field_per_kind() {
  auto& steps = m_format.m_steps;
  // The offset of "%{%z}t" is applied to the time read before it.
  auto group = [](const LogFormat::Step& s) {
    return static_cast<int>(s.kind) * 2 + (s.kind == FieldKind::time && s.time_kind == TimeKind::zone);
  };
  for (std::size_t i = 0; i < steps.size(); ++i) {
    if (steps[i].time_part) continue;
    for (std::size_t j = 0; j < i; ++j) {
      if (steps[j].kind == FieldKind::skip || steps[j].time_part || group(steps[j]) != group(steps[i]))
        continue;
      // Of two fields of one kind the higher rank is read; of equal ranks, the first.
      LogFormat::Step& dropped = steps[i].rank > steps[j].rank ? steps[j] : steps[i];
      dropped.kind = FieldKind::skip;
      if (&dropped == &steps[i]) break;
    }
  }
  finish_times();
  const LogFormat::Step* time_before = nullptr;
  const LogFormat::Step* zone = nullptr;
  for (const auto& step : steps) {
    if (step.kind != FieldKind::time) continue;
    if (step.time_part && zone) {
      throw Error(message(N_("--log-format: '{}' gives the offset of the time written before it; put "
                             "it after that time"),
                          zone->label));
    }
    if (step.time_kind != TimeKind::zone) {
      time_before = &step;
    } else if (!time_before) {
      throw Error(message(N_("--log-format: '{}' gives the offset of the time written before it; put "
                             "it after that time"),
                          step.label));
    } else if (time_before->time_kind != TimeKind::pattern || !m_pattern || !m_pattern->local()) {
      // "%t %{%z}t": the offset was applied twice (a review, 2026-12-07).
      throw Error(message(N_("--log-format: '{}' gives an offset to '{}', which has its own; leave one "
                             "of them out"),
                          step.label, time_before->label));
    } else {
      m_pattern->read_as_utc(); // the offset is logged: the time before it is not local time
    }
    if (step.time_kind == TimeKind::zone) zone = &step;
  }
}

void FormatBuilder::finish_times() {
  auto& steps = m_format.m_steps;
  const bool first_read = std::any_of(steps.begin(), steps.end(), [&](const LogFormat::Step& s) {
    return s.kind == FieldKind::time && s.time_pattern == m_pattern;
  });
  LogFormat::Step* last_part = nullptr;
  for (auto& step : steps) {
    if (step.kind != FieldKind::time || step.time_kind != TimeKind::pattern) continue;
    if (step.time_part && !first_read) {
      step.kind = FieldKind::skip; // the parts of a time that another one wins over
    } else if (step.time_part || step.time_pattern == m_pattern) {
      last_part = &step;
    } else {
      step.time_finisher = step.time_pattern;
    }
  }
  if (last_part) last_part->time_finisher = m_pattern;
}

// The combined format in Apache's spelling (the preset's) or nginx's (" - " as text), with its
// steps exactly as parse_combined reads them; none for any other format.
LogFormat::FastPath FormatBuilder::fast_path(const LogFormat& format) {
  using K = FieldKind;
  using S = LogFormat::Scan;
  struct Expected {
    K kind;
    S scan;
    const char* after;
  };
  static constexpr Expected k_tail[] = {{K::time, S::spaced, "] \""},     {K::request, S::quoted, "\" "},
                                        {K::status, S::token, " "},       {K::bytes, S::token, " \""},
                                        {K::referer, S::quoted, "\" \""}, {K::user_agent, S::quoted, "\""}};
  const auto& steps = format.m_steps;
  if (!format.m_lead.empty() || steps.size() < 3) return LogFormat::FastPath::none;
  const bool ident = steps[1].kind == K::skip;
  const std::size_t user = ident ? 2 : 1;
  if (steps.size() != user + 1 + std::size(k_tail) || steps[0].kind != K::client ||
      steps[0].literal_after != (ident ? " " : " - ") ||
      (ident && (steps[1].scan != S::token || steps[1].literal_after != " ")) ||
      steps[user].kind != K::user || steps[user].scan != S::user_name || steps[user].literal_after != " [")
    return LogFormat::FastPath::none;
  for (std::size_t i = 0; i < std::size(k_tail); ++i) {
    const LogFormat::Step& step = steps[user + 1 + i];
    if (step.kind != k_tail[i].kind || step.scan != k_tail[i].scan || step.literal_after != k_tail[i].after)
      return LogFormat::FastPath::none;
  }
  if (steps[user + 1].time_kind != TimeKind::clf) return LogFormat::FastPath::none;
  return ident ? LogFormat::FastPath::combined_ident : LogFormat::FastPath::combined;
}

LogFormat::PackedLiteral FormatBuilder::pack(const std::string& literal) {
  LogFormat::PackedLiteral out;
  if (literal.size() > 8) return out;
  std::memcpy(&out.word, literal.data(), literal.size());
  const unsigned char ones[8] = {0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF};
  std::memcpy(&out.mask, ones, literal.size()); // the literal's bytes, in memory order
  out.packed = true;
  return out;
}

} // namespace darkscan
