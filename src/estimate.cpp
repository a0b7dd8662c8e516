#include <darkscan/estimate.hpp>

#include <algorithm>
#include <cmath>

namespace darkscan {

ShareEstimate wilson_interval(double successes, std::uint64_t trials) {
  if (trials == 0) return {0.0, 0.0, 1.0};
  constexpr double z = 1.959963984540054;
  const double n = static_cast<double>(trials);
  const double p = std::clamp(successes, 0.0, n) / n;
  const double z2 = z * z;
  const double centre = (p + z2 / (2 * n)) / (1 + z2 / n);
  const double half = z * std::sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / (1 + z2 / n);
  return {p, std::max(0.0, centre - half), std::min(1.0, centre + half)};
}

} // namespace darkscan
