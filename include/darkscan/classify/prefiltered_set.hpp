#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace re2 {
class FilteredRE2;
class RE2;
} // namespace re2

namespace darkscan {

// Patterns matched as an unanchored RE2::Set matches them (the first pattern that matches wins),
// but cheaper on texts never seen before: the literal strings each pattern needs (its "atoms",
// RE2's FilteredRE2) are looked for first, with a set of plain literals, and only the patterns
// whose atoms are there run, one by one. Why: a user agent is matched once (the classifier caches
// the answer), so what counts is its first match, and an RE2::Set of the 115 agent patterns builds
// new DFA states for each new agent: 180 to 420 µs an agent on the uap-core test agents and on
// bench/gen-log's, against 14 to 37 µs here (bench/results/profile.md). Thread-safe once built.
class PrefilteredSet {
public:
  // Compiles `patterns` (RE2 syntax). Throws Error naming `origins[i]` for a pattern RE2 refuses.
  PrefilteredSet(const std::vector<std::string>& patterns, const std::vector<std::string>& origins);
  ~PrefilteredSet();
  PrefilteredSet(const PrefilteredSet&) = delete;
  PrefilteredSet& operator=(const PrefilteredSet&) = delete;

  // The index of the first pattern that matches somewhere in `text`, -1 when none does, or -2
  // when this way cannot tell (a text with bytes beyond ASCII, or the literal set out of memory):
  // the caller then asks the RE2::Set.
  int first_match(std::string_view text) const;

private:
  std::unique_ptr<re2::FilteredRE2> m_filter;
  struct Atoms;
  std::unique_ptr<Atoms> m_atoms; // the atoms, lower case, as an RE2::Set of literals
  bool m_empty = true;
};

} // namespace darkscan
