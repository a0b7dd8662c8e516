#include <darkscan/classify/rule_family.hpp>
#include <darkscan/common/error.hpp>

#include <algorithm>

namespace darkscan {

RE2::Options pattern_options() {
  RE2::Options options;
  options.set_log_errors(false);
  return options;
}

void check_pattern(const std::string& pattern, const std::string& origin) {
  RE2 re(pattern, pattern_options());
  if (re.ok()) return;
  // RE2's own words for what is wrong (untranslated: they quote the pattern's syntax).
  if (re.error_code() == RE2::ErrorBadPerlOp || re.error_code() == RE2::ErrorBadEscape) {
    throw Error(message(N_("{}: invalid regex: {} (RE2 has no look-around and no back-references: it never "
                           "backtracks, so no rule can make darkscan hang)"),
                        origin, re.error()));
  }
  throw Error(message(N_("{}: invalid regex: {}"), origin, re.error()));
}

RuleFamily::RuleFamily(std::vector<Rule> rules, RE2::Anchor anchor, bool prefilter)
    : m_rules(std::move(rules)), m_anchor(anchor) {
  RE2::Options options = pattern_options();
  options.set_max_mem(256 << 20); // the DFA of a large set needs room; RE2's default is 8 MiB
  m_set = std::make_unique<RE2::Set>(options, m_anchor);
  for (const Rule& r : m_rules) {
    std::string error;
    if (m_set->Add(r.pattern, &error) < 0) throw Error(message(N_("{}: invalid regex: {}"), r.origin, error));
  }
  if (!m_rules.empty() && !m_set->Compile()) {
    throw Error(
        message(N_("rules: the patterns are too large to compile together ({})"), m_rules.front().origin));
  }
  if (prefilter && m_anchor == RE2::UNANCHORED) {
    std::vector<std::string> patterns, origins;
    for (const Rule& r : m_rules) {
      patterns.push_back(r.pattern);
      origins.push_back(r.origin);
    }
    try {
      m_prefiltered = std::make_unique<PrefilteredSet>(patterns, origins);
    } catch (const Error&) {
      // Every pattern compiled in the set above: what failed is the index of their literals
      // (too large). The set alone gives the same answers, at its own cost.
      m_prefiltered.reset();
    }
  }
}

RuleFamily::~RuleFamily() = default;

const Rule* RuleFamily::match(std::string_view text) const {
  if (m_rules.empty()) return nullptr;
  if (m_prefiltered) {
    const int first = m_prefiltered->first_match(text);
    if (first >= 0) return &m_rules[static_cast<std::size_t>(first)];
    if (first == -1) return nullptr;
  }
  // Reused per thread: a vector per call was an allocation on the hot path.
  thread_local std::vector<int> hits;
  RE2::Set::ErrorInfo info{};
  if (m_set->Match(text, &hits, &info)) {
    return &m_rules[static_cast<std::size_t>(*std::min_element(hits.begin(), hits.end()))];
  }
  if (info.kind == RE2::Set::kNoError || info.kind == RE2::Set::kNotCompiled) return nullptr;
  return match_one_by_one(text);
}

bool RuleFamily::any(std::string_view text) const {
  if (m_rules.empty()) return false;
  RE2::Set::ErrorInfo info{};
  if (m_set->Match(text, nullptr, &info)) return true;
  if (info.kind == RE2::Set::kNoError || info.kind == RE2::Set::kNotCompiled) return false;
  return match_one_by_one(text) != nullptr;
}

const Rule* RuleFamily::match_one_by_one(std::string_view text) const {
  std::call_once(m_singles_compiled, [&] {
    // Built aside and moved in whole: a throw midway (bad_alloc) leaves `m_singles` empty, so the
    // next call builds them all again in the rules' order.
    std::vector<std::unique_ptr<RE2>> built;
    for (const Rule& r : m_rules)
      built.push_back(std::make_unique<RE2>(r.pattern, pattern_options()));
    m_singles = std::move(built);
  });
  for (std::size_t i = 0; i < m_singles.size(); ++i) {
    const bool hit = m_anchor == RE2::ANCHOR_BOTH ? RE2::FullMatch(text, *m_singles[i])
                                                  : RE2::PartialMatch(text, *m_singles[i]);
    if (hit) return &m_rules[i];
  }
  return nullptr;
}

} // namespace darkscan
