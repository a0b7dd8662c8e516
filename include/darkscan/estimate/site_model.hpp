#pragma once

#include <darkscan/estimate/aggregate.hpp>
#include <darkscan/estimate/estimate.hpp>

#include <array>
#include <cstddef>

namespace darkscan {

// How much of a site's referrer-less arrivals on deep pages are private shares, fitted on the
// report's own pages when it is made (doc/CLASSIFIER.md, "The site model").
//
// A referrer-less deep arrival without other evidence is either a private share opened in a
// browser that says nothing (the phone's default browser after a tap in a chat) or one of the
// noise causes of SIGNALS.md 1.2 (bookmarks, typed URLs, stripped referrers). Private shares of a
// page also show up as evidence: messengers' in-app browsers, private tags, clicks after a private
// preview (S, "signed" private arrivals; not mail, which the site's own untagged newsletters
// bring); the noise comes with the page's public traffic (O: search, social, referral, campaign and
// internal arrivals: the readers who know the page).
// Across pages, the referrer-less deep arrivals of new visitors (and, apart, of returning ones)
// are fitted as a·S + b·O (least squares, each page weighed by 1/(1 + visits): counts vary as their
// mean), over the pages that can have such arrivals (for deep arrivals, not landing pages nor hubs);
// the fit is used only when at least k_min_pages pages have signed arrivals, as many have public
// ones, and both rates come out above 0 (else the weights.rules value stands). A page's private
// part of its y arrivals of new visitors is then (y - b·O) / y (a new visitor has no bookmark: what
// public traffic does not explain is private), of returning visitors a·S / (a·S + b·O); each is
// drawn toward the site's, in the same form over all pages ((ΣY - b·ΣO) / ΣY, a·ΣS / (a·ΣS + b·ΣO)),
// by m pseudo-arrivals, so that a page with little evidence gets the site's share. For the ratio
// form m is estimated from the pages themselves (empirical Bayes, the method of moments of a
// beta-binomial: Kleinman 1973), over the pages of the fit with at least one arrival of evidence:
// the spread tau² of the true parts is what the pages' own parts vary beyond r(1 - r)·mean(1/n),
// over 1 - mean(1/n), and m = r(1 - r) / tau² - 1, within [k_min_prior_arrivals,
// k_max_prior_arrivals]: pages that differ much are drawn little. A page's a·S / (a·S + b·O) is
// taken as a proportion of its S + O arrivals, an approximation (its delta-method variance differs
// by a factor that depends on a, b and the page's mix). The excess form's part is no proportion of
// its arrivals (a page with one arrival and b·O = 0.3 has 0.7, not 0 or 1): its noise is that of
// the b·O arrivals it subtracts, Poisson, b·O/y², and tau² is what the pages' unclamped parts vary
// beyond its mean; each page then gets its own m = b·O/(y·tau²) (James-Stein: the page's part counts
// as much as it is sure), within the same bounds, and k_excess_prior_arrivals when tau² is 0 or
// cannot be told. The site's part is drawn toward the weights.rules value by k_site_prior_pages
// pages when few pages back the fit.
// The evidence whose weight the model fits: referrer-less deep arrivals of new and of returning
// visitors, and referrer-less arrivals from social apps' in-app browsers (a direct message, private,
// or a feed click, public: SIGNALS.md 2).
inline constexpr std::array<Evidence, 3> k_model_kinds = {
    Evidence::direct_deep_new, Evidence::direct_deep_returning, Evidence::inapp_social_noref};

struct SiteModel {
  static constexpr std::size_t k_kinds = k_model_kinds.size();
  static constexpr std::size_t k_min_pages = 5;    // pages with signed (and with public) arrivals to fit
  static constexpr double k_site_prior_pages = 10; // pseudo-pages of the rules' value in the site's part
  // The bounds of m, the pseudo-arrivals of the site's part in a page's: at least one (a page of one
  // arrival is not all or nothing), at most 100 (pages that seem all alike are still told apart by
  // a large page's own evidence). Unfitted kinds keep the rules' weight and no m.
  static constexpr double k_min_prior_arrivals = 1, k_max_prior_arrivals = 100;
  // m for new visitors' arrivals (excess form) when the pages' spread cannot be told: 10, as all
  // kinds had before m was estimated (doc/CLASSIFIER.md, section 4).
  static constexpr double k_excess_prior_arrivals = 10;
  // The pages whose parts of new visitors tell their spread: those with at least 3 such arrivals. A
  // part read from one or two swings by a half or more with one arrival, and by far more below 0
  // ((1 - 3)/1 = -2 for one arrival and b·O = 3): their spread is the counting's, not the pages'.
  // Over all pages with one or more, tau² came out 0.90 on bench/sim-site's baseline and 0 on its
  // nat-heavy site; from 3 (or 5) arrivals, 0.09 to 0.15 on both and the heavy-private site
  // (doc/CLASSIFIER.md, section 4).
  static constexpr double k_excess_spread_arrivals = 3;

  // In the order of k_model_kinds.
  std::array<double, k_kinds> signed_rate{}; // a: such arrivals per signed private arrival
  std::array<double, k_kinds> public_rate{}; // b: such arrivals per public arrival
  // Their private part over the whole site, as fitted: what a page with little evidence is drawn to.
  std::array<double, k_kinds> site_share{};
  std::array<double, k_kinds> applied_share{}; // their private part as the pages' weights count it
  std::array<double, k_kinds>
      prior_arrivals{}; // m: the site's part's pseudo-arrivals in a page's; 0 unfitted
  // tau²: how much the pages' true private parts vary about the site's, beyond sampling; 0 when
  // unfitted or not told. For new visitors each page's m is read from it (page_weights).
  std::array<double, k_kinds> spread{};
  std::array<bool, k_kinds> fitted{};
  std::array<bool, k_kinds> given{};        // set in the user's --rules: not fitted, taken as given
  std::array<std::size_t, k_kinds> pages{}; // pages the fit of each kind used
  bool valid = false; // made by fit_site_model (a default model leaves the weights as they are)
};

// The signed private (S) and public (O) arrivals of a page, from its effective evidence.
double signed_private(const WeightedCounts& c);
double public_arrivals(const PageStats& page, const WeightedCounts& c);

// Fits the model on the pages of `total` (effective evidence as the report counts it).
SiteModel fit_site_model(const Aggregate& total, const EstimateSettings& settings, const Weights& weights);

// The weights for one page: those of k_model_kinds become the page's fitted private parts; their ranges
// combine (root of the sum of squares, each side apart) the width weights.rules gives them with the page's
// own uncertainty, 1.96·sqrt(w(1 - w)/(n + m + 1)) for a weight w backed by n arrivals (for new visitors
// their own referrer-less ones, else the page's signed and public ones) and the prior's m pseudo-arrivals
// (the posterior of a beta prior); for new visitors the variance adds b·O/(n + m)², the Poisson noise
// of the b·O arrivals their part subtracts. The others are unchanged. `c`: the page's effective evidence over
// the whole report.
Weights page_weights(const SiteModel& model, const PageStats& whole, const WeightedCounts& c,
                     const Weights& weights);

} // namespace darkscan
