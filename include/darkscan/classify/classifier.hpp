#pragma once

#include <darkscan/classify/path_facts.hpp>
#include <darkscan/classify/prepared.hpp>
#include <darkscan/classify/rules.hpp>
#include <darkscan/classify/verdict.hpp>
#include <darkscan/parse/hit.hpp>
#include <darkscan/util/hash.hpp>

#include <string>
#include <string_view>
#include <unordered_map>

namespace darkscan {

// A referrer reduced to what the rules look at.
struct ReferrerInfo {
  std::string_view host;      // lower-case host (or "scheme:package"); valid until the next call
  const Rule* rule = nullptr; // referrers.rules match, if any
};

// Per-hit knowledge from the rules, with caches: each distinct user agent,
// referrer host and X-Requested-With package is matched against the rules
// once; later hits cost one hash lookup. The caches are bounded (cleared when
// full), so memory does not grow without limit on hostile input.
class Classifier {
public:
  explicit Classifier(const Rules& rules);

  // Sets verdict.cls, verdict.app and, for hits that are not page views,
  // verdict.reasons. Page views get their channel from the Analyzer.
  void classify(const Hit& hit, Verdict& verdict) { classify(hit, verdict, m_agent_rule); }

  // classify() plus every rule match an arrival needs (Prepared). Appends
  // the referrer's host to `arena`.
  void prepare(const Hit& hit, Prepared& out, std::string& arena);

  // The agents.rules match for a user agent, or nullptr for a plain browser.
  const Rule* agent(std::string_view user_agent);
  // The xrw.rules match for an X-Requested-With package, or nullptr.
  const Rule* package(std::string_view package);
  // The referrer's host and its referrers.rules match. An empty referrer
  // gives an empty host.
  ReferrerInfo referrer(std::string_view referer);

  const Rules& rules() const { return m_rules; }

private:
  // A key and its util::hash_bytes, so that a table looks up a string hashed before without
  // hashing it again.
  struct Hashed {
    std::string_view text;
    std::uint64_t hash;
  };
  struct CacheHash : util::StringHash {
    using util::StringHash::operator();
    std::size_t operator()(const Hashed& k) const { return k.hash; }
  };
  struct CacheEqual {
    using is_transparent = void;
    bool operator()(std::string_view a, std::string_view b) const { return a == b; }
    bool operator()(const Hashed& a, std::string_view b) const { return a.text == b; }
    bool operator()(std::string_view a, const Hashed& b) const { return a == b.text; }
  };
  using Cache = std::unordered_map<std::string, const Rule*, CacheHash, CacheEqual>;
  template <typename Match> const Rule* cached(Cache& cache, std::string_view key, Match match);
  // classify(), also giving the agent's rule (nullptr when none or not looked up), so that prepare()
  // does not look the agent up twice: a hash of the whole agent string and a compare each time.
  void classify(const Hit& hit, Verdict& verdict, const Rule*& agent_rule);

  const Rules& m_rules;
  Cache m_agents, m_hosts, m_packages;
  std::string m_host;                 // lower-cased host of the last referrer
  const Rule* m_agent_rule = nullptr; // classify()'s, unused
  PathFacts m_paths;
  std::string m_last_agent; // the agent looked up last, its rule and its util::hash_bytes
  const Rule* m_last_agent_rule = nullptr;
  std::uint64_t m_last_agent_hash = 0;
  bool m_last_agent_known = false;
  bool m_agent_looked_up = false; // by the last classify(): m_last_agent is the hit's agent
};

// The host of a referrer URL in lower case ("https://Mail.Google.com/x" ->
// "mail.google.com"; "android-app://com.google.android.gm/" ->
// "android-app:com.google.android.gm"; "abc.com/x" -> "abc.com"), written to
// `out`.
void referrer_host(std::string_view referer, std::string& out);

} // namespace darkscan
