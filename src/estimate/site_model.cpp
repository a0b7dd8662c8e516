#include <darkscan/estimate/site_model.hpp>

#include <darkscan/estimate/instrument_fit.hpp>
#include <darkscan/estimate/likelihood_fit.hpp>

#include <algorithm>
#include <cmath>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

namespace darkscan {

namespace {

std::size_t kind(std::size_t k) { return static_cast<std::size_t>(k_model_kinds[k]); }

// Referrer-less arrivals on deep pages (not the in-app social ones, which any page has).
bool deep(std::size_t k) {
  return k_model_kinds[k] == Evidence::direct_deep_new || k_model_kinds[k] == Evidence::direct_deep_returning;
}

// The blend of `value` (backed by `n` arrivals) with `prior` (`m` pseudo-arrivals).
double blend(double value, double n, double prior, double m) { return (n * value + m * prior) / (n + m); }

// The rates a (per signed private arrival) and b (per public one) that give the site's part theta
// of kind k: a·ΣS = theta·ΣY and b·ΣO = (1 − theta)·ΣY (site_model.hpp).
struct Rates {
  double a = 0, b = 0;
};
Rates rates_at(const SiteModel& model, std::size_t k, double theta) {
  return {theta * model.sum_arrivals[k] / model.sum_signed[k],
          (1.0 - theta) * model.sum_arrivals[k] / model.sum_public[k]};
}

// The site's part that pages are drawn toward when the fit gives theta: drawn in turn toward the
// rules' value by k_site_prior_pages pseudo-pages.
double site_part(const SiteModel& model, std::size_t k, double theta, double prior) {
  return blend(theta, static_cast<double>(model.pages[k]), prior, SiteModel::k_site_prior_pages);
}

// A page's own private part of its arrivals of a kind, a·S / (a·S + b·O), and the S + O arrivals
// `n` that back it; false when it has neither.
bool own_share(Rates r, double s, double o, double& share, double& n) {
  const double a = r.a * s, b = r.b * o;
  if (!(a + b > 0)) return false;
  share = a / (a + b), n = s + o;
  return true;
}

// What the site's part and its rates of kind k depend on: the rules' value `prior` and the model's
// fit (SiteModel::Parts).
std::array<double, 8> parts_from(const SiteModel& model, std::size_t k, double prior) {
  return {prior,
          model.fitted_low[k],
          model.fitted_high[k],
          model.fitted_share[k],
          static_cast<double>(model.pages[k]),
          model.sum_signed[k],
          model.sum_public[k],
          model.sum_arrivals[k]};
}

// The site's part and its rates at each end of theta's range and at theta, for the rules' value
// `prior` (SiteModel::Parts).
SiteModel::Parts part_at(const SiteModel& model, std::size_t k, double prior) {
  SiteModel::Parts parts;
  parts.from = parts_from(model, k, prior);
  const std::array<double, 3> thetas = {model.fitted_low[k], model.fitted_high[k], model.fitted_share[k]};
  for (std::size_t i = 0; i < thetas.size(); ++i) {
    const double site = site_part(model, k, thetas[i], prior);
    const Rates r = rates_at(model, k, site);
    parts.at[i] = {site, r.a, r.b};
  }
  return parts;
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
    if (!(inverse < 1.0)) return 0.0; // every page of one arrival: nothing beyond sampling can be told
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

} // namespace

double signed_private(const WeightedCounts& c) {
  // Not mail: the site's own untagged newsletters arrive as mail too (weights.rules), and a mailing
  // brings its readers' bookmarks and typed visits with it, not private shares. Not arrivals more
  // than an hour after a preview: on a page shared daily its readers fill the windows as much as its
  // shares do (doc/CLASSIFIER.md section 4).
  return c[static_cast<std::size_t>(Evidence::inapp_messaging)] +
         c[static_cast<std::size_t>(Evidence::tagged_private)] +
         c[static_cast<std::size_t>(Evidence::direct_deep_after_preview)];
}

double public_arrivals(const PageStats& page, const WeightedCounts& c) {
  double with_evidence = 0.0;
  for (double n : c)
    with_evidence += n;
  return std::max(0.0,
                  static_cast<double>(page.visits - std::min(page.unknown, page.visits)) - with_evidence);
}

namespace {

// The pages of the fit of one kind (FitPoint, instrument_fit.hpp), their sums, and how many pages
// show each cause and the instrument.
struct FitData {
  std::vector<FitPoint> points;
  double s = 0, o = 0, y = 0, z = 0;
  std::size_t with_signed = 0, with_public = 0, with_instrument = 0, with_other_signed = 0;
};

// A page as the fit sees it: its effective evidence, its signed (s) and public (o) arrivals, and
// whether it is a landing page or a hub.
struct FitPage {
  WeightedCounts c;
  double s = 0, o = 0, z = 0;
  bool landing = false;      // a landing page or a hub
  bool landing_rule = false; // a landing page (referrer-less arrivals on it are direct_landing)
};

FitPage fit_page(const PageStats& p, const EstimateSettings& settings, double returning) {
  FitPage f;
  const bool hub = is_hub(p, settings);
  f.c = effective_evidence(p, p, settings, returning, hub);
  // Landing pages and hubs have no referrer-less deep arrivals by construction: no evidence of
  // how many a page's readers bring (they would pull b toward 0).
  f.landing_rule = p.evidence[static_cast<std::size_t>(Evidence::direct_landing)] > 0;
  f.landing = hub || f.landing_rule;
  f.s = signed_private(f.c), f.o = public_arrivals(p, f.c);
  f.z = f.c[static_cast<std::size_t>(Evidence::inapp_messaging)];
  return f;
}

// Whether a page says nothing of kind k's rates because it cannot have such arrivals: referrer-less
// deep arrivals on a landing page or a hub (they count as direct_landing), arrivals after a mixed
// preview on a landing page (its referrer-less arrivals are direct_landing before any preview is
// looked at; a hub keeps them). Left in, such a page would pull b toward 0.
bool left_out(std::size_t k, const FitPage& f) {
  if (deep(k)) return f.landing;
  return k_model_kinds[k] == Evidence::direct_deep_after_mixed_preview && f.landing_rule;
}

std::array<FitData, SiteModel::k_kinds> fit_data(const PageList& pages, const EstimateSettings& settings,
                                                 double returning) {
  std::array<FitData, SiteModel::k_kinds> data{};
  const std::size_t step = (pages.size() + SiteModel::k_max_fit_pages - 1) / SiteModel::k_max_fit_pages;
  for (std::size_t i = 0; i < pages.size(); i += std::max<std::size_t>(step, 1)) {
    const FitPage f = fit_page(*pages[i].second, settings, returning);
    for (std::size_t k = 0; k < SiteModel::k_kinds; ++k) {
      const double y = f.c[kind(k)];
      // A page with neither cause says nothing of their rates (its arrivals are no one's).
      if (left_out(k, f) || f.s + f.o == 0) continue;
      FitData& d = data[k];
      d.points.push_back(
          {static_cast<float>(f.s), static_cast<float>(f.o), static_cast<float>(y), static_cast<float>(f.z)});
      d.s += f.s, d.o += f.o, d.y += y, d.z += f.z;
      d.with_signed += f.s > 0;
      d.with_public += f.o > 0;
      d.with_instrument += f.z > 0;
      d.with_other_signed += f.s - f.z >= 1.0; // weighted counts: a whole arrival at least
    }
  }
  return data;
}

// The fit's terms (likelihood_fit.hpp) of the pages with such arrivals (the others add nothing to
// the slope).
std::vector<LikelihoodTerm> terms_of(const FitData& d) {
  std::vector<LikelihoodTerm> terms;
  for (const FitPoint& p : d.points)
    if (p.y != 0) terms.push_back({p.s / d.s, p.o / d.o, p.y});
  return terms;
}

// The pages' dispersion beyond Poisson at theta: Pearson's statistic over its degrees of freedom,
// at least 1 (each mean taken as at least 1 arrival, so that a page whose mean is near 0 and that
// had one arrival does not swamp the rest).
double dispersion(const SiteModel& m, std::size_t k, const FitData& d) {
  if (d.points.size() <= 2) return 1.0;
  const Rates r = rates_at(m, k, m.fitted_share[k]);
  double pearson = 0;
  for (const FitPoint& p : d.points) {
    const double mean = r.a * p.s + r.b * p.o, residual = p.y - mean;
    pearson += residual * residual / std::max(1.0, mean);
  }
  return std::max(1.0, pearson / static_cast<double>(d.points.size() - 2));
}

// Whether kind k's fit is also made with the in-app arrivals as instrument: enough pages show
// in-app arrivals and enough show other signed ones, which are at least a tenth of them. When
// (nearly) all are in-app, the instrument is the signed count itself and its fit would be plain
// least squares, attenuated and uncorrected (a review: one tagged arrival among 4,000 pages moved a
// part from 0.379 to 0.309): the Poisson fit alone is kept.
bool instrumented(const FitData& d) {
  return d.with_instrument >= SiteModel::k_min_pages && d.with_other_signed >= SiteModel::k_min_pages &&
         d.s - d.z >= 0.1 * d.s;
}

// Solves the fit of kind k into `m` (sums, theta and its range, rates, site share, fitted), or
// leaves the rules' weight.
void fit_kind(SiteModel& m, std::size_t k, const FitData& d, const EstimateSettings& settings,
              const Weights& weights) {
  m.pages[k] = d.points.size();
  const double prior = weights[kind(k)].value;
  m.site_share[k] = prior;
  m.given[k] = settings.weight_given[kind(k)];
  const WeightRange& rules = weights[kind(k)];
  const WeightRange& across = settings.unfitted[kind(k)];
  const bool spread = !m.given[k] && across.low <= across.high;
  m.unfitted_low[k] = spread ? std::min(rules.low, across.low) : rules.low;
  m.unfitted_high[k] = spread ? std::max(rules.high, across.high) : rules.high;
  if (m.given[k]) return;
  // Each rate needs pages that show its cause: without signed private arrivals (a blog without
  // share tags, a log without user agents) a cannot be told, which is not a = 0.
  if (d.with_signed < SiteModel::k_min_pages || d.with_public < SiteModel::k_min_pages || !(d.y > 0)) return;
  m.sum_signed[k] = d.s, m.sum_public[k] = d.o, m.sum_arrivals[k] = d.y;
  const std::vector<LikelihoodTerm> terms = terms_of(d);
  const double maximum = fit_theta(terms);
  const double information = profile_slope(terms, maximum).second;
  // No curvature: every page has signed and public arrivals in the same proportion (or none of
  // these arrivals), so the likelihood is flat and theta is not told apart: the rules' weight stands.
  if (!(information > 0)) return;
  // Two fits, biased in opposite directions in the worlds tested (arrivals signed click by click, or
  // share by share: instrument_fit.cpp); the part is their middle, its range spans both ranges
  // (doc/CLASSIFIER.md). The Poisson fit's part is set first: dispersion() reads it.
  const double likelihood_theta = corrected_theta(terms, d.s, maximum);
  m.fitted_share[k] = likelihood_theta;
  const double half = k_z * std::sqrt(dispersion(m, k, d) / information);
  double theta = likelihood_theta, low = theta - half, high = theta + half;
  const std::optional<InstrumentFit> iv = instrumented(d) ? instrument_fit(d.points) : std::nullopt;
  m.instrumented[k] = iv.has_value();
  if (iv) {
    theta = 0.5 * (likelihood_theta + iv->theta);
    low = std::min(low, iv->theta - iv->half), high = std::max(high, iv->theta + iv->half);
  }
  m.fitted_share[k] = theta;
  m.fitted_low[k] = std::max(0.0, low), m.fitted_high[k] = std::min(1.0, high);
  m.fitted[k] = true;
  // Drawn toward the rules' value when few pages back the fit (pages as pseudo-arrivals), and the
  // rates that give it, which the pages' own parts are read with: on a site of a few pages a fit
  // at 0 or 1 does not make every page's part 0 or 1.
  m.site_share[k] = site_part(m, k, theta, prior);
  const Rates r = rates_at(m, k, m.site_share[k]);
  m.signed_rate[k] = r.a, m.public_rate[k] = r.b;
  m.parts[k] = part_at(m, k, prior);
}

// How far pages differ in their own parts: the prior's weight in each (site_model.hpp).
// Over the pages of the fit, those with at least one arrival of evidence (weighted counts can be
// fractions: a page of 0.3 arrivals says nothing of its spread).
void fit_prior_arrivals(SiteModel& m, const PageList& pages, const EstimateSettings& settings,
                        double returning) {
  std::array<Moments, SiteModel::k_kinds> moments{};
  for (const auto& [key, p] : pages) {
    const FitPage f = fit_page(*p, settings, returning);
    double share = 0, n = 0;
    for (std::size_t k = 0; k < SiteModel::k_kinds; ++k) {
      if (!m.fitted[k] || left_out(k, f)) continue;
      if (own_share({m.signed_rate[k], m.public_rate[k]}, f.s, f.o, share, n) && n >= 1.0)
        moments[k].add(share, n);
    }
  }
  for (std::size_t k = 0; k < SiteModel::k_kinds; ++k) {
    if (!m.fitted[k]) continue;
    m.spread[k] = moments[k].spread();
    m.prior_arrivals[k] = moments[k].prior_arrivals();
  }
}

// What the pages' weights make of the site's arrivals of each kind (what the report counts). The
// effective evidence is computed again rather than kept from the fit: 72 bytes a page would be
// 72 MB on a site of a million pages, for well under 1% of a run (bench/results/model-cost.md). A
// report does not ask for it: it weighs the pages for its own sums (ReportData::fit).
void measure_applied_shares(SiteModel& m, const PageList& pages, const EstimateSettings& settings,
                            const Weights& weights, double returning) {
  EvidenceSums weighed{}, all{};
  for (const auto& [key, p] : pages) {
    const WeightedCounts c = effective_evidence(*p, *p, settings, returning, is_hub(*p, settings));
    const Weights w = page_weights(m, *p, c, weights);
    for (std::size_t k = 0; k < SiteModel::k_kinds; ++k)
      weighed[kind(k)] += c[kind(k)] * w[kind(k)].value, all[kind(k)] += c[kind(k)];
  }
  set_applied_shares(m, weighed, all);
}

} // namespace

SiteModel fit_site_rates(const Aggregate& total, const PageList& pages, const EstimateSettings& settings,
                         const Weights& weights) {
  SiteModel m;
  m.valid = true;
  const double returning = returning_share(total.totals());
  const std::array<FitData, SiteModel::k_kinds> data = fit_data(pages, settings, returning);
  for (std::size_t k = 0; k < SiteModel::k_kinds; ++k)
    fit_kind(m, k, data[k], settings, weights);
  fit_prior_arrivals(m, pages, settings, returning);
  m.applied_share = m.site_share;
  return m;
}

void set_applied_shares(SiteModel& m, const EvidenceSums& weighed, const EvidenceSums& arrivals) {
  for (std::size_t k = 0; k < SiteModel::k_kinds; ++k)
    m.applied_share[k] = arrivals[kind(k)] > 0 ? weighed[kind(k)] / arrivals[kind(k)] : m.site_share[k];
}

SiteModel fit_site_model(const Aggregate& total, const EstimateSettings& settings, const Weights& weights) {
  const PageList pages = total.pages_with_visits();
  SiteModel m = fit_site_rates(total, pages, settings, weights);
  measure_applied_shares(m, pages, settings, weights, returning_share(total.totals()));
  return m;
}

Weights page_weights(const SiteModel& model, const PageStats& whole, const WeightedCounts& c,
                     const Weights& weights) {
  Weights out = weights;
  if (!model.valid) return out;
  const double s = signed_private(c), o = public_arrivals(whole, c);
  for (std::size_t k = 0; k < SiteModel::k_kinds; ++k) {
    const WeightRange& prior = weights[kind(k)];
    if (!model.fitted[k]) { // the rules' weight, in its range across sites (a user's own: as given)
      out[kind(k)] = {model.site_share[k],
                      std::max(0.0, model.site_share[k] - (prior.value - model.unfitted_low[k])),
                      std::min(1.0, model.site_share[k] + (model.unfitted_high[k] - prior.value))};
      continue;
    }
    // The page's part when the fit gives theta: its own drawn toward the site's by m pseudo-arrivals.
    const double m = model.prior_arrivals[k];
    const double evidence = s + o; // the arrivals a page's own part is read from
    const SiteModel::Parts parts = model.parts[k].from == parts_from(model, k, prior.value)
                                       ? model.parts[k]
                                       : part_at(model, k, prior.value);
    const auto part = [&](const SiteModel::Part& at) {
      double own = 0.0, n = 0.0;
      if (!own_share({at.a, at.b}, s, o, own, n)) return at.site;
      return std::clamp(blend(own, n, at.site, m), 0.0, 1.0);
    };
    const double low = part(parts.at[0]), high = part(parts.at[1]);
    const double share = part(parts.at[2]);
    // A fitted weight is less sure on a page with little evidence, and as sure as the fit.
    const double sampled = k_z * std::sqrt(share * (1.0 - share) / (evidence + m + 1.0));
    // Root of the sum of squares (std::hypot guards against overflow, which weights in [0, 1] cannot
    // reach, at several times the cost: it was 5% of a report's time).
    const auto root = [](double w, double x, double y2, double z) {
      return std::sqrt(w * w + x * x + y2 * y2 + z * z);
    };
    const double below =
        root(prior.value - prior.low, sampled, share - std::min(share, std::min(low, high)), 0.0);
    // New visitors' arrivals that the page's public traffic does not explain may all be private
    // (a new visitor has not bookmarked the page) or noise that does not follow public traffic
    // (apps that send no referrer, readers not yet seen): the high end takes in the first reading.
    const double y = c[kind(k)];
    const double unexplained = k_model_kinds[k] == Evidence::direct_deep_new && y > 0
                                   ? std::max(0.0, std::min(1.0, (y - model.public_rate[k] * o) / y) - share)
                                   : 0.0;
    const double above =
        root(prior.high - prior.value, sampled, std::max(share, std::max(low, high)) - share, unexplained);
    out[kind(k)] = {share, std::max(0.0, share - below), std::min(1.0, share + above)};
  }
  return out;
}

} // namespace darkscan
