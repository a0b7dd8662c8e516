#pragma once

#include <utility>
#include <vector>

namespace darkscan {

// The Poisson likelihood of a kind's private part theta across pages (doc/CLASSIFIER.md section 4:
// each page's such arrivals y with mean a·s + b·o, profiled to one number), for the site model.

// A fit's term: each page's share of the signed (u) and public (v) arrivals and its arrivals of the
// kind (y), for the pages with such arrivals (the others add nothing to the slope). Worked out once:
// the bisection and Newton's steps below go over them about 60 times (on 1 GB of gen-log, 19,532
// pages, the fit took 22 ms with them worked out on each pass, 13 ms now, of a report of about 55
// ms: bench/results/profile.md, eighth round; the values, and so the fit, are the same bits).
struct LikelihoodTerm {
  double u, v, y;
};

// The slope of the profile log-likelihood at theta.
double slope_at(const std::vector<LikelihoodTerm>& terms, double theta);

// The slope (first) and curvature (second, minus) of the profile log-likelihood at theta.
std::pair<double, double> profile_slope(const std::vector<LikelihoodTerm>& terms, double theta);

// The maximum of the profile log-likelihood in [0, 1] (bisection: likelihood_fit.cpp).
double fit_theta(const std::vector<LikelihoodTerm>& terms);

// What the noise of the signed counts takes from the slope at theta, on average (likelihood_fit.cpp).
double noise_loss(const std::vector<LikelihoodTerm>& terms, double sum_signed, double theta);

// The fitted part: the root of the slope with the noise's loss given back, nearest the likelihood's
// maximum `maximum` (Newton's steps: likelihood_fit.cpp).
double corrected_theta(const std::vector<LikelihoodTerm>& terms, double sum_signed, double maximum);

} // namespace darkscan
