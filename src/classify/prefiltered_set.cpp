#include <darkscan/classify/prefiltered_set.hpp>
#include <darkscan/common/error.hpp>
#include <darkscan/util/text.hpp>

#include <re2/filtered_re2.h>
#include <re2/re2.h>
#include <re2/set.h>

#include <algorithm>

namespace darkscan {

namespace {

// Atoms shorter than this are not looked for: a pattern whose atoms are all shorter (`GG`) is
// tried on every text. RE2's default.
constexpr int k_min_atom_length = 3;

} // namespace

struct PrefilteredSet::Atoms {
  RE2::Set set;
};

PrefilteredSet::PrefilteredSet(const std::vector<std::string>& patterns,
                               const std::vector<std::string>& origins)
    : m_filter(std::make_unique<re2::FilteredRE2>(k_min_atom_length)) {
  RE2::Options options;
  options.set_log_errors(false);
  for (std::size_t i = 0; i < patterns.size(); ++i) {
    int id = 0;
    if (m_filter->Add(patterns[i], options, &id) != RE2::NoError) {
      const RE2 refused(patterns[i], options);
      throw Error(message(N_("{}: invalid regex: {}"), origins[i], refused.error()));
    }
  }
  m_empty = patterns.empty();
  if (m_empty) return;
  std::vector<std::string> atoms;
  m_filter->Compile(&atoms);
  RE2::Options literal = options;
  literal.set_literal(true);
  literal.set_max_mem(64 << 20);
  m_atoms = std::make_unique<Atoms>(Atoms{RE2::Set(literal, RE2::UNANCHORED)});
  for (const std::string& atom : atoms) {
    std::string error;
    if (m_atoms->set.Add(atom, &error) < 0)
      throw Error(message(N_("rules: cannot index the literal '{}': {}"), atom, error));
  }
  if (!m_atoms->set.Compile())
    throw Error(translated(N_("rules: the patterns' literals are too many to compile together")));
}

PrefilteredSet::~PrefilteredSet() = default;

int PrefilteredSet::first_match(std::string_view text) const {
  if (m_empty) return -1;
  // Per thread, reused: no allocation per call once grown.
  thread_local std::string lower;
  thread_local std::vector<int> found;
  thread_local std::vector<int> matching;
  // The atoms are lower case, with Unicode case folding; a text of ASCII only is lowered here as
  // RE2 would. Another text goes the other way.
  lower.assign(text);
  for (char& c : lower) {
    if (static_cast<unsigned char>(c) >= 0x80) return -2;
    c = util::ascii_lower(c);
  }
  found.clear();
  RE2::Set::ErrorInfo info{};
  if (!m_atoms->set.Match(lower, &found, &info) && info.kind != RE2::Set::kNoError &&
      info.kind != RE2::Set::kNotCompiled)
    return -2;
  // Every candidate that matches, then the first of them: the set's answer, whatever order
  // FilteredRE2 tries them in.
  matching.clear();
  if (!m_filter->AllMatches(re2::StringPiece(text.data(), text.size()), found, &matching)) return -1;
  return *std::min_element(matching.begin(), matching.end());
}

} // namespace darkscan
