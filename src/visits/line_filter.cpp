// The lines a run leaves out (--host of a log of several sites, --exclude-ip), counted and said.
#include <darkscan/classify/visitor_key.hpp>
#include <darkscan/util/text.hpp>
#include <darkscan/visits/line_filter.hpp>

namespace darkscan {

bool LineFilter::from_excluded(const Hit& hit) const {
  return visitor_in_ranges(hit.client, hit.forwarded_for, m_rules.trusted_proxies(),
                           m_rules.excluded_addresses());
}

void LineFilter::note(const std::function<void(const Message&)>& to) const {
  if (m_other_lines > 0) {
    std::string site;
    for (const std::string& h : m_hosts.hosts())
      site += (site.empty() ? "" : ", ") + util::escape_for_terminal(h);
    to(message_n("{} line names another host than --host's ({}): it was left out, and the report counts {} "
                 "only",
                 "{} lines name other hosts than --host's ({}): they were left out, and the report counts {} "
                 "only",
                 m_other_lines, count_message(m_other_lines), m_other_sites.listed(), Message(site)));
  }
  if (m_excluded_lines > 0)
    to(message_n("{} line came from an address of --exclude-ip: it was left out",
                 "{} lines came from the addresses of --exclude-ip: they were left out", m_excluded_lines,
                 count_message(m_excluded_lines)));
  else if (!m_rules.excluded_addresses().empty())
    // A proxy's address, which --hits --show-ip shows as the client, is no visitor's (a second review,
    // 2026-12-07: excluding it left out nothing, without a word).
    to(translated(N_("--exclude-ip left out no line: no visitor's address is in its ranges (behind a proxy, "
                     "the visitor's address is the first public X-Forwarded-For address, or the last one "
                     "that is not a --trusted-proxy)")));
}

} // namespace darkscan
