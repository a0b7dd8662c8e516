#include <darkscan/estimate.hpp>

#include <algorithm>
#include <cmath>

namespace darkscan {

Interval wilson_interval(double successes, std::uint64_t trials) {
  if (trials == 0) return {0.0, 0.0, 1.0};
  constexpr double z = 1.959963984540054;
  const double n = static_cast<double>(trials);
  const double p = std::clamp(successes, 0.0, n) / n;
  const double z2 = z * z;
  const double centre = (p + z2 / (2 * n)) / (1 + z2 / n);
  const double half = z * std::sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / (1 + z2 / n);
  return {p, std::max(0.0, centre - half), std::min(1.0, centre + half)};
}

ShareEstimate estimate_share(const EvidenceCounts& counts, std::uint64_t visits, std::uint64_t unknown,
                             const Weights& weights) {
  ShareEstimate e;
  unknown = std::min(unknown, visits);
  const std::uint64_t known = visits - unknown;
  // In evidence order, always: the same counts give the same sums to the last bit.
  double dark = 0.0, dark_low = 0.0, dark_high = 0.0;
  for (std::size_t i = 0; i < k_evidence_count; ++i) {
    const auto n = static_cast<double>(counts[i]);
    dark += n * weights[i].value;
    dark_low += n * weights[i].low;
    dark_high += n * weights[i].high;
  }
  e.dark = dark;
  if (visits == 0) return e;
  if (known == 0 || static_cast<double>(unknown) >= k_max_unknown_share * static_cast<double>(visits)) {
    e.known = false;
    e.share = e.low = 0.0;
    e.high = 1.0;
    return e;
  }
  const auto n = static_cast<double>(known);
  const Interval sampling = wilson_interval(dark, known);
  const double p = sampling.share;
  const double below = std::hypot(p - sampling.low, p - std::clamp(dark_low / n, 0.0, p));
  const double above = std::hypot(sampling.high - p, std::clamp(dark_high / n, p, 1.0) - p);
  // The arrivals whose referrer is unknown: none of them dark at the low end, all at the high end.
  const double known_part = n / static_cast<double>(visits);
  const double unknown_part = 1.0 - known_part;
  e.share = p;
  e.low = std::max(0.0, p - below) * known_part;
  e.high = std::min(1.0, std::min(1.0, p + above) * known_part + unknown_part);
  return e;
}

} // namespace darkscan
