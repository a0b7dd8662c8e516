#include <darkscan/classify/classifier.hpp>
#include <darkscan/classify/visitor_key.hpp>
#include <darkscan/parse/hit_fields.hpp>
#include <darkscan/util/blank.hpp>
#include <darkscan/util/text.hpp>
#include <darkscan/util/url_path.hpp>

#include <algorithm>

namespace darkscan {

namespace {

constexpr std::size_t k_cache_limit = 100000;

// A page was shown: 2xx, or 304 (the browser's copy). Not 204, No Content: a beacon or a form's
// answer, nothing to read (an analyst's review, 2026-12-06: a 204 was a dark-social arrival).
bool is_success(int status) { return (status >= 200 && status < 300 && status != 204) || status == 304; }

// The host a whole URL names, without user and port: "http://u@Example.com:8080/a" -> "Example.com".
std::string_view url_host(std::string_view url) {
  const std::size_t slashes = url.find("//");
  if (slashes == std::string_view::npos) return {};
  std::string_view authority = url.substr(slashes + 2);
  authority = authority.substr(0, authority.find_first_of("/?#"));
  if (const std::size_t at = authority.rfind('@'); at != std::string_view::npos)
    authority.remove_prefix(at + 1);
  return strip_port(authority);
}

// Whether two host names are the same (case aside); never when either is empty.
bool same_host(std::string_view a, std::string_view b) { return !a.empty() && util::iequals(a, b); }

} // namespace

std::string_view class_name(HitClass cls) {
  switch (cls) {
  case HitClass::page_view: return "page_view";
  case HitClass::asset: return "asset";
  case HitClass::preview: return "preview";
  case HitClass::bot: return "bot";
  case HitClass::invalid: return "invalid";
  }
  return "page_view";
}

std::string_view channel_name(Channel channel) {
  switch (channel) {
  case Channel::dark_social: return "dark_social";
  case Channel::direct: return "direct";
  case Channel::search: return "search";
  case Channel::social: return "social";
  case Channel::campaign: return "campaign";
  case Channel::referral: return "referral";
  case Channel::internal: return "internal";
  case Channel::unknown: return "unknown";
  }
  return "direct";
}

void referrer_host(std::string_view referer, std::string& out) {
  // Byte loops, not find("://") and find_first_of("/?#"): the latter calls memchr once per byte,
  // and this runs for every page view with a referrer (1,000 instructions each before).
  out.clear();
  std::string_view rest = referer;
  std::string_view scheme;
  const std::size_t scan = std::min<std::size_t>(rest.size() < 2 ? 0 : rest.size() - 2, 32);
  for (std::size_t i = 0; i < scan; ++i) {
    if (rest[i] == ':' && rest[i + 1] == '/' && rest[i + 2] == '/') {
      if (i > 0) { // the first "://" only: at 0 it is no scheme
        scheme = rest.substr(0, i);
        rest.remove_prefix(i + 3);
      }
      break;
    }
  }
  std::size_t end = 0;
  while (end < rest.size() && rest[end] != '/' && rest[end] != '?' && rest[end] != '#')
    ++end;
  std::string_view host = rest.substr(0, end);
  if (std::size_t at = host.rfind('@'); at != std::string_view::npos) host.remove_prefix(at + 1);
  // Schemes are case-insensitive (RFC 3986 3.1): "HTTPS://www.google.com/" is Google (a second
  // analyst's review, 2026-12-06: it was a referral, keyed "https:www.google.com").
  const bool web = scheme.empty() || util::iequals(scheme, "http") || util::iequals(scheme, "https");
  if (web && !host.empty() && host.front() != '[') {
    if (std::size_t colon = host.rfind(':'); colon != std::string_view::npos) host = host.substr(0, colon);
  }
  if (!web) {
    for (char c : scheme)
      out += util::ascii_lower(c);
    out += ':';
  }
  util::append_host_key(host, out);
}

Classifier::Classifier(const Rules& rules) : m_rules(rules), m_paths(rules) {}

template <typename Match> const Rule* Classifier::cached(Cache& cache, std::string_view key, Match match) {
  if (auto it = cache.find(key); it != cache.end()) return it->second;
  const Rule* rule = match(key);
  if (cache.size() >= k_cache_limit) cache.clear();
  cache.emplace(std::string(key), rule);
  return rule;
}

const Rule* Classifier::agent(std::string_view user_agent) {
  // A page and its assets come in a burst of lines with one agent: comparing it with the last one
  // costs less than hashing it for the table (the lookup was 6% of a run's cycles).
  // Its hash serves the table and then the visitor key (prepare()).
  if (m_last_agent_known && user_agent == m_last_agent) return m_last_agent_rule;
  const Hashed key{user_agent, util::hash_bytes(user_agent)};
  const Rule* rule = nullptr;
  if (auto it = m_agents.find(key); it != m_agents.end()) {
    rule = it->second;
  } else {
    rule = m_rules.match_agent(user_agent);
    if (m_agents.size() >= k_cache_limit) m_agents.clear();
    m_agents.emplace(std::string(user_agent), rule);
  }
  m_last_agent.assign(user_agent);
  m_last_agent_rule = rule;
  m_last_agent_hash = key.hash;
  m_last_agent_known = true;
  return rule;
}

const Rule* Classifier::package(std::string_view package) {
  return cached(m_packages, package, [&](std::string_view p) { return m_rules.match_package(p); });
}

ReferrerInfo Classifier::referrer(std::string_view referer) {
  if (referer.empty()) return {};
  referrer_host(referer, m_host);
  if (m_host.empty()) return {};
  return {m_host, cached(m_hosts, m_host, [&](std::string_view h) { return m_rules.match_referrer(h); })};
}

void Classifier::classify(const Hit& hit, Verdict& verdict, const Rule*& agent_rule) {
  util::blank(verdict);
  agent_rule = nullptr;
  if (!hit.request_valid) {
    // Not an HTTP request at all (a TLS handshake on port 80, "-"): whoever sent it.
    verdict.cls = HitClass::invalid;
    verdict.add_reason("req.invalid");
    return;
  }
  if (hit.user_agent.empty() && hit.has_user_agent) {
    verdict.cls = HitClass::bot;
    verdict.add_reason("ua.empty");
    return;
  }
  const Rule* ua = hit.user_agent.empty() ? nullptr : agent(hit.user_agent);
  m_agent_looked_up = !hit.user_agent.empty();
  agent_rule = ua;
  const auto kind = ua ? static_cast<AgentKind>(ua->kind) : AgentKind::browser;
  if (ua) verdict.app = ua->app;
  if (is_preview(kind) || is_bot(kind)) {
    verdict.cls = is_preview(kind) ? HitClass::preview : HitClass::bot;
    verdict.add_reason(ua->id, ua);
    // A preview of an og:image is not a preview of a page; nor is a fetch answered by a redirect (the
    // fetcher follows it: one share, fetched twice) or by "no such page" (a second analyst's review,
    // 2026-12-06: a 301 then a 200 counted two shares, a 404 made a page of its own). A fetch refused
    // (403, 429: a firewall, a rate limit) or failed (5xx) still says that the link was pasted.
    if (is_preview(kind)) {
      verdict.asset_path = m_paths.asset(hit.path);
      const int s = hit.status;
      const bool elsewhere = s != 304 && ((s >= 300 && s < 400) || s == 404 || s == 410);
      // A HEAD asks what a GET then fetches: one paste, not two (an analyst's review, 2026-12-06:
      // Slack's HEAD and GET of one link counted two shares, and so six clicks explained).
      const std::string_view m = hit.method;
      const bool head = m.size() == 4 && m[0] == 'H' && m[1] == 'E' && m[2] == 'A' && m[3] == 'D';
      verdict.shared_page = !elsewhere && !head && !verdict.asset_path;
      if (elsewhere) verdict.add_reason("status.not_ok");
      if (head) verdict.add_reason("req.method");
    }
    return;
  }
  // A whole URL in the request line is what a client sends a forward proxy: a browser sends a site's
  // server the path alone (RFC 9112, 3.2.2). Proxy checkers send it to any server that answers
  // ("GET http://azenv.net/azenv.php", answered 200 by a default server): unless the URL names the
  // host the line logs, it is no page of the site (a review, 2026-12-07: such probes were dark-social
  // arrivals at 0.8).
  if (hit.absolute_form && !same_host(url_host(hit.target), hit.host)) {
    verdict.cls = HitClass::bot;
    verdict.add_reason("req.absolute");
    return;
  }
  if (!hit.requested_with.empty() && verdict.app.empty()) {
    const Rule* pkg = package(hit.requested_with);
    if (pkg && static_cast<PackageKind>(pkg->kind) != PackageKind::browser) verdict.app = pkg->app;
  }
  // Byte by byte: `!= "GET"` was a call to memcmp on every line.
  const std::string_view m = hit.method;
  const bool get = m.size() == 3 && m[0] == 'G' && m[1] == 'E' && m[2] == 'T';
  if (!m.empty() && !get) {
    verdict.cls = HitClass::asset;
    verdict.add_reason("req.method");
  } else if (hit.status != 0 && !is_success(hit.status)) {
    verdict.cls = HitClass::asset;
    verdict.add_reason("status.not_ok");
  } else if (m_paths.asset(hit.path)) {
    verdict.cls = HitClass::asset;
    verdict.asset_path = true;
    verdict.add_reason("path.asset");
  } else {
    verdict.cls = HitClass::page_view;
  }
}

void Classifier::prepare(const Hit& hit, Prepared& out, std::string& arena) {
  util::blank(out);
  const Rule* ua = nullptr;
  m_agent_looked_up = false;
  classify(hit, out.verdict, ua);
  // Only page views have visits: the other hits (four in five, on a site's log) need no visitor
  // key, which cost 110 instructions a line (the hits writer makes theirs, hits_writer.cpp).
  if (out.verdict.cls != HitClass::page_view) return;
  // classify() looked the agent up, and hashed it, unless the agent is empty.
  out.visitor = visitor_key_hashed(hit.client, hit.forwarded_for,
                                   m_agent_looked_up ? m_last_agent_hash : util::hash_bytes(hit.user_agent),
                                   m_rules.trusted_proxies());
  out.verdict.visitor = out.visitor;
  out.ua = ua;
  if (!hit.requested_with.empty()) out.package = package(hit.requested_with);
  if (!hit.referer.empty()) {
    const ReferrerInfo ref = referrer(hit.referer);
    if (!ref.host.empty()) {
      out.ref_host_offset = static_cast<std::uint32_t>(arena.size());
      out.ref_host_size = static_cast<std::uint32_t>(ref.host.size());
      arena.append(ref.host);
      out.referrer = ref.rule;
    }
  }
  out.tag = m_rules.match_query(hit.query);
  // Social click ids (fbclid) count only with a referrer: without one the
  // arrival is judged on the rest (doc/RULES.md).
  if (out.tag && static_cast<TagKind>(out.tag->kind) == TagKind::social && out.ref_host_size == 0)
    out.tag = nullptr;
  if (out.ref_host_size == 0)
    out.landing = m_paths.landing(hit.path) && !util::has_param(hit.query, m_rules.content_params());
}

} // namespace darkscan
