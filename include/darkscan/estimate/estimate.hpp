#pragma once

#include <darkscan/classify/evidence.hpp>
#include <darkscan/estimate/aggregate.hpp>

#include <cstdint>

namespace darkscan {

// The 97.5th percentile of the normal law: the half width of a 95% range in standard errors.
inline constexpr double k_z = 1.959963984540054;

// The dark-social estimate of a page, a period or the site, from its counts.
struct ShareEstimate {
  // False when the log does not say where most arrivals came from (no
  // referrer field: Common Log Format): share and range cannot be known.
  bool known = true;
  // No visits (only bots, previews or assets): no share to tell either, and `known` is false; the
  // estimated dark-social visits are a count still, 0.
  bool no_visits = false;
  double dark = 0.0; // estimated dark-social visits: each arrival's weight, summed
  // The estimated dark-social visits can be told: the log records referrers, or there were none.
  bool counted() const { return known || no_visits; }
  double share = 0.0;
  double low = 0.0;
  double high = 1.0;
  // The arrivals, and those of them whose referrer was not logged (common-format lines): why a
  // share is not known, when not all of them are (a review, 2026-12-07: 2 of 20 made the table say
  // that the log records no referrers).
  std::uint64_t visits = 0, unknown = 0;
};

// Arrivals whose referrer was not logged, as a share of all arrivals, from
// which the share is not estimated (`known` is false): a tenth. Below it the
// share is estimated on the arrivals whose referrer is known and the range
// stretched to hold any answer for the others.
inline constexpr double k_max_unknown_share = 0.1;

// Whether `visits` with `unknown` of them of unknown referrer can have a share (the rule above).
inline bool share_known(std::uint64_t visits, std::uint64_t unknown) {
  return unknown < visits && static_cast<double>(unknown) < k_max_unknown_share * static_cast<double>(visits);
}

// Arrivals per evidence as the estimate counts them (fractions, after the adjustments below).
using WeightedCounts = std::array<double, k_evidence_count>;

// Internal requests from a page per view above which they are its own resources loaded late (lazy
// images, fragments), not readers following links: such a page is no hub.
inline constexpr double k_max_follow_per_view = 2.0;

// True when `page` is a hub (EstimateSettings): its referrer-less deep arrivals count as direct.
bool is_hub(const PageStats& page, const EstimateSettings& settings);

// The distinct pages a hub of this site leads to at least: settings.hub_min_targets, or
// hub_targets_vs_median times the median of the pages that have at least 10 page views (when there
// are 10 such pages or more), when that is more (at most PageStats::k_max_targets). A front stands out from
// the site's own pages: on a site whose readers click on from every page, no page is one. One pass over the
// pages.
std::uint32_t hub_min_targets_of(const PageList& pages, const EstimateSettings& settings);

// The page's arrivals per evidence, adjusted with what the page as a whole says (`whole`: the
// same page over the whole report, so that the periods of a report add up to it): arrivals after
// a preview beyond settings.clicks_per_preview per private fetch count as referrer-less deep
// arrivals of new and returning visitors (in the page's own proportion, else `returning_share`);
// on a hub, all referrer-less deep arrivals without a preview count as direct to a landing page.
WeightedCounts effective_evidence(const PageStats& page, const PageStats& whole,
                                  const EstimateSettings& settings, double returning_share, bool hub);

// The share of returning visitors among referrer-less deep arrivals without a preview, over the
// whole aggregate (0.5 when there are none).
double returning_share(const TrafficTotals& totals);

// The estimate for `visits` arrivals of which `counts` had evidence of dark
// social (the others, search, social, campaigns..., weigh 0) and `unknown`
// came from lines without a referrer field. The share is the weighted sum over
// the known arrivals. Its 95% range combines, as independent errors (the root
// of the sum of squares of the two half-widths, each side apart), sampling
// (which of the arrivals that may be private, those whose weight's high end is
// above 0, really were: estimate.cpp) and the weights'
// own uncertainty (every weight anywhere in its range of weights.rules: the
// shares given by all-low and all-high weights). Deterministic: the same counts
// give the same doubles whatever order they were added in.
ShareEstimate estimate_share(const WeightedCounts& counts, std::uint64_t visits, std::uint64_t unknown,
                             const Weights& weights);
// The sums an estimate is made from: the arrivals' weights at their values, all low, all high, and
// the arrivals that may be private (whose weight's high end is above 0).
struct DarkSums {
  double dark = 0.0, low = 0.0, high = 0.0, candidates = 0.0;
};
// The same from those sums.
ShareEstimate estimate_from_sums(const DarkSums& sums, std::uint64_t visits, std::uint64_t unknown);
ShareEstimate estimate_share(const EvidenceCounts& counts, std::uint64_t visits, std::uint64_t unknown,
                             const Weights& weights);

// The page `key` of `learned` (an empty page when it has none).
const PageStats& page_of(const Aggregate& learned, std::string_view key);

} // namespace darkscan
