#include <darkscan/estimate/likelihood_fit.hpp>

#include <catch2/catch.hpp>

#include <cmath>
#include <vector>

using namespace darkscan;

TEST_CASE("likelihood fit: a Newton step onto theta = 1 where a page has no signed arrivals is halved",
          "[estimate][model]") {
  // Page 1 has many arrivals for its share of the signed ones (u = 0.5 against v = 0.1): the part is
  // near 1. Page 2 has an arrival and no signed arrivals (u = 0): at theta = 1 its mean is 0 and
  // the likelihood minus infinity. With few signed arrivals over the site (ΣS = 0.5) the noise's
  // correction is large and the first step from the maximum (0.9876) lands on 1, clamped: the next
  // slope there was -inf / inf, and the part NaN ("-nan%" in the report; found while fitting
  // arrivals hours after a preview, 2026-12-06).
  const std::vector<LikelihoodTerm> terms = {{0.5, 0.1, 100.0}, {0.0, 0.4, 1.0}, {0.5, 0.5, 10.0}};
  const double maximum = fit_theta(terms);
  CHECK(maximum == Approx(0.98762).epsilon(1e-4));
  const double theta = corrected_theta(terms, 0.5, maximum);
  CHECK(std::isfinite(theta));
  CHECK(theta >= maximum);
  CHECK(theta < 1.0);
  CHECK(std::isfinite(slope_at(terms, theta)));
  // Where no step reaches a bound, nothing changes: the same data with ΣS = 20 settles inside.
  CHECK(corrected_theta(terms, 20.0, maximum) == Approx(0.988066).epsilon(1e-5));
}
