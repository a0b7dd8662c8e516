#pragma once

#include <darkscan/classify/prefiltered_set.hpp>
#include <darkscan/classify/rules.hpp>

#include <re2/re2.h>
#include <re2/set.h>

#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace darkscan {

// The options every rules pattern is compiled with: RE2 logs nothing, darkscan reports errors.
RE2::Options pattern_options();

// Compiles `pattern` alone and throws Error "ORIGIN: invalid regex: ..." when RE2 refuses it.
void check_pattern(const std::string& pattern, const std::string& origin);

// A list of rules and their patterns compiled into one RE2::Set, so that one
// pass over the text finds every rule that matches. Thread-safe once built.
class RuleFamily {
public:
  // Compiles the patterns of `rules` (each already checked alone), matched anywhere in the text
  // (RE2::UNANCHORED) or against all of it (RE2::ANCHOR_BOTH). `prefilter` (unanchored only): also
  // a PrefilteredSet, for texts seen once each. Throws Error naming the rule whose pattern the set
  // refuses, or the first rule when the patterns are too large to compile together.
  RuleFamily(std::vector<Rule> rules, RE2::Anchor anchor, bool prefilter = false);
  ~RuleFamily();
  RuleFamily(const RuleFamily&) = delete;
  RuleFamily& operator=(const RuleFamily&) = delete;

  // The first rule (in list order) whose pattern matches `text`, or nullptr.
  const Rule* match(std::string_view text) const;

  // Whether any rule matches. Without a list of matches to fill, RE2's DFA stops at the first
  // match instead of reading the whole text: is_asset and is_landing run on every hit's path.
  bool any(std::string_view text) const;

  // The rules, in match order.
  const std::vector<Rule>& rules() const { return m_rules; }

private:
  // When the set's DFA ran out of memory on a text: the rules one by one.
  const Rule* match_one_by_one(std::string_view text) const;

  std::vector<Rule> m_rules;
  std::unique_ptr<RE2::Set> m_set;
  // Each pattern alone, for the rare text on which the set runs out of memory. Compiled the first
  // time one is needed: compiling them all was a quarter of the start-up (callgrind).
  mutable std::vector<std::unique_ptr<RE2>> m_singles;
  mutable std::once_flag m_singles_compiled;
  RE2::Anchor m_anchor;
  // Agents only: texts seen once each (the classifier caches them), where the set's DFA costs most.
  std::unique_ptr<PrefilteredSet> m_prefiltered;
};

} // namespace darkscan
