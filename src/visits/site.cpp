#include <darkscan/util/text.hpp>
#include <darkscan/visits/site.hpp>

#include <algorithm>

namespace darkscan {

namespace {

std::string_view without_www(std::string_view host) {
  return host.substr(0, 4) == "www." ? host.substr(4) : host;
}

// "example.com:443" -> "example.com"; an IPv6 address (two colons or more) is left whole.
std::string_view without_port(std::string_view host) {
  const std::size_t colon = host.rfind(':');
  return colon != std::string_view::npos && host.find(':') == colon ? host.substr(0, colon) : host;
}

// A host as a line names it ($host, %v: "WWW.Example.COM:443", "example.com."), as a view that
// compares with iequals() to SiteHosts' keys: without its port, trailing dot and "www." (any case).
std::string_view folded_view(std::string_view vhost) {
  std::string_view host = without_port(vhost);
  if (!host.empty() && host.back() == '.') host.remove_suffix(1);
  if (util::iequals(host.substr(0, 4), "www.")) host.remove_prefix(4);
  return host;
}

// A host that names no site: an address (a scanner asking for http://203.0.113.5/), nginx's
// catch-all "_", "localhost", a name without a dot (a review, 2026-12-06: such lines made a log of one
// site a log of three).
bool names_no_site(std::string_view host) {
  if (host.empty() || host.front() == '[' || host.find('.') == std::string_view::npos) return true;
  return host.find_first_not_of("0123456789.:") == std::string_view::npos;
}

} // namespace

bool names_a_site(std::string_view vhost) { return !names_no_site(folded_view(vhost)); }

std::string normalize_host(std::string_view host) {
  std::string out;
  util::append_host_key(host, out);
  return std::string(without_www(out));
}

void SiteHosts::add(std::string_view host) {
  // Accept what users paste: "https://www.example.com/", "example.com:443".
  if (std::size_t scheme = host.find("://"); scheme != std::string_view::npos) host.remove_prefix(scheme + 3);
  host = without_port(host.substr(0, host.find_first_of("/?#")));
  std::string h = normalize_host(host);
  if (!h.empty() && std::find(m_hosts.begin(), m_hosts.end(), h) == m_hosts.end()) m_hosts.push_back(h);
}

bool SiteHosts::is_internal(std::string_view host, std::string_view vhost) const {
  const std::string_view h = without_www(host);
  // The line's own host in any case: Apache's %v is the ServerName as written (a review,
  // 2026-12-07: "WWW.CLIENT1.SN" made every link of the site a referral).
  if (!vhost.empty() && util::iequals(h, folded_view(vhost))) return true;
  return std::find(m_hosts.begin(), m_hosts.end(), h) != m_hosts.end();
}

bool SiteHosts::is_other_site(std::string_view vhost) const {
  if (m_hosts.empty()) return false;
  const std::string_view host = folded_view(vhost);
  if (names_no_site(host)) return false;
  // A name under the site's is the site's: a CDN's origin ("origin.example.com" in $host behind it)
  // or a mobile host ("m.example.com"), whose lines --site example.com must not lose.
  return std::none_of(m_hosts.begin(), m_hosts.end(), [&](const std::string& h) {
    return util::iequals(h, host) || (host.size() > h.size() && host[host.size() - h.size() - 1] == '.' &&
                                      util::iequals(host.substr(host.size() - h.size()), h));
  });
}

void NamedHosts::count(std::string_view vhost) {
  if (vhost.empty()) return;
  if (m_last.empty() || vhost != m_last) {
    m_last.assign(vhost);
    m_last_index = index_of(vhost);
  }
  if (m_last_index != k_ignored) ++(m_last_index < m_hosts.size() ? m_hosts[m_last_index].second : m_others);
}

std::size_t NamedHosts::index_of(std::string_view vhost) {
  const std::string_view host = folded_view(vhost);
  if (names_no_site(host)) return k_ignored;
  // Compared as the line spells it: a log of interleaved hosts allocates nothing once each is known.
  const auto it = std::find_if(m_hosts.begin(), m_hosts.end(),
                               [&](const auto& h) { return util::iequals(h.first, host); });
  if (it != m_hosts.end()) return static_cast<std::size_t>(it - m_hosts.begin());
  if (m_hosts.size() >= k_max) return k_max; // counted with the others
  m_hosts.emplace_back(normalize_host(host), 0);
  return m_hosts.size() - 1;
}

std::vector<std::pair<std::string, std::uint64_t>> NamedHosts::hosts() const {
  auto out = m_hosts;
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
    return a.second != b.second ? a.second > b.second : a.first < b.first;
  });
  return out;
}

