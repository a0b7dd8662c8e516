#pragma once

#include <darkscan/common/i18n.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace darkscan {

// The site's own host names, to tell internal navigation from arrivals.
// Hosts are compared in lower case and without a leading "www.".
class SiteHosts {
public:
  void add(std::string_view host);
  bool empty() const { return m_hosts.empty(); }
  const std::vector<std::string>& hosts() const { return m_hosts; }

  // True if `host` (a lower-case referrer host) is the site: one of its hosts,
  // or `vhost`, the host the hit itself was served for ($host, %v).
  bool is_internal(std::string_view host, std::string_view vhost) const;
  // True when `vhost`, the host a line names ($host, %v; any case, with its port), is a site that is
  // none of these hosts nor a name under one of them (origin.example.com, m.example.com). False for a
  // host that names no site (an address, "_", "localhost"). No allocation: asked of every line when
  // --site is given.
  bool is_other_site(std::string_view vhost) const;

private:
  std::vector<std::string> m_hosts;
};

// The hosts that a log's lines name ($host, %v, vhost_combined), folded as SiteHosts folds them
// (case, port, "www."): a log of several virtual hosts (Debian's other_vhosts_access.log) is counted
// as one site, the pages of one path merged, and the run says so (an analyst's review, 2026-12-06).
class NamedHosts {
public:
  static constexpr std::size_t k_max = 16; // hosts told apart; more are counted together
  // Counts a page view's host; addresses, "_", "localhost" and names without a dot name no site.
  void count(std::string_view vhost);
  // The hosts with their lines, most lines first (ties by name); empty when the lines name none.
  std::vector<std::pair<std::string, std::uint64_t>> hosts() const;
  std::uint64_t others() const { return m_others; } // lines of hosts beyond k_max
  // "example.com 1,234, other.org 56, ..." for a note: the first five hosts with their counts, names
  // made safe for a terminal and cut at 60 bytes, "..." when there are more; in both languages.
  Message listed() const;
  // When the page views name several sites that `site` (--site) does not make one, and `filtered` is
  // false (--host left the other hosts' lines out): a note that they are counted as one site.
  std::optional<Message> note(const SiteHosts& site, bool filtered) const;

private:
  // The entry of a host as a line spells it: k_max for the hosts beyond k_max, k_ignored for no site.
  std::size_t index_of(std::string_view vhost);

  std::string m_last;           // the last host named, as the line spelled it
  static constexpr std::size_t k_ignored = static_cast<std::size_t>(-1);
  std::size_t m_last_index = 0; // its entry, k_max for the others, k_ignored for no site
  std::vector<std::pair<std::string, std::uint64_t>> m_hosts;
  std::uint64_t m_others = 0;
};

// Counts referrer hosts to guess the site's host when neither the log nor
// --site gives it: the host that refers most hits is almost always the site
// itself (its pages refer their own images, scripts and links).
class SiteGuess {
public:
  // A hit referred by `host`; `asset` when the hit is an asset (a site's own pages load its images).
  void count(std::string_view host, bool asset = false) {
    auto& c = m_counts[std::string(host)];
    ++c.first;
    c.second += asset;
    ++m_total;
  }
  std::uint64_t total() const { return m_total; }
  // The most counted host ("" when none), and how many hits named it.
  std::pair<std::string, std::uint64_t> best() const;
  // What the run says when it takes best() for the site: the host and its share of referred hits, and
  // a second host whose pages load a quarter as many assets (two sites in one log; another site's
  // links refer pages, not assets). Empty when nothing is taken.
  std::vector<Message> notes() const;

private:
  // The hosts ("www." folded), most counted first.
  std::vector<std::pair<std::string, std::uint64_t>> ranked() const;

  std::unordered_map<std::string, std::pair<std::uint64_t, std::uint64_t>> m_counts; // all, assets
  std::uint64_t m_total = 0;
};

// Whether the hosts given with --site are the log's: a site whose pages never refer from them has
// its own links counted as referrals from outside, and its readers' every click as an arrival (a
// robustness review, 2026-12-06: `--site exmaple.com`, a typo, said nothing). The first referrers
// not of the site are counted, to name the host the pages do refer from.
class SiteCheck {
public:
  static constexpr std::uint64_t k_min_referred = 50; // page views with a referrer, to judge
  static constexpr std::uint64_t k_sampled = 5000;    // outside referrers counted, at most

  // A page view's referrer host (not empty), and whether it is the site's. `known`: a referrer rule
  // names it (a search engine, a network: not the site).
  void see(std::string_view ref_host, bool internal, bool known) {
    ++m_referred;
    m_internal += internal;
    if (!internal && !known && sampling()) m_guess.count(ref_host);
  }
  // Outside referrers are still counted: none of the site's was seen, and fewer than k_sampled.
  bool sampling() const { return m_internal == 0 && m_guess.total() < k_sampled; }
  // True when enough page views have a referrer and none of them is the site's.
  bool wrong() const { return m_referred >= k_min_referred && m_internal == 0; }
  std::uint64_t referred() const { return m_referred; }
  // The host that referred most of the page views counted ("" when none), and how many.
  std::pair<std::string, std::uint64_t> likely() const { return m_guess.best(); }
  std::uint64_t counted() const { return m_guess.total(); }
  // When wrong() and one host no rule knows referred a tenth of the page views or more: a note that
  // `site` (--site) may be wrong. A site of landing pages reached from search alone has no internal
  // referrer either.
  std::optional<Message> note(const SiteHosts& site) const;

private:
  std::uint64_t m_referred = 0, m_internal = 0;
  SiteGuess m_guess;
};

// True when the host a line names ($host, %v) names a site: not an address, nginx's "_", "localhost"
// or a name without a dot (a server's own name, "web01", as Debian's vhost_combined may log it).
bool names_a_site(std::string_view vhost);

// `host` without a leading "www." and a trailing dot, in lower case.
std::string normalize_host(std::string_view host);

} // namespace darkscan
