#include <darkscan/estimate/aggregate.hpp>
#include <darkscan/visits/decision.hpp>
#include <darkscan/util/url_path.hpp>

#include <algorithm>

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
  case Evidence::direct_deep_after_mixed_preview:
  case Evidence::direct_deep_after_preview_late:
  case Evidence::direct_deep_new:
  case Evidence::direct_deep_returning: group = EvidenceGroup::direct_deep; return true;
  case Evidence::direct_landing: return false;
  }
  return false;
}

Channel evidence_channel(Evidence evidence) {
  return evidence == Evidence::direct_landing ? Channel::direct : Channel::dark_social;
}

void add_target(std::vector<std::uint32_t>& targets, std::uint32_t target) {
  if (targets.size() >= PageStats::k_max_targets) return;
  // Sorted, so that the same set is the same vector (and the same state bytes) in any order.
  const auto it = std::lower_bound(targets.begin(), targets.end(), target);
  if (it == targets.end() || *it != target) targets.insert(it, target);
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

AppCounts ranked(AppCounts counts) {
  std::sort(counts.begin(), counts.end(), [](const auto& a, const auto& b) {
    return a.second != b.second ? a.second > b.second : a.first < b.first;
  });
  return counts;
}

void PageStats::merge(const PageStats& other) {
  page_views += other.page_views;
  visits += other.visits;
  dark_social_visits += other.dark_social_visits;
  unknown += other.unknown;
  evidence_previews += other.evidence_previews;
  internal_out += other.internal_out;
  for (std::uint32_t t : other.targets)
    add_target(targets, t);
  for (std::size_t i = 0; i < evidence.size(); ++i)
    evidence[i] += other.evidence[i];
  for (const auto& [app, n] : other.previews)
    add_app(previews, app, n);
  for (const auto& [app, n] : other.apps)
    add_app(apps, app, n);
}

std::array<std::uint64_t, k_evidence_group_count> PageStats::groups() const {
  std::array<std::uint64_t, k_evidence_group_count> out{};
  for (std::size_t i = 0; i < k_evidence_count; ++i) {
    EvidenceGroup group;
    if (evidence_group(static_cast<Evidence>(i), group)) out[static_cast<std::size_t>(group)] += evidence[i];
  }
  return out;
}

std::string_view PageStats::top_app(const PublicApps& public_apps) const {
  AppCounts all;
  for (const auto& [app, n] : previews)
    if (!public_apps.is_previewer(app) && !public_apps.is_network(app)) add_app(all, app, n);
  for (const auto& [app, n] : apps)
    if (!public_apps.is_network(app)) add_app(all, app, n);
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
  for (std::size_t i = 0; i < evidence.size(); ++i)
    evidence[i] += o.evidence[i];
  for (std::size_t i = 0; i < channels.size(); ++i)
    channels[i].visits += o.channels[i].visits;
  for (const auto& [app, n] : o.previews_by_app)
    add_app(previews_by_app, app, n);
}

std::vector<std::pair<std::string_view, const PageStats*>> Aggregate::pages_with_visits() const {
  std::vector<std::pair<std::string_view, const PageStats*>> out;
  for (const auto& [key, stats] : m_pages)
    if (stats.visits > 0) out.emplace_back(key, &stats);
  std::sort(out.begin(), out.end());
  return out;
}

PageStats& Aggregate::page(std::string_view path) { return m_pages[path]; }


std::string_view Aggregate::page_key(std::string_view raw_path, std::string_view query) {
  return make_key(raw_path, query, m_path, m_key);
}

std::string_view Aggregate::make_key(std::string_view path, std::string_view query, std::string& path_buf,
                                     std::string& key_buf) const {
  return util::page_key(path, query, m_keep_params, path_buf, key_buf);
}

void Aggregate::add(const Hit& hit, const Verdict& v) {
  switch (v.cls) {
  case HitClass::bot: ++m_totals.bots; return;
  case HitClass::asset: ++m_totals.assets; return;
  case HitClass::invalid: return; // counted by the scanner, as invalid_requests
  case HitClass::preview:
    ++m_totals.previews;
    // Previews of pages, not of their og:image: these are the shares.
    if (hit.request_valid && v.shared_page) {
      const std::string_view app = v.app.empty() ? "other" : v.app;
      add_app(m_totals.previews_by_app, app);
      PageStats& p = page(page_key(hit));
      add_app(p.previews, app);
      if (v.rules[0] && is_evidence_preview(static_cast<AgentKind>(v.rules[0]->kind))) ++p.evidence_previews;
    }
    return;
  case HitClass::page_view: break;
  }
  ++m_totals.page_views;
  const std::string_view key = page_key(hit);
  PageStats& stats = page(key); // stays valid as pages are added (StringTable)
  ++stats.page_views;
  if (v.internal_referrer) {
    std::string_view ref_path, ref_query;
    util::url_path_query(hit.referer, ref_path, ref_query);
    const std::string_view from_key = make_key(ref_path, ref_query, m_ref_path, m_ref_key);
    if (from_key != key) { // a reload or a form posting to itself leads nowhere
      PageStats& from = page(from_key);
      ++from.internal_out;
      add_target(from.targets, static_cast<std::uint32_t>(util::hash_bytes(key)));
    }
  }
  if (!v.visit_start || !v.channel) return;
  if (v.open) {
    m_pending.push_back({v.visitor, hit.time, std::string(key), std::string(key), *v.channel, v.evidence,
                         v.app, v.open, v.forced, v.bare, v.page, v.signature, v.messenger,
                         v.internal_views});
    return;
  }
  count_arrival(stats, *v.channel, v.evidence, v.app);
}

void Aggregate::count_arrival(std::string_view key, Channel channel_id, std::optional<Evidence> evidence,
                              std::string_view app) {
  count_arrival(page(key), channel_id, evidence, app);
}

void Aggregate::count_arrival(PageStats& p, Channel channel_id, std::optional<Evidence> evidence,
                              std::string_view app) {
  ++m_totals.visits;
  ++p.visits;
  ++m_totals.channels[static_cast<std::size_t>(channel_id)].visits;
  if (channel_id == Channel::unknown) ++p.unknown;
  if (channel_id == Channel::dark_social) {
    ++m_totals.dark_social_visits;
    ++p.dark_social_visits;
    if (!app.empty()) add_app(p.apps, app);
  }
  if (evidence) {
    ++m_totals.evidence[static_cast<std::size_t>(*evidence)];
    ++p.evidence[static_cast<std::size_t>(*evidence)];
  }
}

// Decides, for the parts that history before the shard can change, with the
// functions the Analyzer decides with (decision.hpp). A part stays open while
// history before the earlier shard could still decide it.
void Aggregate::resolve_pending(const EarlierHistory* earlier) {
  std::vector<PendingArrival> still_open;
  for (PendingArrival& a : m_pending) {
    if (earlier) {
      const Sessions::Visitor* before = earlier->visitors.find(a.visitor);
      // Can history before the earlier shard still matter `window` seconds after its start?
      const auto reaches = [&](std::int64_t window) {
        return !earlier->whole && earlier->origin != Hit::k_no_time && a.time - earlier->origin < window;
      };
      if (a.open & k_open_session) {
        // Whether the site's links send a referrer, as one run would have known it: what the earlier
        // shard showed and what this one had shown before the arrival (a review: a quiet earlier shard
        // lost the later one's).
        const bool site_links =
            earlier->visitors.internal_views() + a.internal_views >= Sessions::k_links_learned;
        const bool unlinked =
            a.bare && before && unlinked_view(*before, a.page_signature, site_links, a.messenger);
        if (before && continues_visit(*before, a.time, a.signature, a.forced || unlinked))
          continue; // not an arrival
        if (before || !reaches(Sessions::k_visit_gap)) a.open &= ~k_open_session;
      }
      if (a.open & k_open_preview) {
        if (const PreviewMemory::Fetch* fetch = earlier->previews.before(a.path, a.time)) {
          const Rule* preview = fetch->rule;
          a.evidence = deep_evidence(preview, false, a.time - fetch->time);
          a.channel = Channel::dark_social;
          if (a.app.empty()) a.app = preview->app;
          a.open &= ~(k_open_preview | k_open_returning);
        } else if (!reaches(PreviewMemory::k_window)) {
          a.open &= ~k_open_preview;
        }
      }
      if (a.open & k_open_returning) {
        // Not seen within the window before: history before the earlier shard may still know it.
        const bool seen = earlier->visitors.returning(a.visitor, a.time);
        if (seen) a.evidence = deep_evidence(nullptr, true, 0);
        if (seen || before || !reaches(Sessions::k_returning_window)) a.open &= ~k_open_returning;
      }
      if (a.open) {
        still_open.push_back(std::move(a));
        continue;
      }
    }
    count_arrival(a.page, a.channel, a.evidence, a.app);
  }
  m_pending = std::move(still_open);
}

void Aggregate::merge(const Aggregate& other) {
  for (const auto& [path, stats] : other.m_pages)
    page(path).merge(stats);
  m_totals.merge(other.m_totals);
  m_pending.insert(m_pending.end(), other.m_pending.begin(), other.m_pending.end());
}

} // namespace darkscan
