#pragma once

#include <darkscan/classify/rules.hpp>
#include <darkscan/common/i18n.hpp>
#include <darkscan/parse/hit.hpp>
#include <darkscan/visits/site.hpp>

#include <cstdint>
#include <functional>
#include <vector>

namespace darkscan {

// The lines a run leaves out before any decision: those that name another host than --host's
// ($host, %v: one client's report from a log of several sites), and those from the visitors of
// --exclude-ip (the site's own office, a monitor with a browser's agent). Each is counted, and note()
// says how many: a line left out is never lost silently. Not --site's hosts, which may be guessed or
// a state's, while the lines may name a CDN's or a server's own name (a review, 2026-12-07: a guess
// from a spam referrer, kept in a state, left out the next night's every line).
class LineFilter {
public:
  explicit LineFilter(const Rules& rules) : m_rules(rules) {}
  // The hosts whose lines are kept (--host); none: every host.
  void only_hosts(const std::vector<std::string>& hosts) {
    for (const std::string& h : hosts)
      m_hosts.add(h);
  }
  bool filters_hosts() const { return !m_hosts.empty(); }

  // False for a line to leave out. No allocation once each other host is known.
  bool keep(const Hit& hit) {
    // Nothing asked: a few instructions a line (is_other_site's call was 16).
    if (m_hosts.empty() && m_rules.excluded_addresses().empty()) return true;
    if (m_hosts.is_other_site(hit.host)) {
      m_other_sites.count(hit.host);
      ++m_other_lines;
      return false;
    }
    if (!m_rules.excluded_addresses().empty() && from_excluded(hit)) {
      ++m_excluded_lines;
      return false;
    }
    return true;
  }
  // Says what was left out, when anything was.
  void note(const std::function<void(const Message&)>& to) const;

  std::uint64_t other_site_lines() const { return m_other_lines; }
  std::uint64_t excluded_lines() const { return m_excluded_lines; }

private:
  bool from_excluded(const Hit& hit) const;

  const Rules& m_rules; // its --exclude-ip and --trusted-proxy ranges
  SiteHosts m_hosts;
  NamedHosts m_other_sites;
  std::uint64_t m_other_lines = 0, m_excluded_lines = 0;
};

} // namespace darkscan
