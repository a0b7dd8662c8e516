#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace darkscan {

// What decided an arrival that may be dark social: the keys of weights.rules,
// in the order the built-in file documents them. doc/CLASSIFIER.md says which
// arrival gets which.
enum class Evidence : std::uint8_t {
  inapp_messaging,
  tagged_private,
  mail,
  inapp_social_noref,
  direct_deep_after_preview,
  direct_deep_new,
  direct_deep_returning,
  direct_landing,
  direct_deep_after_mixed_preview,
  direct_deep_after_preview_late,
};
inline constexpr std::size_t k_evidence_count = 10;
std::string_view evidence_name(Evidence evidence);

// Arrivals per kind of evidence: what a page, an hour or a state keeps. The
// weights are applied only when a report is made (estimate.hpp), so a state
// holds no weight and a report always uses the rules it is made with.
using EvidenceCounts = std::array<std::uint64_t, k_evidence_count>;

// How much one kind of evidence counts as dark social: the weight used for
// the estimate and the range it plausibly lies in (weights.rules gives the
// reasons), 0 <= low <= value <= high <= 1.
struct WeightRange {
  double value = 0.0;
  double low = 0.0;
  double high = 0.0;
};
using Weights = std::array<WeightRange, k_evidence_count>;

// The most distinct link targets a page keeps (enough to tell a hub).
inline constexpr std::size_t k_max_hub_targets = 32;

inline constexpr std::uint32_t k_max_mailing_min = 64; // weights.rules mailing_min_arrivals, at most

// How the report turns counts into an estimate, besides the weights (weights.rules; the reasons
// for the defaults are written there).
struct EstimateSettings {
  // Referrer-less arrivals on a page that one private preview fetch can explain: a paste into a
  // chat is one fetch, and the chat's few readers click. Arrivals after a preview beyond this many
  // per fetch are judged as if there had been no fetch.
  double clicks_per_preview = 3.0;
  // A page is a hub, a section front that people type and bookmark (its referrer-less arrivals
  // are direct, as on a landing page), when its page views lead, through internal links, to at
  // least hub_min_targets distinct pages and at least hub_min_follow of them lead on,
  std::uint32_t hub_min_targets = 10; // at most k_max_hub_targets
  double hub_min_follow = 0.5;
  // ... and its page views are at least this many times its visits: a third of them come through
  // the site's own links (a shared product page whose readers go on to the cart is all arrivals).
  double hub_min_views_per_visit = 1.5;
  // ... and they lead to at least this many times as many distinct pages as the site's median page
  // (hub_min_targets_of): a front stands out from the site's pages (0: hub_min_targets alone).
  double hub_targets_vs_median = 2.0;
  // Mail arrivals on a page within an hour from which they are the site's own mailing, not mail
  // that readers send each other (MailBursts; 0: never).
  std::uint32_t mailing_min_arrivals = 6; // at most k_max_mailing_min
  // The weights a user set in a --rules directory of their own: the site model takes them as
  // given instead of fitting them (site_model.hpp).
  std::array<bool, k_evidence_count> weight_given{};
  // Where a kind's private part lay across sites whose logs fitted it ("unfitted KIND low high"):
  // the range of the rules' weight when this log cannot fit it, its low and high taken in (only
  // the kinds the site model fits use it; low > high: none given).
  std::array<WeightRange, k_evidence_count> unfitted{};
  EstimateSettings() {
    for (WeightRange& r : unfitted)
      r = {0.0, 1.0, 0.0};
  }
};

} // namespace darkscan
