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
  if (!has_request) {
    throw Error(message(N_("--log-format: '{}' has no field with the requested page ($request, "
                           "$request_uri, $uri, %r or %U); darkscan needs it"),
                        m_format.m_spec));
  }
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
