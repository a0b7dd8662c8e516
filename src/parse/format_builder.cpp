// The steps of a text format (nginx or Apache syntax), assembled and checked once compiled.
#include <darkscan/common/error.hpp>
#include <darkscan/parse/format_builder.hpp>

#include <fmt/format.h>

#include <cstring>

namespace darkscan {

void FormatBuilder::literal(std::string_view text) {
  (m_format.m_steps.empty() ? m_format.m_lead : m_format.m_steps.back().literal_after) += text;
}

void FormatBuilder::field(LogFormat::Step step, std::size_t column) {
  auto& steps = m_format.m_steps;
  if (!steps.empty() && steps.back().literal_after.empty() && steps.back().kind == FieldKind::path &&
      step.kind == FieldKind::query) {
    // Apache's "%U%q": the query starts with '?', so the pair is the target.
    steps.back().kind = FieldKind::target;
    steps.back().label += step.label;
    return;
  }
  if (!steps.empty() && steps.back().literal_after.empty()) {
    throw Error(message(N_("--log-format: '{}' and '{}' (column {}) have nothing between them, so "
                           "darkscan cannot tell where one ends; put a space or quote between them"),
                        m_format.m_steps.back().label, step.label, column + 1));
  }
  m_format.m_steps.push_back(std::move(step));
}

void FormatBuilder::time_pattern(std::string_view pattern) {
  m_format.m_time_pattern = std::make_shared<util::TimePattern>(util::TimePattern::compile(pattern));
}

void FormatBuilder::finish() {
  auto& steps = m_format.m_steps;
  if (steps.empty()) {
    throw Error(message(N_("--log-format: '{}' has no fields: an Nginx format uses $variables "
                           "($remote_addr), an Apache one %directives (%h)"),
                        m_format.m_spec));
  }
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
    } else if (step.kind == FieldKind::client || step.kind == FieldKind::forwarded_for) {
      step.scan = Scan::client_list;
    } else if (step.kind == FieldKind::time && step.time_kind == TimeKind::pattern &&
               m_format.m_time_pattern->contains_space()) {
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
      steps[user].kind != K::user || steps[user].scan != S::token || steps[user].literal_after != " [")
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
