#pragma once

#include <darkscan/estimate/aggregate.hpp>
#include <darkscan/estimate/estimate.hpp>

#include <array>
#include <cstddef>
#include <string_view>
#include <utility>
#include <vector>

namespace darkscan {

// How much of a site's referrer-less arrivals on deep pages are private shares, fitted on the
// report's own pages when it is made (doc/CLASSIFIER.md, "The site model").
//
// A referrer-less deep arrival without other evidence is either a private share opened in a
// browser that says nothing (the phone's default browser after a tap in a chat) or one of the
// noise causes of SIGNALS.md 1.2 (bookmarks, typed URLs, stripped referrers, apps that send none).
// Private shares of a page also show up as evidence: messengers' in-app browsers, private tags,
// clicks after a private preview (S, "signed" private arrivals; not mail, which the site's own
// untagged newsletters bring); the noise comes with the page's public traffic (O: search, social,
// referral, campaign and internal arrivals: the readers who know the page).
// Across pages, each kind's arrivals y are taken as Poisson with mean a·S + b·O, and a and b are
// fitted by maximum likelihood (both at least 0). At the maximum the pages' means add up to their
// arrivals (a·ΣS + b·ΣO = ΣY), so the fit is one number, the kind's private part θ = a·ΣS/ΣY over
// the site, the maximum of Σ y·log(θ·s/ΣS + (1 − θ)·o/ΣO) in [0, 1], then moved by Newton's steps
// to where the slope is 0 once what the Poisson noise of the signed counts takes from it is given
// back (site_model.cpp, noise_loss, corrected_theta); its 95% range about that part is read from
// the likelihood's curvature at the maximum, times the pages' dispersion beyond Poisson
// (quasi-likelihood: McCullagh and Nelder 1989, 9.2). When at least k_min_pages pages have in-app
// messaging arrivals, as many have other signed ones (a tenth of them or more) and the in-app ones
// are no weak instrument, a second fit takes the in-app arrivals as instrument for the signed ones
// (instrument_fit.hpp), with a jackknife range, theta = a·ΣS/(a·ΣS + b·ΣO); in the worlds tested
// (signatures click by click, or share by share) the two are biased in opposite directions, and
// the part is then the middle of the two, its range spanning both (not always either side of the
// truth: doc/CLASSIFIER.md). The fit is used when at least k_min_pages
// pages have signed arrivals and as many have public ones (else the weights.rules value stands). A
// page's private part of its arrivals of the kind is a·S / (a·S + b·O), the expected part of a
// Poisson mixture; it is drawn toward the site's, θ, by m pseudo-arrivals, so that a page with
// little evidence gets the site's part. m is estimated from the pages themselves (empirical Bayes,
// the method of moments of a beta-binomial: Kleinman 1973), over the pages of the fit with at least
// one arrival of evidence: the spread tau² of the true parts is what the pages' own parts vary
// beyond r(1 - r)·mean(1/n), over 1 - mean(1/n), and m = r(1 - r) / tau² - 1, within
// [k_min_prior_arrivals, k_max_prior_arrivals]: pages that differ much are drawn little. A page's
// part is taken as a proportion of its S + O arrivals, an approximation (its delta-method variance
// differs by a factor that depends on a, b and the page's mix). The site's part is drawn toward the
// weights.rules value by k_site_prior_pages pages when few pages back the fit.
// Until this fit, new visitors' arrivals were read as (y − b·O)/y with a and b from least squares
// ("a new visitor has no bookmark"): on a second simulator whose noise also comes from new
// visitors, that put sites 2 to 14 points too high (bench/results/sim-alt.md). That reading is
// now the high end of a new visitors' weight's range (page_weights).
// The evidence whose weight the model fits: referrer-less deep arrivals of new and of returning
// visitors, referrer-less arrivals from social apps' in-app browsers (a direct message, private,
// or a feed click, public: SIGNALS.md 2), and referrer-less arrivals after a preview that serves
// private and public shares alike (facebookexternalhit for Messenger and for the site's own posts:
// SIGNALS.md 3), which are therefore not signed private arrivals either, and mail arrivals (a mail
// forwarded by a reader, private, or the site's own untagged newsletter, not: weights.rules).
inline constexpr std::array<Evidence, 5> k_model_kinds = {
    Evidence::direct_deep_new, Evidence::direct_deep_returning, Evidence::inapp_social_noref,
    Evidence::direct_deep_after_mixed_preview, Evidence::mail};

struct SiteModel {
  static constexpr std::size_t k_kinds = k_model_kinds.size();
  static constexpr std::size_t k_min_pages = 5;    // pages with signed (and with public) arrivals to fit
  static constexpr double k_site_prior_pages = 10; // pseudo-pages of the rules' value in the site's part
  // The bounds of m, the pseudo-arrivals of the site's part in a page's: at least one (a page of one
  // arrival is not all or nothing), at most 100 (pages that seem all alike are still told apart by
  // a large page's own evidence). Unfitted kinds keep the rules' weight and no m.
  static constexpr double k_min_prior_arrivals = 1, k_max_prior_arrivals = 100;
  // The pages a fit reads at most: a site with more is fitted on every k-th of its pages (in key
  // order), so that the fit's memory (16 bytes a page and kind: 20 MiB for the five kinds, and 24
  // bytes a page with such arrivals for the kind being fitted: 6 MiB) and its time stay bounded.
  static constexpr std::size_t k_max_fit_pages = std::size_t{1} << 18;

