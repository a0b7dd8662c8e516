#include <darkscan/report/report_advice.hpp>

#include <fmt/format.h>

#include <algorithm>

namespace darkscan {

Advice advice(const ReportData& data) {
  Advice a;
  const ShareEstimate overall = data.estimate(data.total);
  a.known = overall.known;
  if (!a.known) return a;
  a.dark = overall.dark;
  a.tagged = data.sums(data.total).value[static_cast<std::size_t>(Evidence::tagged_private)];
  // All pages, not only the listed ones: a page past --top can still need a button.
  ReportData all_pages = data;
  all_pages.top = static_cast<std::size_t>(-1);
  all_pages.min_visits = 0;
  std::size_t hidden = 0;
  for (const PageRow& row : page_rows(all_pages, {"", &data.total}, hidden)) {
    if (a.untagged.size() == Advice::k_pages || row.estimate.dark < 1.0) break;
    // A page whose share cannot be judged (its lines record no referrer) is not named with a figure
    // the report calls n/a (an analyst's review, 2026-12-07).
    if (row.estimate.known && row.stats->evidence[static_cast<std::size_t>(Evidence::tagged_private)] == 0)
      a.untagged.push_back(row);
  }
  // The apps whose tag the rules count as private: "utm_medium=social" is public social to the rules
  // as to GA4, and a tag naming a public network (Facebook's own browser) is a post, not a private
  // share (an analyst's review: the advice made the shares campaigns; a second review: it still
  // named Facebook among the apps to tag links in).
  for (const AppShare& app : apps_by_visits(data.total)) {
    if (app.visits == 0 || a.apps.size() == Advice::k_apps) continue;
    const std::string query = share_tag(app.app);
    if (!data.counts_private || !data.counts_private(query)) continue;
    if (a.apps.empty()) a.tag = "?" + query;
    a.apps.push_back(app);
  }
  return a;
}

std::vector<AppShare> apps_by_visits(const Aggregate& traffic, const PublicApps& public_apps) {
  AppCounts visits;
  for (const auto& [key, page] : traffic.pages())
    for (const auto& [app, n] : page.apps)
      if (!public_apps.is_network(app)) add_app(visits, app, n);
  std::vector<AppShare> out;
  for (const auto& [app, n] : visits)
    out.push_back({app, n, 0});
  for (const auto& entry : traffic.totals().previews_by_app) {
    // Not a structured binding: clang 14 (the fuzz build) refuses one captured by a lambda.
    const auto& app = entry.first;
    if (public_apps.is_previewer(app) || public_apps.is_network(app)) continue;
    auto it = std::find_if(out.begin(), out.end(), [&](const AppShare& a) { return a.app == app; });
    if (it == out.end()) it = out.insert(out.end(), AppShare{app, 0, 0});
    it->previews += entry.second;
  }
  std::sort(out.begin(), out.end(), [](const AppShare& a, const AppShare& b) {
    if (a.visits != b.visits) return a.visits > b.visits;
    if (a.previews != b.previews) return a.previews > b.previews;
    return a.app < b.app;
  });
  return out;
}

} // namespace darkscan
