#include <darkscan/aggregate.hpp>

namespace darkscan {

std::string_view evidence_group_name(EvidenceGroup group) {
  switch (group) {
  case EvidenceGroup::direct_deep: return "direct_deep";
  case EvidenceGroup::inapp_messaging: return "inapp_messaging";
  case EvidenceGroup::inapp_social: return "inapp_social";
  case EvidenceGroup::tagged_private: return "tagged_private";
  case EvidenceGroup::mail: return "mail";
  }
  return "direct_deep";
}

bool evidence_group(Evidence evidence, EvidenceGroup& group) {
  switch (evidence) {
  case Evidence::inapp_messaging: group = EvidenceGroup::inapp_messaging; return true;
  case Evidence::tagged_private: group = EvidenceGroup::tagged_private; return true;
  case Evidence::mail: group = EvidenceGroup::mail; return true;
  case Evidence::inapp_social_noref: group = EvidenceGroup::inapp_social; return true;
  case Evidence::direct_deep_after_preview:
  case Evidence::direct_deep_new:
  case Evidence::direct_deep_returning: group = EvidenceGroup::direct_deep; return true;
  case Evidence::direct_landing: return false;
  }
  return false;
}

void add_app(AppCounts& counts, std::string_view app, std::uint64_t n) {
  for (auto& [name, count] : counts) {
    if (name == app) {
      count += n;
      return;
    }
  }
  counts.emplace_back(app, n);
}

void PageStats::merge(const PageStats& other) {
  page_views += other.page_views;
  visits += other.visits;
  dark_social += other.dark_social;
  dark_social_visits += other.dark_social_visits;
  for (std::size_t i = 0; i < evidence.size(); ++i)
    evidence[i] += other.evidence[i];
  for (const auto& [app, n] : other.previews)
    add_app(previews, app, n);
  for (const auto& [app, n] : other.apps)
    add_app(apps, app, n);
}

std::string_view PageStats::top_app() const {
  AppCounts all = previews;
  for (const auto& [app, n] : apps)
    add_app(all, app, n);
  std::string_view best;
  std::uint64_t best_n = 0;
  for (const auto& [app, n] : all) {
    if (n > best_n || (n == best_n && app < best)) {
      best = app;
      best_n = n;
    }
  }
  return best;
}

void TrafficTotals::merge(const TrafficTotals& o) {
  bots += o.bots;
  previews += o.previews;
  assets += o.assets;
  page_views += o.page_views;
  visits += o.visits;
  dark_social_visits += o.dark_social_visits;
  dark_social += o.dark_social;
  for (std::size_t i = 0; i < channels.size(); ++i) {
    channels[i].visits += o.channels[i].visits;
    channels[i].dark_social += o.channels[i].dark_social;
  }
  for (const auto& [app, n] : o.previews_by_app)
    add_app(previews_by_app, app, n);
}

PageStats& Aggregate::page(std::string_view path) {
  if (auto it = m_pages.find(path); it != m_pages.end()) return it->second;
  return m_pages.emplace(std::string(path), PageStats{}).first->second;
}

std::string_view Aggregate::page_key(const Hit& hit) {
  if (m_keep_params.empty() || hit.query.empty()) return hit.path;
  m_key.assign(hit.path);
  char sep = '?';
  std::string_view query = hit.query;
  while (!query.empty()) {
    const std::size_t amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    const std::string_view name = pair.substr(0, pair.find('='));
    for (const std::string& keep : m_keep_params) {
      if (name == keep) {
        m_key += sep;
        m_key.append(pair);
        sep = '&';
        break;
      }
    }
  }
  return m_key;
}

void Aggregate::add(const Hit& hit, const Verdict& v) {
  switch (v.cls) {
  case HitClass::bot: ++m_totals.bots; return;
  case HitClass::asset: ++m_totals.assets; return;
  case HitClass::preview:
    ++m_totals.previews;
    // Previews of pages, not of their og:image: these are the shares.
    if (hit.request_valid && !v.asset_path) {
      const std::string_view app = v.app.empty() ? "other" : v.app;
      add_app(m_totals.previews_by_app, app);
      add_app(page(page_key(hit)).previews, app);
    }
    return;
  case HitClass::page_view: break;
  }
  ++m_totals.page_views;
  PageStats& p = page(page_key(hit));
  ++p.page_views;
  if (!v.visit_start || !v.channel) return;
  ++m_totals.visits;
  ++p.visits;
  auto& channel = m_totals.channels[static_cast<std::size_t>(*v.channel)];
  ++channel.visits;
  channel.dark_social += v.weight;
  m_totals.dark_social += v.weight;
  p.dark_social += v.weight;
  if (*v.channel == Channel::dark_social) {
    ++m_totals.dark_social_visits;
    ++p.dark_social_visits;
    if (!v.app.empty()) add_app(p.apps, v.app);
  }
  EvidenceGroup group;
  if (v.evidence && evidence_group(*v.evidence, group)) ++p.evidence[static_cast<std::size_t>(group)];
}

void Aggregate::merge(const Aggregate& other) {
  for (const auto& [path, stats] : other.m_pages)
    page(path).merge(stats);
  m_totals.merge(other.m_totals);
}

} // namespace darkscan