  // In the order of k_model_kinds.
  std::array<double, k_kinds> signed_rate{}; // a: such arrivals per signed private arrival
  std::array<double, k_kinds> public_rate{}; // b: such arrivals per public arrival
  // Their private part over the whole site, as fitted: what a page with little evidence is drawn to.
  std::array<double, k_kinds> site_share{};
  // theta, the fitted part before it is drawn toward the rules' value, and its 95% range.
  std::array<double, k_kinds> fitted_share{}, fitted_low{}, fitted_high{};
  // The sums of the fit (signed, public, such arrivals), from which a and b follow for any theta.
  std::array<double, k_kinds> sum_signed{}, sum_public{}, sum_arrivals{};
  std::array<double, k_kinds> applied_share{}; // their private part as the pages' weights count it
  std::array<double, k_kinds>
      prior_arrivals{}; // m: the site's part's pseudo-arrivals in a page's; 0 unfitted
  // tau²: how much the pages' true private parts vary about the site's, beyond sampling; 0 when
  // unfitted or not told.
  std::array<double, k_kinds> spread{};
  std::array<bool, k_kinds> fitted{};
  // Also fitted with the in-app arrivals as instrument (instrument_fit.hpp): the part is the middle
  // of that fit and the corrected Poisson one, its range spanning both.
  std::array<bool, k_kinds> instrumented{};
  std::array<bool, k_kinds> given{};        // set in the user's --rules: not fitted, taken as given
  // The range of the rules' weight of a kind this log does not fit: the weights.rules range with
  // where the part lay on sites that fitted it ("unfitted" in weights.rules) taken in.
  std::array<double, k_kinds> unfitted_low{}, unfitted_high{};
  std::array<std::size_t, k_kinds> pages{}; // pages the fit of each kind used
  // What every page's weight is read with, worked out once by the fit: the site's part and its rates
  // a and b when theta is at fitted_low, fitted_high and fitted_share (page_weights, 13% of a
  // report's time on 1 GB of gen-log before: bench/results/profile.md). With what they were
  // worked out from (the rules' value, theta's range, the pages and sums): page_weights works them
  // out anew when those differ (a model changed by hand).
  struct Part {
    double site = 0, a = 0, b = 0;
  };
  struct Parts {
    std::array<double, 8> from{}; // prior, low, high, share, pages, sum_signed, sum_public, sum_arrivals
    std::array<Part, 3> at{};     // low, high, share
  };
  std::array<Parts, k_kinds> parts{};
  // Made by fit_site_model or fit_site_rates (a default model leaves the weights as they are).
  bool valid = false;
};

// The signed private (S) and public (O) arrivals of a page, from its effective evidence.
double signed_private(const WeightedCounts& c);
double public_arrivals(const PageStats& page, const WeightedCounts& c);

// Fits the model on the pages of `total` (effective evidence as the report counts it).
SiteModel fit_site_model(const Aggregate& total, const EstimateSettings& settings, const Weights& weights);

// Evidence's arrivals summed over pages, weighed or not.
using EvidenceSums = std::array<double, k_evidence_count>;

// fit_site_model in two steps, for a report that weighs every page anyway (ReportData::fit): the
// fit on `pages` (those of `total`, in key order: the instrumented fit's jackknife groups follow
// it), whose applied shares are then set from the report's sums of
// the pages' arrivals of each evidence, weighed by page_weights and not (page_weights does not
// read them). Until then the applied shares are the site's (site_share).
SiteModel fit_site_rates(const Aggregate& total, const PageList& pages, const EstimateSettings& settings,
                         const Weights& weights);
void set_applied_shares(SiteModel& m, const EvidenceSums& weighed, const EvidenceSums& arrivals);

// The weights for one page: those of k_model_kinds become the page's fitted private parts. Their ranges
// combine (root of the sum of squares, each side apart) the width weights.rules gives them, the page's
// own uncertainty, 1.96·sqrt(w(1 - w)/(n + m + 1)) for a weight w backed by n arrivals (its signed and
// public ones) and the prior's m pseudo-arrivals (the posterior of a beta prior), and the fit's (the
// page's weight at each end of theta's range); for new visitors the high end also takes in
// (y − b·O)/y, every arrival that the page's public traffic does not explain being private. The
// others are unchanged. `c`: the page's effective evidence over the whole report.
Weights page_weights(const SiteModel& model, const PageStats& whole, const WeightedCounts& c,
                     const Weights& weights);

} // namespace darkscan
