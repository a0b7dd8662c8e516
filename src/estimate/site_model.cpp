#include <darkscan/estimate/site_model.hpp>

#include <algorithm>
#include <cmath>
#include <string_view>
#include <utility>
#include <vector>

namespace darkscan {

namespace {

constexpr double k_z = 1.959963984540054; // the 97.5th percentile of the normal law

std::size_t kind(std::size_t k) { return static_cast<std::size_t>(k_model_kinds[k]); }

// Referrer-less arrivals on deep pages (not the in-app social ones, which any page has).
bool deep(std::size_t k) {
  return k_model_kinds[k] == Evidence::direct_deep_new || k_model_kinds[k] == Evidence::direct_deep_returning;
}

// A new visitor has no bookmark: what a page's public traffic does not explain is private.
bool excess_form(std::size_t k) { return k_model_kinds[k] == Evidence::direct_deep_new; }

// The blend of `value` (backed by `n` arrivals) with `prior` (`m` pseudo-arrivals).
double blend(double value, double n, double prior, double m) { return (n * value + m * prior) / (n + m); }

// A page's own private part of its arrivals of kind k, and the arrivals `n` that back it; false when
// it has none of the evidence the part is read from.
bool own_share(const SiteModel& model, std::size_t k, double s, double o, double y, double& share,
               double& n) {
  const double a = model.signed_rate[k] * s, b = model.public_rate[k] * o;
  if (excess_form(k) && y > 0) {
    // Not clamped: a page's part below 0 is noise that the site's part evens out (clamping each
    // page's before the blend would lift them all); the blend is clamped.
    share = (y - b) / y, n = y;
    return true;
  }
  if (!excess_form(k) && a + b > 0) {
    share = a / (a + b), n = s + o;
    return true;
  }
  return false;
}

// Moments of the pages' own parts of one kind, for the prior's pseudo-arrivals (site_model.hpp).
struct Moments {
  double pages = 0, sum = 0, sum_sq = 0, inverse_n = 0;
  void add(double share, double n) {
    pages += 1, sum += share, sum_sq += share * share, inverse_n += 1.0 / n;
  }
  // A page's part r of n arrivals varies as tau² + (r(1 - r) - tau²)/n about the site's: the spread
  // of the true parts, tau², is what the pages' variance holds beyond sampling, over 1 - mean(1/n).
  // 0 when it cannot be told (too few pages, or no spread beyond sampling).
  double spread() const {
    if (pages < SiteModel::k_min_pages) return 0.0;
    const double mean = sum / pages, binomial = mean * (1.0 - mean), inverse = inverse_n / pages;
    const double variance = (sum_sq - pages * mean * mean) / (pages - 1.0);
    return std::max(0.0, (variance - binomial * inverse) / (1.0 - inverse));
  }
  double prior_arrivals() const {
    const double tau2 = spread(), mean = pages > 0 ? sum / pages : 0.0;
    if (!(tau2 > 0)) return SiteModel::k_max_prior_arrivals;
    return std::clamp(mean * (1.0 - mean) / tau2 - 1.0, SiteModel::k_min_prior_arrivals,
                      SiteModel::k_max_prior_arrivals);
  }
};

// The same for new visitors' parts, (y - b·O)/y unclamped: they vary about the site's by tau² and
// by the Poisson noise of the b·O arrivals they subtract, b·O/y² (the y arrivals are the page's
// own; which of them are private is the part itself). tau² is the pages' variance beyond the mean
// of that noise, over the pages with at least k_excess_spread_arrivals such arrivals.
struct ExcessMoments {
  double pages = 0, sum = 0, sum_sq = 0, noise = 0;
  void add(double y, double baseline) {
    const double part = (y - baseline) / y;
    pages += 1, sum += part, sum_sq += part * part, noise += baseline / (y * y);
  }
  double spread() const {
    if (pages < SiteModel::k_min_pages) return 0.0;
    const double mean = sum / pages, variance = (sum_sq - pages * mean * mean) / (pages - 1.0);
    return std::max(0.0, variance - noise / pages);
  }
};

// m for a page's part of new visitors: its noise b·O/y² over the spread of the true parts, in
// arrivals (y·noise/tau²), so that the page's own part counts as much as it is sure (James and
// Stein; Efron and Morris 1975); the fixed k_excess_prior_arrivals when the spread is unknown.
double excess_prior_arrivals(const SiteModel& model, std::size_t k, double o, double y) {
  if (!(model.spread[k] > 0) || !(y > 0)) return model.prior_arrivals[k];
  return std::clamp(model.public_rate[k] * o / (y * model.spread[k]), SiteModel::k_min_prior_arrivals,
                    SiteModel::k_max_prior_arrivals);
}

} // namespace

double signed_private(const WeightedCounts& c) {
  // Not mail: the site's own untagged newsletters arrive as mail too (weights.rules), and a mailing
  // brings its readers' bookmarks and typed visits with it, not private shares.
  return c[static_cast<std::size_t>(Evidence::inapp_messaging)] +
         c[static_cast<std::size_t>(Evidence::tagged_private)] +
         c[static_cast<std::size_t>(Evidence::direct_deep_after_preview)] +
         c[static_cast<std::size_t>(Evidence::direct_deep_after_mixed_preview)];
}

double public_arrivals(const PageStats& page, const WeightedCounts& c) {
  double with_evidence = 0.0;
  for (double n : c)
    with_evidence += n;
  return std::max(0.0,
                  static_cast<double>(page.visits - std::min(page.unknown, page.visits)) - with_evidence);
}

namespace {

using Pages = std::vector<std::pair<std::string_view, const PageStats*>>;

// The weighted sums of the least-squares fit of one kind, and the pages behind them.
struct FitSums {
  double sxx = 0, sxo = 0, soo = 0, sxy = 0, soy = 0, all_s = 0, all_o = 0, all_y = 0;
  std::size_t used = 0, with_signed = 0, with_public = 0;
};

// A page as the fit sees it: its effective evidence, its signed (s) and public (o) arrivals, and
// whether it is a landing page or a hub.
struct FitPage {
  WeightedCounts c;
  double s = 0, o = 0;
  bool landing = false;
};

FitPage fit_page(const PageStats& p, const EstimateSettings& settings, double returning) {
  FitPage f;
  const bool hub = is_hub(p, settings);
  f.c = effective_evidence(p, p, settings, returning, hub);
  // Landing pages and hubs have no referrer-less deep arrivals by construction: no evidence of
  // how many a page's readers bring (they would pull b toward 0).
  f.landing = hub || f.c[static_cast<std::size_t>(Evidence::direct_landing)] > 0;
  f.s = signed_private(f.c), f.o = public_arrivals(p, f.c);
  return f;
}

std::array<FitSums, SiteModel::k_kinds> fit_sums(const Pages& pages, const EstimateSettings& settings,
                                                 double returning) {
  std::array<FitSums, SiteModel::k_kinds> sums{};
  for (const auto& [key, p] : pages) {
    const FitPage f = fit_page(*p, settings, returning);
    const double s = f.s, o = f.o;
    const double w = 1.0 / (1.0 + static_cast<double>(p->visits));
    for (std::size_t k = 0; k < SiteModel::k_kinds; ++k) {
      const double y = f.c[kind(k)];
      if ((f.landing && deep(k)) || s + o + y == 0) continue;
      FitSums& m = sums[k];
      ++m.used;
      m.with_signed += s > 0;
      m.with_public += o > 0;
      m.sxx += w * s * s, m.sxo += w * s * o, m.soo += w * o * o, m.sxy += w * s * y, m.soy += w * o * y;
      m.all_s += s, m.all_o += o, m.all_y += y;
    }
  }
  return sums;
}

// Solves the fit of kind k into `m` (rates, site share, fitted), or leaves the rules' weight.
void fit_kind(SiteModel& m, std::size_t k, const FitSums& f, const EstimateSettings& settings,
              const Weights& weights) {
  m.pages[k] = f.used;
  const double prior = weights[kind(k)].value;
  m.site_share[k] = prior;
  m.given[k] = settings.weight_given[kind(k)];
  if (m.given[k]) return;
  // Each rate needs pages that show its cause: without signed private arrivals (a blog without
  // share tags, a log without user agents) a cannot be told, which is not a = 0.
  if (f.with_signed < SiteModel::k_min_pages || f.with_public < SiteModel::k_min_pages) return;
  const double det = f.sxx * f.soo - f.sxo * f.sxo;
  if (!(det > 0)) return;
  const double a = (f.sxy * f.soo - f.soy * f.sxo) / det, b = (f.soy * f.sxx - f.sxy * f.sxo) / det;
  // A rate fitted at or below 0 says the model does not fit this site: keep the rules' weight.
  if (!(a > 0 && b > 0)) return;
  m.signed_rate[k] = a;
  m.public_rate[k] = b;
  m.fitted[k] = true;
  // The site's part in the form a page's is (page_weights).
  double site = prior;
  if (excess_form(k)) {
    if (f.all_y > 0) site = std::clamp((f.all_y - b * f.all_o) / f.all_y, 0.0, 1.0);
  } else if (a * f.all_s + b * f.all_o > 0) {
    site = a * f.all_s / (a * f.all_s + b * f.all_o);
  }
  // Drawn toward the rules' value when few pages back the fit (pages as pseudo-arrivals).
  m.site_share[k] = blend(site, static_cast<double>(f.used), prior, SiteModel::k_site_prior_pages);
}

// How far pages differ in their own parts: the prior's weight in each (site_model.hpp).
// Over the pages of the fit, those with at least one arrival of evidence (weighted counts can be
// fractions: a page of 0.3 arrivals says nothing of its spread).
void fit_prior_arrivals(SiteModel& m, const Pages& pages, const EstimateSettings& settings,
                        double returning) {
  std::array<Moments, SiteModel::k_kinds> moments{};
  std::array<ExcessMoments, SiteModel::k_kinds> excess{};
  for (const auto& [key, p] : pages) {
    const FitPage f = fit_page(*p, settings, returning);
    double share = 0, n = 0;
    for (std::size_t k = 0; k < SiteModel::k_kinds; ++k) {
      if (!m.fitted[k] || (f.landing && deep(k))) continue;
      const double y = f.c[kind(k)];
      if (excess_form(k)) {
        if (y >= SiteModel::k_excess_spread_arrivals) excess[k].add(y, m.public_rate[k] * f.o);
      } else if (own_share(m, k, f.s, f.o, y, share, n) && n >= 1.0) {
        moments[k].add(share, n);
      }
    }
  }
  for (std::size_t k = 0; k < SiteModel::k_kinds; ++k) {
    if (!m.fitted[k]) continue;
    m.spread[k] = excess_form(k) ? excess[k].spread() : moments[k].spread();
    m.prior_arrivals[k] = excess_form(k) ? SiteModel::k_excess_prior_arrivals : moments[k].prior_arrivals();
  }
}

// What the pages' weights make of the site's arrivals of each kind (what the report counts). The
// effective evidence is computed again rather than kept from the fit: 72 bytes a page would be
// 72 MB on a site of a million pages, for well under 1% of a run (bench/results/model-cost.md).
void measure_applied_shares(SiteModel& m, const Pages& pages, const EstimateSettings& settings,
                            const Weights& weights, double returning) {
  std::array<double, SiteModel::k_kinds> weighed{}, all{};
  for (const auto& [key, p] : pages) {
    const WeightedCounts c = effective_evidence(*p, *p, settings, returning, is_hub(*p, settings));
    const Weights w = page_weights(m, *p, c, weights);
    for (std::size_t k = 0; k < SiteModel::k_kinds; ++k)
      weighed[k] += c[kind(k)] * w[kind(k)].value, all[k] += c[kind(k)];
  }
  for (std::size_t k = 0; k < SiteModel::k_kinds; ++k)
    m.applied_share[k] = all[k] > 0 ? weighed[k] / all[k] : m.site_share[k];
}

} // namespace

SiteModel fit_site_model(const Aggregate& total, const EstimateSettings& settings, const Weights& weights) {
  SiteModel m;
  m.valid = true;
  const double returning = returning_share(total.totals());
  const Pages pages = total.pages_with_visits();
  const std::array<FitSums, SiteModel::k_kinds> sums = fit_sums(pages, settings, returning);
  for (std::size_t k = 0; k < SiteModel::k_kinds; ++k)
    fit_kind(m, k, sums[k], settings, weights);
  fit_prior_arrivals(m, pages, settings, returning);
  measure_applied_shares(m, pages, settings, weights, returning);
  return m;
}

Weights page_weights(const SiteModel& model, const PageStats& whole, const WeightedCounts& c,
                     const Weights& weights) {
  Weights out = weights;
  if (!model.valid) return out;
  const double s = signed_private(c), o = public_arrivals(whole, c);
  for (std::size_t k = 0; k < SiteModel::k_kinds; ++k) {
    const WeightRange& prior = weights[kind(k)];
    double share = model.site_share[k], evidence = 0.0, own = 0.0, m = model.prior_arrivals[k];
    if (model.fitted[k] && own_share(model, k, s, o, c[kind(k)], own, evidence)) {
      if (excess_form(k)) m = excess_prior_arrivals(model, k, o, evidence);
      share = std::clamp(blend(own, evidence, model.site_share[k], m), 0.0, 1.0);
    }
    // A fitted weight is less sure on a page with little evidence; the rules' own stand as written.
    double variance = share * (1.0 - share) / (evidence + m + 1.0);
    if (excess_form(k) && model.fitted[k]) {
      const double baseline = model.public_rate[k] * o, total = evidence + m;
      variance += baseline / (total * total);
    }
    const double spread = model.fitted[k] ? k_z * std::sqrt(variance) : 0.0;
    out[kind(k)] = {share, std::max(0.0, share - std::hypot(prior.value - prior.low, spread)),
                    std::min(1.0, share + std::hypot(prior.high - prior.value, spread))};
  }
  return out;
}

} // namespace darkscan
