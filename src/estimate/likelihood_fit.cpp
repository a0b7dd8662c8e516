#include <darkscan/estimate/likelihood_fit.hpp>

#include <algorithm>
#include <cmath>

namespace darkscan {

// The slope of the profile log-likelihood at theta.
double slope_at(const std::vector<LikelihoodTerm>& terms, double theta) {
  double slope = 0;
  for (const LikelihoodTerm& t : terms)
    slope += t.y * (t.u - t.v) / (theta * t.u + (1.0 - theta) * t.v);
  return slope;
}

// The slope (first) and curvature (second, minus) of the profile log-likelihood at theta.
std::pair<double, double> profile_slope(const std::vector<LikelihoodTerm>& terms, double theta) {
  double slope = 0, information = 0;
  for (const LikelihoodTerm& t : terms) {
    const double mix = theta * t.u + (1.0 - theta) * t.v;
    slope += t.y * (t.u - t.v) / mix;
    information += t.y * (t.u - t.v) * (t.u - t.v) / (mix * mix);
  }
  return {slope, information};
}

// The maximum of the profile log-likelihood in [0, 1]: it is concave, so its slope falls; bisection,
// 52 halvings (a double's precision), deterministic whatever the pages.
double fit_theta(const std::vector<LikelihoodTerm>& terms) {
  double low = 0, high = 1;
  for (int i = 0; i < 52; ++i) {
    const double mid = 0.5 * (low + high);
    (slope_at(terms, mid) > 0 ? low : high) = mid;
  }
  return 0.5 * (low + high);
}

// What the noise of the signed counts takes from the slope at theta, on average. A page's signed
// count s is a Poisson count about its mean σ (its sharing), and the fit wants σ. A page's term of
// the slope, t(x) = y·(x − v)/(θ·x + (1 − θ)·v) with x = s/ΣS, is concave in x (t'' =
// −2θ·y·v/mix³), so that with x in place of σ/ΣS each term is smaller on average by about
// −½·t''·Var(x), with Var(x) = s/ΣS² (Poisson: the variance is the mean, estimated by the count):
// the noise pulls θ toward 0 (attenuation). This is that loss summed, θ·y·v·x/(ΣS·mix³) a page,
// the small-variance expansion behind corrected scores (Stefanski 1989; Nakamura 1990, Biometrika
// 77: the corrected score's expectation over the noise is the score at the true value). ΣS, a sum
// over the pages, is taken as exact; so are the public counts o (their own term, −(1 − θ)·y·u·v/
// (ΣO·mix³), was tried: doc/CLASSIFIER.md, section 3).
double noise_loss(const std::vector<LikelihoodTerm>& terms, double sum_signed, double theta) {
  double loss = 0;
  for (const LikelihoodTerm& t : terms) {
    const double mix = theta * t.u + (1.0 - theta) * t.v;
    loss += theta * t.y * t.v * t.u / (sum_signed * mix * mix * mix);
  }
  return loss;
}

// The fitted part: the root of the slope with the noise's loss given back, nearest the likelihood's
// maximum, found by Newton's steps from there (the likelihood's curvature as the step's slope; at
// most 50, each clamped to [0, 1], stopping when a step moves less than 1e-12). The corrected slope
// need not fall with θ where the likelihood is flat (a small site): its root was sought by
// bisection over [0, 1] at first, and on the 17-page sample one kind's part went from 0, where the
// likelihood's slope is below 0 throughout, to 1 (found by a review). From a maximum at a bound
// where the slope points out of [0, 1], the first step stays there.
double corrected_theta(const std::vector<LikelihoodTerm>& terms, double sum_signed, double maximum) {
  double theta = maximum;
  for (int i = 0; i < 50; ++i) {
    const auto [slope, information] = profile_slope(terms, theta);
    if (!(information > 0)) break;
    double next = std::clamp(theta + (slope + noise_loss(terms, sum_signed, theta)) / information, 0.0, 1.0);
    // A step onto a bound where a page's mean is 0 (at theta = 1, a page with arrivals of the kind
    // and no signed ones) lands where its arrivals cannot be: the likelihood is minus infinity there
    // and the next step not a number ("-nan%" in a report). The step is halved until it lands inside.
    for (int h = 0; h < 64 && !std::isfinite(slope_at(terms, next)); ++h)
      next = 0.5 * (theta + next);
    const bool settled = std::fabs(next - theta) < 1e-12;
    theta = next;
    if (settled) break;
  }
  return theta;
}

} // namespace darkscan
