#include <darkscan/estimate/instrument_fit.hpp>

#include <darkscan/estimate/estimate.hpp>

#include <algorithm>
#include <array>
#include <cmath>

namespace darkscan {

namespace {

// The instrumental-variable fit, the second of the site model's two fits (doc/CLASSIFIER.md,
// section 3, "Why two fits"). A page's signed count S is a noisy measure of its sharing, and not
// only Poisson noise: a preview fetch and a share button's tag mark all the clicks of one share at
// once, and the clicks they mark are the ones that do not arrive as referrer-less arrivals. A page
// that happened to get a tagged group share has many signed arrivals and few unsigned ones, so S's
// noise runs against y and the Poisson fit's a falls toward 0 by more than its correction gives
// back. Whether a click opens in a messenger's in-app browser is decided by each recipient's app,
// click by click: the in-app count z is the instrument for S (Reiersøl 1945; Durbin 1954): a and b
// solve Σ w·z·(y − a·s − b·o) = 0 and Σ w·o·(y − a·s − b·o) = 0 over the pages, w = 1/(1 + s + o)
// (a page's Poisson variance grows with its arrivals), and theta = a·ΣS/(a·ΣS + b·ΣO). It is not
// a clean instrument, and its biases are the reason for two fits: z is part of S, so its own noise
// is in both z and S and pulls theta down (where clicks are signed one by one, it comes out below
// the truth while the Poisson fit is right); and a share's in-app and referrer-less clicks come
// and go together, which pulls it up where shares are signed whole (a review of this fit, test
// cases in test_site_model.cpp).
// The first stage's sums too (w, wz, wo, ws, zz, ss: first_stage_f).
struct InstrumentSums {
  double zs = 0, zo = 0, os = 0, oo = 0, zy = 0, oy = 0, s = 0, o = 0;
  double w = 0, wz = 0, wo = 0, ws = 0, zz = 0, ss = 0, n = 0;
  void add(const FitPoint& p) {
    const double v = 1.0 / (1.0 + static_cast<double>(p.s) + static_cast<double>(p.o));
    zs += v * p.z * p.s, zo += v * p.z * p.o, os += v * p.o * p.s, oo += v * p.o * p.o;
    zy += v * p.z * p.y, oy += v * p.o * p.y, s += p.s, o += p.o;
    w += v, wz += v * p.z, wo += v * p.o, ws += v * p.s, zz += v * p.z * p.z, ss += v * p.s * p.s, n += 1;
  }
  void add(const InstrumentSums& t, double sign) {
    zs += sign * t.zs, zo += sign * t.zo, os += sign * t.os, oo += sign * t.oo;
    zy += sign * t.zy, oy += sign * t.oy, s += sign * t.s, o += sign * t.o;
    w += sign * t.w, wz += sign * t.wz, wo += sign * t.wo, ws += sign * t.ws;
    zz += sign * t.zz, ss += sign * t.ss, n += sign * t.n;
  }
};

// Whether the in-app counts follow the page's sharing: the F statistic of z in the first stage,
// the weighted least squares of the other signed arrivals, s − z, on 1, z and o (the t statistic
// of z, squared). s − z and not s, and with an intercept: z is part of s, and without both its F
// grew with the pages alone (a review: in-app counts drawn apart from the sharing gave F 1,204 on
// 4,000 pages; now 0.02). An instrument that barely follows the sharing (F below
// k_min_first_stage_f) gives an estimate biased toward the plain fit's and ranges that do not hold
// (Staiger and Stock 1997, whose rule of thumb is F >= 10); bench/sim-site's and bench/sim-alt's
// sites give 76 to 10,700, and 2 to 4 on sim-site's smallest (seed 2, 71 pages).
constexpr double k_min_first_stage_f = 10;
double first_stage_f(const InstrumentSums& t) {
  if (!(t.n > 3)) return 0.0;
  // X'WX for the columns 1, z, o, and X'Wr for r = s − z.
  const double a11 = t.w, a12 = t.wz, a13 = t.wo, a22 = t.zz, a23 = t.zo, a33 = t.oo;
  const double r1 = t.ws - t.wz, r2 = t.zs - t.zz, r3 = t.os - t.zo;
  const double rr = t.ss - 2.0 * t.zs + t.zz;
  // Cofactors of the symmetric 3x3 matrix: its inverse is their matrix over the determinant.
  const double c11 = a22 * a33 - a23 * a23, c12 = a13 * a23 - a12 * a33, c13 = a12 * a23 - a13 * a22;
  const double c22 = a11 * a33 - a13 * a13, c23 = a12 * a13 - a11 * a23, c33 = a11 * a22 - a12 * a12;
  const double det = a11 * c11 + a12 * c12 + a13 * c13;
  if (!(det > 1e-12 * a11 * a22 * a33)) return 0.0;
  const double b1 = (c11 * r1 + c12 * r2 + c13 * r3) / det, b2 = (c12 * r1 + c22 * r2 + c23 * r3) / det,
               b3 = (c13 * r1 + c23 * r2 + c33 * r3) / det;
  const double residual = std::max(0.0, rr - b1 * r1 - b2 * r2 - b3 * r3) / (t.n - 3.0);
  const double variance = residual * c22 / det;
  if (!(variance > 0)) return b2 > 0 ? k_min_first_stage_f : 0.0; // s − z is exactly a line in z and o
  return b2 * b2 / variance;
}

// theta from the sums; none when the equations do not tell a from b (the in-app counts follow the
// public ones), or give neither rate above 0. A rate at or below 0 puts theta at its bound.
std::optional<double> instrument_theta(const InstrumentSums& t) {
  const double det = t.zs * t.oo - t.zo * t.os;
  if (!(std::fabs(det) > 1e-9 * std::max(std::fabs(t.zs * t.oo), std::fabs(t.zo * t.os))))
    return std::nullopt;
  const double a = (t.zy * t.oo - t.zo * t.oy) / det, b = (t.zs * t.oy - t.os * t.zy) / det;
  if (!(a > 0) && !(b > 0)) return std::nullopt;
  if (!(a > 0)) return 0.0;
  if (!(b > 0)) return 1.0;
  return a * t.s / (a * t.s + b * t.o);
}

} // namespace

// The instrumented theta and the half width of its 95% range: 1.96 jackknife standard errors,
// deleting one of 20 groups of pages at a time (the i-th point in group i mod 20: the points in
// the pages' key order give the same bits, and the same groups), which holds the pages' departures from the
// model as the Poisson curvature does not. None when the instrument is weak (first_stage_f) or when the full
// fit or any of the 20 refits tells nothing.
std::optional<InstrumentFit> instrument_fit(const std::vector<FitPoint>& points) {
  constexpr std::size_t k_groups = 20;
  std::array<InstrumentSums, k_groups> groups{};
  for (std::size_t i = 0; i < points.size(); ++i)
    groups[i % k_groups].add(points[i]);
  InstrumentSums all;
  for (const InstrumentSums& g : groups)
    all.add(g, 1.0);
  if (!(first_stage_f(all) >= k_min_first_stage_f)) return std::nullopt;
  const std::optional<double> theta = instrument_theta(all);
  if (!theta) return std::nullopt;
  const std::size_t used = std::min(k_groups, points.size());
  std::array<double, k_groups> refits{};
  double mean = 0;
  for (std::size_t g = 0; g < used; ++g) {
    InstrumentSums rest = all;
    rest.add(groups[g], -1.0);
    const std::optional<double> refit = instrument_theta(rest);
    if (!refit) return std::nullopt;
    refits[g] = *refit, mean += *refit / static_cast<double>(used);
  }
  double squares = 0;
  for (std::size_t g = 0; g < used; ++g)
    squares += (refits[g] - mean) * (refits[g] - mean);
  const double n = static_cast<double>(used);
  return InstrumentFit{*theta, k_z * std::sqrt((n - 1.0) / n * squares)};
}

} // namespace darkscan