std::vector<std::pair<std::string, std::uint64_t>> SiteGuess::ranked() const {
  // Fold "www.x" into "x" before choosing.
  std::unordered_map<std::string, std::uint64_t> folded;
  for (const auto& [host, n] : m_counts)
    folded[normalize_host(host)] += n.first;
  std::vector<std::pair<std::string, std::uint64_t>> hosts(folded.begin(), folded.end());
  std::sort(hosts.begin(), hosts.end(), [](const auto& a, const auto& b) {
    return a.second != b.second ? a.second > b.second : a.first < b.first;
  });
  return hosts;
}

std::pair<std::string, std::uint64_t> SiteGuess::best() const {
  const auto hosts = ranked();
  return hosts.empty() ? std::pair<std::string, std::uint64_t>{} : hosts.front();
}

Message NamedHosts::listed() const {
  Message each;
  const auto named = hosts();
  for (std::size_t i = 0; i < named.size() && i < 5; ++i) {
    std::string host = util::escape_for_terminal(named[i].first);
    if (host.size() > 60) host = host.substr(0, 60) + "...";
    const Message count = count_message(named[i].second);
    each.en += (i ? ", " : "") + host + " " + count.en;
    each.local += (i ? ", " : "") + host + " " + count.local;
  }
  if (named.size() > 5 || m_others > 0) each.en += ", ...", each.local += ", ...";
  return each;
}

std::vector<Message> SiteGuess::notes() const {
  const auto hosts = ranked();
  if (hosts.empty()) return {};
  const auto& [host, count] = hosts.front();
  std::vector<Message> out{
      message(N_("site host not given: taking '{}' (the referrer of {} of {} referred hits); "
                 "use --site HOST to set it"),
              util::escape_for_terminal(host), count_message(count), count_message(total()))};
  // A log of two sites without a host field: the other one's links were referrals, unsaid (a
  // first-time user's review, 2026-12-07: 240 and 230 of 480 referred hits). Its pages load assets; a
  // site that links here (GitHub, Wikipedia) refers pages only (a second review: it was told to give
  // github.com as --site).
  std::uint64_t assets = 0, other_assets = 0;
  static const std::pair<std::string, std::uint64_t> k_none;
  const auto& [other, n] = hosts.size() > 1 ? hosts[1] : k_none;
  for (const auto& [h, c] : m_counts) {
    if (normalize_host(h) == host) assets += c.second;
    if (normalize_host(h) == other) other_assets += c.second;
  }
  if (!other.empty() && other_assets >= 20 && other_assets * 4 >= assets)
    out.push_back(message(N_("'{}' refers {} of the referred hits too: if the log holds that site's lines as "
                             "well, give both (--site {} --site {}), or the links between its pages count as "
                             "referrals"),
                          util::escape_for_terminal(other), count_message(n), util::escape_for_terminal(host),
                          util::escape_for_terminal(other)));
  return out;
}

std::optional<Message> SiteCheck::note(const SiteHosts& site) const {
  const auto [host, count] = likely();
  if (!wrong() || count < 10 || count * 10 < referred()) return std::nullopt;
  std::string hosts;
  for (const std::string& h : site.hosts())
    hosts += (hosts.empty() ? "" : ", ") + h;
  return message(N_("none of the {} page views with a referrer was referred by the site's own host ({}, "
                    "from --site), but {} of them by '{}': the site's links count as referrals from "
                    "outside and every click on them as an arrival; is --site right?"),
                 count_message(referred()), util::escape_for_terminal(hosts), count_message(count),
                 util::escape_for_terminal(host));
}

// Hosts of --site are one site; without it, the page views of two hosts are two sites. With --host,
// the lines of other hosts were left out: what is left is the ones asked for.
std::optional<Message> NamedHosts::note(const SiteHosts& site, bool filtered) const {
  const auto named = hosts();
  const bool others =
      std::any_of(named.begin(), named.end(), [&](const auto& h) { return !site.is_internal(h.first, {}); });
  if (filtered || !((site.empty() ? named.size() > 1 : others) || m_others > 0)) return std::nullopt;
  const Message count =
      m_others > 0 ? message(N_("more than {}"), count_message(k_max)) : count_message(named.size());
  return message(
      N_("the page views name {} hosts (page views: {}): they are counted as one site, and the "
         "pages of one path on different hosts as one page; if they are different sites, report "
         "each apart with --host HOST (its lines only); if they are one, give them all with --site"),
      count, listed());
}

} // namespace darkscan
