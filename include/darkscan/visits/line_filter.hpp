#pragma once

#include <darkscan/common/i18n.hpp>
#include <darkscan/parse/hit.hpp>
#include <darkscan/util/cidr.hpp>
#include <darkscan/visits/site.hpp>

#include <cstdint>
#include <functional>
#include <vector>

namespace darkscan {

// The lines a run leaves out before any decision: those of other sites than --site's, when the
// line names its host ($host, %v: one client's report from a log of several sites), and those from
// the addresses of --exclude-ip (the site's own office, a monitor with a browser's agent). Each is
// counted, and note() says how many: a line left out is never lost silently.
class LineFilter {
public:
  LineFilter(const SiteHosts& site, const std::vector<util::Cidr>& excluded)
      : m_site(site), m_excluded(excluded) {}

  // False for a line to leave out. No allocation once each other host is known.
  bool keep(const Hit& hit) {
    if (m_site.is_other_site(hit.host)) {
      m_other_sites.count(hit.host);
      ++m_other_lines;
      return false;
    }
    if (!m_excluded.empty() && from_excluded(hit)) {
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

  const SiteHosts& m_site;
  const std::vector<util::Cidr>& m_excluded;
  NamedHosts m_other_sites;
  std::uint64_t m_other_lines = 0, m_excluded_lines = 0;
};

} // namespace darkscan
