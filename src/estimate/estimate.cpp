#include <darkscan/estimate/estimate.hpp>

#include <algorithm>
#include <cmath>
#include <string_view>

namespace darkscan {

namespace {

constexpr auto k_new = static_cast<std::size_t>(Evidence::direct_deep_new);
constexpr auto k_returning = static_cast<std::size_t>(Evidence::direct_deep_returning);
constexpr auto k_landing = static_cast<std::size_t>(Evidence::direct_landing);
constexpr auto k_after = static_cast<std::size_t>(Evidence::direct_deep_after_preview);
constexpr auto k_after_mixed = static_cast<std::size_t>(Evidence::direct_deep_after_mixed_preview);
constexpr auto k_after_late = static_cast<std::size_t>(Evidence::direct_deep_after_preview_late);

} // namespace

bool is_hub(const PageStats& page, const EstimateSettings& settings) {
  const auto views = static_cast<double>(page.page_views), out = static_cast<double>(page.internal_out);
  // More requests naming the page as referrer than twice its views: its own lazily loaded resources
  // (images, fragments fetched as the reader scrolls), not readers following links.
  // A front is reached in part through the site's own links (home page, menus); a page whose views
  // are nearly all arrivals from outside is an article or a product that readers click on from.
  return page.targets.size() >= settings.hub_min_targets && views > 0 &&
         out >= settings.hub_min_follow * views && out <= k_max_follow_per_view * views &&
         views >= settings.hub_min_views_per_visit * static_cast<double>(page.visits);
}

std::uint32_t hub_min_targets_of(const PageList& pages, const EstimateSettings& settings) {
  constexpr std::uint64_t k_min_views = 10; // a page read this often has shown where its readers go
  constexpr std::size_t k_min_pages = 10;   // a median of fewer is one page's whim
  std::vector<std::uint32_t> targets;
  for (const auto& [key, page] : pages)
    if (page->page_views >= k_min_views) targets.push_back(static_cast<std::uint32_t>(page->targets.size()));
  if (targets.size() < k_min_pages || !(settings.hub_targets_vs_median > 0)) return settings.hub_min_targets;
  const auto middle = targets.begin() + static_cast<std::ptrdiff_t>(targets.size() / 2);
  std::nth_element(targets.begin(), middle, targets.end());
  const double relative = std::min(settings.hub_targets_vs_median * static_cast<double>(*middle),
                                   static_cast<double>(PageStats::k_max_targets));
  return std::max(settings.hub_min_targets, static_cast<std::uint32_t>(std::ceil(relative)));
}

double returning_share(const TrafficTotals& totals) {
  const auto n = static_cast<double>(totals.evidence[k_new]),
             r = static_cast<double>(totals.evidence[k_returning]);
  return n + r > 0 ? r / (n + r) : 0.5;
}

const PageStats& page_of(const Aggregate& learned, std::string_view key) {
  static const PageStats k_none;
  const auto it = learned.pages().find(key);
  return it == learned.pages().end() ? k_none : it->second;
}

WeightedCounts effective_evidence(const PageStats& page, const PageStats& whole,
                                  const EstimateSettings& settings, double returning, bool hub) {
  WeightedCounts c{};
  for (std::size_t i = 0; i < k_evidence_count; ++i)
    c[i] = static_cast<double>(page.evidence[i]);
  // The part of the arrivals after a preview that the page's fetches explain, over the whole report.
  const double after = static_cast<double>(whole.evidence[k_after] + whole.evidence[k_after_late] +
                                           whole.evidence[k_after_mixed]);
  const double explained = settings.clicks_per_preview * static_cast<double>(whole.evidence_previews);
  if (after > explained) {
    const double keep = explained / after;
    const double excess = (c[k_after] + c[k_after_late] + c[k_after_mixed]) * (1.0 - keep);
    c[k_after] *= keep;
    c[k_after_late] *= keep;
    c[k_after_mixed] *= keep;
    const auto n = static_cast<double>(whole.evidence[k_new]),
               r = static_cast<double>(whole.evidence[k_returning]);
    if (n + r > 0) returning = r / (n + r);
    c[k_returning] += excess * returning;
    c[k_new] += excess * (1.0 - returning);
  }
  if (hub) {
    c[k_landing] += c[k_new] + c[k_returning];
    c[k_new] = c[k_returning] = 0.0;
  }
  return c;
}

ShareEstimate estimate_share(const EvidenceCounts& counts, std::uint64_t visits, std::uint64_t unknown,
                             const Weights& weights) {
  WeightedCounts c{};
  for (std::size_t i = 0; i < k_evidence_count; ++i)
    c[i] = static_cast<double>(counts[i]);
  return estimate_share(c, visits, unknown, weights);
}

ShareEstimate estimate_share(const WeightedCounts& counts, std::uint64_t visits, std::uint64_t unknown,
                             const Weights& weights) {
  // In evidence order, always: the same counts give the same sums to the last bit.
  double dark = 0.0, dark_low = 0.0, dark_high = 0.0, candidates = 0.0;
  for (std::size_t i = 0; i < k_evidence_count; ++i) {
    const double n = counts[i];
    dark += n * weights[i].value;
    dark_low += n * weights[i].low;
    dark_high += n * weights[i].high;
    if (weights[i].high > 0) candidates += n;
  }
  return estimate_from_sums({dark, dark_low, dark_high, candidates}, visits, unknown);
}

namespace {

// The 97.5th percentile of Binomial(m, high / m), m rounded: the most private visits among m
// arrivals whose chances add up to `high`. m + 1 (no bound) past 500 arrivals, where the normal
// range above is the narrower.
double binomial_upper(double m_real, double high) {
  const auto m = static_cast<int>(std::lround(m_real));
  if (m <= 0 || m > 500) return m_real + 1.0;
  const double q = std::clamp(high / m, 0.0, 1.0);
  if (q >= 1.0) return m;
  double pmf = std::pow(1.0 - q, m), cdf = pmf;
  int k = 0;
  while (cdf < 0.975 && k < m) {
    pmf *= static_cast<double>(m - k) / static_cast<double>(k + 1) * q / (1.0 - q);
    ++k;
    cdf += pmf;
  }
  return k;
}

// The 2.5th percentile of Binomial(m, low / m), m rounded: the fewest private visits among m
// arrivals whose chances add up to `low`. 0 (no bound) past 500 arrivals, as above.
double binomial_lower(double m_real, double low) {
  const auto m = static_cast<int>(std::lround(m_real));
  if (m <= 0 || m > 500) return 0.0;
  const double q = std::clamp(low / m, 0.0, 1.0);
  if (q <= 0.0) return 0.0;
  return m - binomial_upper(m, (1.0 - q) * m); // the arrivals not private, counted from the top
}

} // namespace

ShareEstimate estimate_from_sums(const DarkSums& sums, std::uint64_t visits, std::uint64_t unknown) {
  const double dark = sums.dark, dark_low = sums.low, dark_high = sums.high;
  ShareEstimate e;
  unknown = std::min(unknown, visits);
  const std::uint64_t known = visits - unknown;
  e.dark = dark;
  e.visits = visits, e.unknown = unknown;
  if (visits == 0) { // 0 of 0 is no share (an analyst's review: "0.0% (95% range 0.0% to 100.0%)")
    e.known = false;
    e.no_visits = true;
    return e;
  }
  if (!share_known(visits, unknown)) {
    e.known = false;
    e.share = e.low = 0.0;
    e.high = 1.0;
    return e;
  }
  const auto n = static_cast<double>(known);
  // Sampling: which of the arrivals that may be private (whose weight's high end is above 0) were;
  // the others (search, social, campaigns: weight 0 at both ends) surely were not and add no doubt.
  // The private count among those m arrivals, at their mean weight q, varies as m·q(1 - q); z²/4
  // more, the allowance of the Wilson score interval, so that arrivals all private or all not still
  // leave a range; centred on the estimate and not drawn toward one half as Wilson's is (drawn so,
  // the ranges held the truth on 85-93% of bench/sim-site's pages only: doc/CLASSIFIER.md, 4).
  const double candidates = std::clamp(sums.candidates, 0.0, n);
  const double p = std::clamp(dark, 0.0, n) / n;
  const double q = candidates > 0 ? std::clamp(dark / candidates, 0.0, 1.0) : 0.0;
  const double half =
      candidates > 0 ? k_z * std::sqrt(candidates * q * (1.0 - q) + k_z * k_z / 4.0) / n : 0.0;
  // At most all of them: a page whose one arrival of three came from Messenger has at most a third.
  // And at most what their weights' high ends allow: two typed visits to the home page (0 to 0.1
  // each) had a range up to 100% (a review, 2026-12-07). Each of the m is private with a chance of
  // at most its high end; their number is then at most Binomial(m, mean high end)'s 97.5th
  // percentile (a sum of independent trials is no more spread than the binomial of the same mean:
  // Hoeffding 1956, theorem 4).
  // And at least what their weights' low ends hold, the same way: two arrivals from WhatsApp's
  // in-app browser (0.9 to 1.0 each) of eight visits had a range from 0% (a review, 2026-12-07), as
  // if neither could be sure; at least one of them is private at 97.5%.
  const double sampled_low = std::max(
                   {0.0, p - half,
                    std::min(p, binomial_lower(candidates, std::clamp(dark_low, 0.0, candidates)) / n)}),
               sampled_high =
                   std::min({candidates / n, p + half,
                             binomial_upper(candidates, std::clamp(dark_high, 0.0, candidates)) / n});
  const double below = std::hypot(p - sampled_low, p - std::clamp(dark_low / n, 0.0, p));
  const double above = std::hypot(sampled_high - p, std::clamp(dark_high / n, p, 1.0) - p);
  // The arrivals whose referrer is unknown: none of them dark at the low end, all at the high end.
  const double known_part = n / static_cast<double>(visits);
  const double unknown_part = 1.0 - known_part;
  e.share = p;
  e.low = std::max(0.0, p - below) * known_part;
  e.high = std::min(1.0, std::min(1.0, p + above) * known_part + unknown_part);
  // Private visits are whole: each end of the range is the nearest whole number of the page's
  // visits (a low end of 0.2 visits is no private visit at all), as long as it still holds the share.
  const double v = static_cast<double>(visits);
  if (const double low = std::round(e.low * v) / v; low <= e.share) e.low = low;
  if (const double high = std::round(e.high * v) / v; high >= e.share) e.high = high;
  return e;
}

} // namespace darkscan
